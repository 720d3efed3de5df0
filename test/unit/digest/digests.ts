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
