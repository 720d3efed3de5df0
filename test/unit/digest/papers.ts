import { readFileSync } from 'node:fs';
import { parseFeed } from '../../../src/arxiv/feed.ts';
import { absUrlFor, type Paper, pdfUrlFor } from '../../../src/arxiv/paper.ts';

/** A paper with the given fields and plain defaults for the rest, for tests that build their own listing. */
export function makePaper(fields: Partial<Paper> & { id: string }): Paper {
  return {
    version: 1,
    title: '',
    authors: ['A. Author'],
    abstract: '',
    categories: ['cs.AI'],
    primaryCategory: fields.categories?.[0] ?? 'cs.AI',
    announceType: 'new',
    published: null,
    updated: null,
    announced: '2024-11-28',
    absUrl: absUrlFor(fields.id),
    pdfUrl: pdfUrlFor(fields.id),
    doi: null,
    journalRef: null,
    comment: null,
    ...fields,
  };
}

/** The papers of a feed in test/fixtures/digest/. */
export function fixturePapers(name: string): Paper[] {
  return parseFeed(readFileSync(new URL(`../../fixtures/digest/${name}`, import.meta.url))).papers;
}
