import { readFileSync } from 'node:fs';
import { buildDigest, type Digest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import type { PaperSummary } from '../../../src/summarize/types.ts';
import { fixturePapers } from './papers.ts';

/** The model summary with hostile text, for the paper 2411.00100 of hostile.rss.xml. */
export const hostileSummary = JSON.parse(
  readFileSync(new URL('../../fixtures/digest/hostile-summary.json', import.meta.url), 'utf8'),
) as PaperSummary;

/**
 * A digest of hostile.rss.xml plus scoring.rss.xml: the hostile paper (with its summary) and two ordinary
 * ones, made at a fixed time.
 */
export function hostileDigest(generatedAt = '2024-11-28T14:47:20.000Z'): Digest {
  const listing = new ListingIndex([
    ...fixturePapers('hostile.rss.xml'),
    ...fixturePapers('scoring.rss.xml'),
  ]);
  return buildDigest({
    listing,
    query: parseKeywordQuery('LLM, "mixture of experts", -survey'),
    categories: ['cs.AI', 'cs.CR'],
    maxPapers: 3,
    summaries: new Map([[hostileSummary.paperId, hostileSummary]]),
    target: 'slack:T1/C2',
    now: new Date(generatedAt),
  });
}

/**
 * A digest of tex.rss.xml: one paper whose title, authors and abstract carry TeX accents, letter commands,
 * escapes and math, as arXiv lists them.
 */
export function texDigest(generatedAt = '2024-11-28T14:47:20.000Z'): Digest {
  return buildDigest({
    listing: new ListingIndex(fixturePapers('tex.rss.xml')),
    query: parseKeywordQuery('LLM'),
    categories: [],
    now: new Date(generatedAt),
  });
}

/** What texDigest's paper shows once its TeX is text. */
export const TEX_SHOWN = {
  title: 'Schrödinger operators on $\\mathbb{R}^3$ and the Erdős-Ko-Rado theorem: 50% fewer LLM queries',
  authors:
    'Grégoire Labbé, Benjamin Rémy, Zlatko Tešanović, Thomas Müller, Jarosław Żygierewicz, Sofie Castro Holbæk',
  abstract:
    'We study Schrödinger operators with a LLM, saving 50% of R&D time for $\\alpha \\& \\beta$ at no cost.',
};
