import { readFileSync } from 'node:fs';
import { parseFeed } from '../../../src/arxiv/feed.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { makePaper as makeBasePaper } from '../../support/papers.ts';

/** A paper with the given fields and plain defaults for the rest, for tests that build their own listing. */
export function makePaper(fields: Partial<Paper> & { id: string }): Paper {
  return makeBasePaper(fields.id, {
    title: '',
    authors: ['A. Author'],
    abstract: '',
    categories: ['cs.AI'],
    announced: '2024-11-28',
    ...fields,
  });
}

/** The papers of a feed in test/fixtures/digest/. */
export function fixturePapers(name: string): Paper[] {
  return parseFeed(readFileSync(new URL(`../../fixtures/digest/${name}`, import.meta.url))).papers;
}
