import { normalizeWhitespace } from '../arxiv/paper.ts';
import type { PaperSummary } from './types.ts';

/*
 * The fallback when no model answers (no key configured, or the endpoint keeps failing): sentences cut from the
 * abstract, marked `source: 'extractive'` so renderers can say so. It costs nothing, so it is never cached as
 * if it were the model's answer.
 */

const TLDR_SENTENCES = 2;
const TLDR_MAX_CHARS = 300;

export interface ExtractiveInput {
  paperId: string;
  version: number | null;
  abstract: string;
  language: string;
}

export function extractiveSummary(input: ExtractiveInput): PaperSummary {
  const sentences = splitSentences(input.abstract);
  let tldr = '';
  for (const sentence of sentences.slice(0, TLDR_SENTENCES)) {
    if (tldr && tldr.length + sentence.length + 1 > TLDR_MAX_CHARS) break;
    tldr = tldr ? `${tldr} ${sentence}` : sentence;
  }
  if (tldr.length > TLDR_MAX_CHARS) tldr = `${tldr.slice(0, TLDR_MAX_CHARS - 1).replace(/\s+\S*$/, '')}…`;
  const body = sentences.join(' ');
  return {
    paperId: input.paperId,
    version: input.version,
    tldr: tldr || null,
    body: body || null,
    source: 'extractive',
    model: null,
    language: input.language,
  };
}

/** Sentences by Unicode rules (Intl.Segmenter), so "e.g." and decimals do not end one in most cases. */
export function splitSentences(text: string): string[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  return Array.from(segmenter.segment(normalizeWhitespace(text)), (s) => s.segment.trim()).filter(Boolean);
}
