import { normalizeWhitespace } from '../../arxiv/paper.ts';
import { type KeywordQuery, parseKeywordQuery, QUERY_LIMITS } from '../../digest/query.ts';
import { hasWord } from '../../digest/text.ts';
import { UserError } from '../../errors.ts';
import { clip, findMarkup, removeMarkup } from './input.ts';

/*
 * The words of a search and the terms of subscribe / unsubscribe. Like the other argument parsers
 * (categories.ts, schedule.ts, paper-ref.ts), these take text already through `cleanText` (input.ts): the
 * grammar's, or one typed option (Discord's, through commandFromOptions in options.ts). They throw UserError
 * with the problem and the right form; build.ts adds the command's usage line.
 */

/**
 * A search: the user's words and "quoted phrases" as typed, chat markup reduced to its words. Free text, as in
 * arXiv's search box: never read with the subscription grammar, and an unbalanced quote is not refused (see
 * searchPieces in src/arxiv/query.ts, which cuts it into words and phrases for the API and the ranking).
 */
export function parseSearchText(text: string): string {
  const query = normalizeWhitespace(removeMarkup(text));
  if (!hasWord(query)) {
    throw new UserError(
      'QUERY_INVALID',
      'Type some words to search for, for example: graph neural networks.',
    );
  }
  return query;
}

function refuseMarkup(text: string): void {
  const markup = findMarkup(text);
  if (markup !== null) {
    throw new UserError(
      'QUERY_INVALID',
      `Terms cannot hold mentions or channel links (found ${clip(markup, 30)}): write the words themselves.`,
    );
  }
}

/** One line per term is the same as commas: `LLM\nagents` and `LLM,\nagents` both mean `LLM, agents`. */
function linesAsCommas(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim().replace(/^,|,$/g, '').trim())
    .filter((line) => line !== '')
    .join(', ');
}

/** Splits on the commas outside quotes, as the keyword query language does. */
function termPieces(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ',' && !quoted) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * Refuses an overlong term before parseKeywordQuery sees it: its messages quote a faulty term whole, and
 * a reply must not echo a long input back. A quote pair and a "-" are allowed on top of the limit.
 */
function refuseLongTerms(pieces: readonly string[]): void {
  pieces.forEach((piece, index) => {
    const length = normalizeWhitespace(piece).length;
    if (length > QUERY_LIMITS.maxTermLength + 3) {
      throw new UserError(
        'QUERY_INVALID',
        `Term ${index + 1} is ${length} characters long; the limit is ${QUERY_LIMITS.maxTermLength}. Use shorter terms.`,
      );
    }
  });
}

/** Subscription terms in the keyword query language (src/digest/query.ts); mentions refused. */
export function parseSubscriptionTerms(text: string): KeywordQuery {
  refuseMarkup(text);
  const terms = linesAsCommas(text);
  refuseLongTerms(termPieces(terms));
  return parseKeywordQuery(terms);
}

/**
 * The terms to unsubscribe from, by text (see Command 'unsubscribe'), or `all`. Written like subscription
 * terms; a leading "-" is accepted and ignored, so an exclusion is named as `list` shows it.
 */
export function parseUnsubscribeTerms(text: string): string[] | 'all' {
  if (/^\s*all\s*$/iu.test(text.normalize('NFKC'))) return 'all';
  refuseMarkup(text);
  const pieces = termPieces(linesAsCommas(text));
  refuseLongTerms(pieces);
  const query = parseKeywordQuery(pieces.map((piece) => piece.trim().replace(/^-/, '')).join(','));
  const seen = new Set<string>();
  return query.terms
    .map((term) => term.text)
    .filter((term) => {
      const key = term.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
