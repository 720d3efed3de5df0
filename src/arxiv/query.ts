import { UserError } from '../errors.ts';
import { findArxivId, parseArxivId, versionedId } from './paper.ts';
import { canonicalCategory, closestCategories } from './taxonomy.ts';

/*
 * Building export-API queries from what a person typed. User text never changes the meaning of a query: it is
 * cut into words, and each word becomes one quoted `all:` term, the terms joined with AND. arXiv's query
 * syntax has no escape character, so everything that is syntax there (quotes, parentheses, colons of field
 * prefixes, wildcards) is treated as a space between words; arXiv's own tokenizer drops that punctuation too,
 * so the search still finds the same words. Operator words (AND, OR, ANDNOT) are lower-cased: inside quotes
 * they are plain words either way, and lower case keeps them so for any parser.
 */

export const MAX_SEARCH_TERMS = 24;

/** Characters kept inside a word; anything else separates words. */
const NOT_WORD = /[^\p{L}\p{M}\p{N}\-._'/]+/gu;
/** Punctuation kept only between letters or digits, never at the ends of a word. */
const EDGE_PUNCTUATION = /^[-._'/]+|[-._'/]+$/g;
const OPERATORS = new Set(['AND', 'OR', 'ANDNOT', 'NOT']);

/** The words of a person's search text, as they will be sent. */
export function searchTerms(text: string): string[] {
  return text
    .normalize('NFC')
    .replace(NOT_WORD, ' ')
    .split(' ')
    .map((word) => word.replace(EDGE_PUNCTUATION, ''))
    .filter((word) => word !== '')
    .map((word) => (OPERATORS.has(word.toUpperCase()) ? word.toLowerCase() : word));
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
 * `all:"graph" AND all:"networks" AND (cat:cs.LG OR cat:stat.ML)`.
 */
export function buildSearchQuery(text: string, categories: readonly string[] = []): string {
  const terms = searchTerms(text);
  const codes = [...new Set(categories.map(requireCategory))];
  if (terms.length === 0 && codes.length === 0) {
    throw new UserError(
      'QUERY_INVALID',
      'Type some words to search for, for example: graph neural networks.',
    );
  }
  if (terms.length > MAX_SEARCH_TERMS) {
    throw new UserError(
      'LIMIT_EXCEEDED',
      `That search has ${terms.length} words; use at most ${MAX_SEARCH_TERMS}.`,
    );
  }
  const clauses = terms.map((term) => `all:"${term}"`);
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
