import { UserError } from '../errors.ts';
import { findArxivId, parseArxivId, versionedId } from './paper.ts';
import { canonicalCategory, closestCategories } from './taxonomy.ts';

/*
 * Building export-API queries from what a person typed, read as arXiv's own search box reads it: words and
 * "quoted phrases" mixed. User text never changes the meaning of a query: it is cut into words and phrases,
 * and each becomes one quoted `all:` term (`all:"speculative decoding"`, `all:"tree"`), the terms joined with
 * AND. arXiv's query syntax has no escape character, so everything that is syntax there (parentheses, colons
 * of field prefixes, wildcards, and quotes other than a phrase's own pair) is treated as a space between
 * words; arXiv's own tokenizer drops that punctuation too, so the search still finds the same words. Operator
 * words (AND, OR, ANDNOT) are lower-cased: inside quotes they are plain words either way, and lower case
 * keeps them so for any parser.
 *
 * Quotes pair from the left; a last quote without a partner is read leniently, as a space (`"speculative
 * decoding tree` is three words), never refused. A quoted piece of one word is a word; an empty one is
 * nothing. Typographic quotes (“ ” ‘ ’) are made plain by the bot's input cleaning before text gets here.
 */

export const MAX_SEARCH_TERMS = 24;

/** Characters kept inside a word; anything else separates words. */
const NOT_WORD = /[^\p{L}\p{M}\p{N}\-._'/]+/gu;
/** Punctuation kept only between letters or digits, never at the ends of a word. */
const EDGE_PUNCTUATION = /^[-._'/]+|[-._'/]+$/g;
const OPERATORS = new Set(['AND', 'OR', 'ANDNOT', 'NOT']);

/** A word or a quoted phrase of a search, as it will be sent. */
export interface SearchPiece {
  /** The word, or the phrase's words joined by single spaces. */
  text: string;
  /** A phrase: quoted by the user, of two words or more; its words go together, in this order. */
  phrase: boolean;
}

/** The words of a piece of search text: anything but word characters separates them. */
function wordsOf(text: string): string[] {
  return text
    .replace(NOT_WORD, ' ')
    .split(' ')
    .map((word) => word.replace(EDGE_PUNCTUATION, ''))
    .filter((word) => word !== '')
    .map((word) => (OPERATORS.has(word.toUpperCase()) ? word.toLowerCase() : word));
}

/** The words and quoted phrases of a person's search text, in order, as they will be sent. */
export function searchPieces(text: string): SearchPiece[] {
  // Between the quotes: segments 1, 3, 5... are quoted, unless a segment is the last one, which follows an
  // unpaired quote (read as a space).
  const segments = text.normalize('NFC').split('"');
  return segments.flatMap((segment, index): SearchPiece[] => {
    const words = wordsOf(segment);
    const quoted = index % 2 === 1 && index < segments.length - 1;
    return quoted && words.length > 1
      ? [{ text: words.join(' '), phrase: true }]
      : words.map((word) => ({ text: word, phrase: false }));
  });
}

/** The words of a person's search text, phrases' words included, as they will be sent. */
export function searchTerms(text: string): string[] {
  return searchPieces(text).flatMap((piece) => piece.text.split(' '));
}

/** A category in arXiv's spelling; a UserError naming the closest valid codes otherwise. */
export function requireCategory(code: string): string {
  const canonical = canonicalCategory(code);
  if (canonical) return canonical;
  throw new UserError(
    'QUERY_INVALID',
    `"${code}" is not an arXiv category. Did you mean ${closestCategories(code).join(', ')}?`,
  );
}

/**
 * The `search_query` for a person's text, optionally restricted to categories (any of them):
 * `all:"graph neural" AND all:"networks" AND (cat:cs.LG OR cat:stat.ML)` for `"graph neural" networks`.
 */
export function buildSearchQuery(text: string, categories: readonly string[] = []): string {
  const pieces = searchPieces(text);
  const words = pieces.reduce((count, piece) => count + piece.text.split(' ').length, 0);
  const codes = [...new Set(categories.map(requireCategory))];
  if (pieces.length === 0 && codes.length === 0) {
    throw new UserError(
      'QUERY_INVALID',
      'Type some words to search for, for example: graph neural networks.',
    );
  }
  if (words > MAX_SEARCH_TERMS) {
    throw new UserError('LIMIT_EXCEEDED', `That search has ${words} words; use at most ${MAX_SEARCH_TERMS}.`);
  }
  const clauses = pieces.map((piece) => `all:"${piece.text}"`);
  if (codes.length === 1) clauses.push(`cat:${codes[0]}`);
  if (codes.length > 1) clauses.push(`(${codes.map((code) => `cat:${code}`).join(' OR ')})`);
  return clauses.join(' AND ');
}

/**
 * arXiv ids for `id_list`, from bare ids, `arXiv:` ids or arxiv.org URLs, versions kept.
 * A UserError names the first text that is not an id.
 */
export function requireArxivIds(texts: readonly string[]): string[] {
  return texts.map((text) => {
    const trimmed = text.trim();
    const parsed =
      parseArxivId(trimmed.replace(/^arxiv:/i, '')) ??
      (/^https?:\/\//i.test(trimmed) ? findArxivId(trimmed) : null);
    if (parsed) return versionedId(parsed);
    throw new UserError(
      'QUERY_INVALID',
      `"${text}" is not an arXiv id. Use an id such as 2401.01234, hep-th/9504118 or an arxiv.org link.`,
    );
  });
}
