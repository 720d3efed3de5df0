import { describe, expect, it } from 'vitest';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import {
  DIGEST_JSON_FORMAT,
  DIGEST_JSON_VERSION,
  digestFromJson,
  digestToJson,
  renderJson,
} from '../../../src/digest/render/json.ts';
import { hostileDigest, hostileSummary } from './digests.ts';

describe('renderJson', () => {
  const digest = hostileDigest();
  const text = renderJson(digest);
  const json = JSON.parse(text);

  it('writes the digest as data with its format and version', () => {
    expect(json).toEqual(digestToJson(digest));
    expect(text.endsWith('}\n')).toBe(true);
    expect(json.format).toBe(DIGEST_JSON_FORMAT);
    expect(json.version).toBe(DIGEST_JSON_VERSION);
    expect(json).toMatchObject({
      title: 'arXiv digest',
      target: 'slack:T1/C2',
      announced: '2024-11-28',
      generatedAt: '2024-11-28T14:47:20.000Z',
      categories: ['cs.AI', 'cs.CR'],
      listed: 7,
      query: {
        text: 'LLM, "mixture of experts", -survey',
        terms: [
          { text: 'LLM', exact: false },
          { text: 'mixture of experts', exact: true },
        ],
        exclude: [{ text: 'survey', exact: false }],
      },
    });
    expect(parseKeywordQuery(json.query.text)).toEqual(digest.query);
  });

  it('reads back to the same digest (a delivery log stores digests as JSON)', () => {
    expect(digestFromJson(JSON.parse(text))).toEqual(digest);
  });

  it('keeps a stable, documented key order', () => {
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'title',
      'target',
      'announced',
      'generatedAt',
      'categories',
      'listed',
      'query',
      'papers',
    ]);
    const [first] = json.papers;
    expect(Object.keys(first)).toEqual(['rank', 'score', 'titleHits', 'matchedTerms', 'paper', 'summary']);
    expect(Object.keys(first.paper)).toEqual([
      'id',
      'version',
      'title',
      'authors',
      'abstract',
      'categories',
      'primaryCategory',
      'announceType',
      'published',
      'updated',
      'announced',
      'absUrl',
      'pdfUrl',
      'doi',
      'journalRef',
      'comment',
    ]);
  });

  it('numbers the papers and carries scores, matched terms, papers and summaries unchanged', () => {
    expect(json.papers.map((p: { rank: number }) => p.rank)).toEqual([1, 2, 3]);
    const hostile = json.papers[1];
    expect(hostile).toMatchObject({ score: 1.5, titleHits: 1, matchedTerms: ['LLM'] });
    expect(hostile.paper).toEqual(digest.papers[1]?.paper);
    expect(hostile.summary).toEqual(hostileSummary);
    expect(Object.keys(hostile.summary)).toEqual([
      'paperId',
      'version',
      'tldr',
      'body',
      'source',
      'model',
      'language',
    ]);
    expect(json.papers[0].summary).toBeNull();
  });

  it('indents as asked', () => {
    expect(renderJson(digest, { indent: 0 })).toBe(`${JSON.stringify(digestToJson(digest))}\n`);
  });
});
