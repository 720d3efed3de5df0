import { describe, expect, it } from 'vitest';
import { localVectors } from '../../../src/rank/local.ts';
import { decodeVector, dot, encodeVector, unit } from '../../../src/rank/vectors.ts';
import { makePaper } from '../../support/papers.ts';

describe('vectors', () => {
  it('dot products agree between dense and sparse forms', () => {
    const dense = Float32Array.from([0, 0.6, 0, 0.8]);
    const sparse = { indices: Int32Array.from([1, 3]), values: Float32Array.from([0.6, 0.8]) };
    const other = { indices: Int32Array.from([0, 3]), values: Float32Array.from([1, 0.5]) };
    expect(dot(dense, dense)).toBeCloseTo(1);
    expect(dot(dense, sparse)).toBeCloseTo(1);
    expect(dot(sparse, dense)).toBeCloseTo(1);
    expect(dot(sparse, other)).toBeCloseTo(0.4);
    expect(dot(dense, Float32Array.from([1, 0, 0, 0.5]))).toBeCloseTo(0.4);
  });

  it('unit scales to length 1 and gives null for zero', () => {
    expect(Array.from(unit([3, 4]) ?? [])).toEqual([expect.closeTo(0.6), expect.closeTo(0.8)]);
    expect(unit([0, 0])).toBeNull();
  });

  it('stores float32 vectors as base64 and reads them back exactly', () => {
    const vector = Float32Array.from([0.1, -2.5, 3e-8, 1]);
    const text = encodeVector(vector);
    expect(text).toHaveLength(Math.ceil((4 * 4) / 3) * 4);
    expect(decodeVector(text)).toEqual(vector);
    expect(decodeVector('abc')).toBeNull();
    expect(decodeVector('')).toBeNull();
  });
});

describe('local TF-IDF vectors', () => {
  const papers = [
    makePaper('2401.00001', {
      title: 'Graph neural networks',
      abstract: 'Message passing on molecular graphs.',
    }),
    makePaper('2401.00002', { title: 'Graph transformers', abstract: 'Attention over molecular graphs.' }),
    makePaper('2401.00003', { title: 'Dark matter halos', abstract: 'Simulations of galaxy halos.' }),
    makePaper('2401.00004', {
      title: 'Galaxy clusters',
      abstract: 'Dark matter in galaxy clusters and halos.',
    }),
  ];

  it('gives unit vectors that relate papers sharing words, and only those', () => {
    const { vectors, dimensions } = localVectors(papers);
    expect(dimensions).toBeGreaterThan(0);
    const v = (id: string) => vectors.get(id) ?? expect.fail(`no vector for ${id}`);
    for (const paper of papers) expect(dot(v(paper.id), v(paper.id))).toBeCloseTo(1);
    expect(dot(v('2401.00001'), v('2401.00002'))).toBeGreaterThan(0.3);
    expect(dot(v('2401.00003'), v('2401.00004'))).toBeGreaterThan(0.3);
    expect(dot(v('2401.00001'), v('2401.00003'))).toBe(0);
  });

  it('keeps one vector per paper id', () => {
    expect(localVectors([...papers, papers[0] ?? expect.fail()]).vectors.size).toBe(4);
  });
});
