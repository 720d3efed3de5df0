import { readFileSync } from 'node:fs';

/** A small fixture of test/fixtures/arxiv, written in arXiv's formats. */
export function arxivFixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/arxiv/${name}`, import.meta.url));
}

/** The error that `action` throws; fails the test when it throws none. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}
