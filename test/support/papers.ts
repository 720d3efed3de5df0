import { absUrlFor, type Paper, pdfUrlFor } from '../../src/arxiv/paper.ts';

/**
 * A paper as a daily listing gives it, for tests that need one but are not about its fields: version 1,
 * announced as new on 2024-01-02 in cs.LG, one author, a one-sentence abstract, the arXiv links of `id`.
 * The primary category is the first of `overrides.categories` unless given.
 */
export function makePaper(id: string, overrides: Partial<Paper> = {}): Paper {
  return {
    id,
    version: 1,
    title: `Paper ${id}`,
    authors: ['Ada Lovelace'],
    abstract: 'An abstract.',
    categories: ['cs.LG'],
    primaryCategory: overrides.categories?.[0] ?? 'cs.LG',
    announceType: 'new',
    published: null,
    updated: null,
    announced: '2024-01-02',
    absUrl: absUrlFor(id),
    pdfUrl: pdfUrlFor(id),
    doi: null,
    journalRef: null,
    comment: null,
    ...overrides,
  };
}
