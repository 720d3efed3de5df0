import { normalizeWhitespace } from '../arxiv/paper.ts';
import { UserError } from '../errors.ts';
import { hasWord } from './text.ts';

/**
 * The keyword query language of subscriptions, searches and config.json:
 *
 *   LLM, mixture of experts, "news", -survey, -"systematic review"
 *
 * - Terms are separated by commas; case does not matter. Whitespace inside a term is collapsed.
 * - A term of several words matches them as a phrase (in order, next to each other), whether quoted or not.
 * - A quoted term is exact: no plural tolerance (`"news"` does not match `new`). A quote must enclose the
 *   whole term, and a quoted term cannot hold a comma or a quote.
 * - `-term` (or `-"phrase"`) excludes: a paper holding it is dropped whatever else it matches.
 * - Every term needs a letter or digit. In an unquoted term a word cannot start with `-` (`LLM -survey` is
 *   refused: the comma before `-survey` was probably forgotten).
 * - A repeated term (the same text in any case, quoted alike) is kept once; a term both wanted and excluded
 *   is an error.
 * How words are cut and compared is in text.ts.
 */

export interface QueryTerm {
  /** The term as written, whitespace collapsed, without its quotes or exclusion mark. */
  text: string;
  /** Quoted: matched without plural tolerance. */
  exact: boolean;
}

export interface KeywordQuery {
  /** The terms that score; never empty. */
  terms: QueryTerm[];
  /** The terms that drop a paper. */
  exclude: QueryTerm[];
}

/** Bounds on a query, so one subscription cannot make ranking slow or a digest header unreadable. */
export const QUERY_LIMITS = {
  /** Terms and exclusions together. */
  maxTerms: 50,
  /** Characters in one term, quotes and exclusion mark not counted. */
  maxTermLength: 100,
} as const;

const EXAMPLE = 'LLM, "mixture of experts", -survey';
const FORM = `Write terms separated by commas, like: ${EXAMPLE}`;

function invalid(problem: string, advice = FORM): UserError {
  return new UserError('QUERY_INVALID', `${problem}. ${advice}`);
}

interface ParsedTerm extends QueryTerm {
  excluded: boolean;
}

/**
 * A faulty term as a message quotes it: whitespace collapsed (a term of a few words padded with a thousand
 * spaces is short, and must not be echoed long), and cut to the longest a term may be, quotes and "-" allowed.
 */
function shownTerm(term: string): string {
  const chars = [...normalizeWhitespace(term)];
  const max = QUERY_LIMITS.maxTermLength + 3;
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Parses one term with the shared rules. `term` is already trimmed and non-empty; `label` names it in
 * messages ("term 3" in chat text, the config key in config.json).
 */
function parseTerm(term: string, label: string): ParsedTerm {
  const shown = shownTerm(term);
  let rest = term;
  const excluded = rest.startsWith('-');
  if (excluded) {
    rest = rest.slice(1).trimStart();
    if (rest === '')
      throw invalid(`${label} is a lone "-": put the term to exclude right after it, like -survey`);
  }
  let exact = false;
  if (rest.startsWith('"')) {
    const closing = rest.indexOf('"', 1);
    if (closing === -1) throw invalid(`${label} (${shown}) has an unbalanced quote: close the quoted phrase`);
    if (closing !== rest.length - 1) {
      throw invalid(`${label} (${shown}) has text outside its quotes: a quote must enclose the whole term`);
    }
    exact = true;
    rest = rest.slice(1, -1);
  } else if (rest.includes('"')) {
    throw invalid(`${label} (${shown}) has a quote inside it: a quote must enclose the whole term`);
  }
  const text = normalizeWhitespace(rest);
  if (text === '') throw invalid(`${label} is an empty quoted phrase`);
  if (text.length > QUERY_LIMITS.maxTermLength) {
    throw invalid(
      `${label} is ${text.length} characters long; the limit is ${QUERY_LIMITS.maxTermLength}`,
      'Use shorter terms.',
    );
  }
  if (!hasWord(text)) throw invalid(`${label} (${shown}) has no letter or digit to match`);
  if (!exact && text.startsWith('-')) {
    throw invalid(`${label} (${shown}) starts with "-" twice: write one "-" to exclude a term`);
  }
  if (!exact && / -/.test(text)) {
    throw invalid(`${label} (${shown}) has a "-" inside it: put a comma before a term to exclude`);
  }
  return { text, exact, excluded };
}

function termKey(term: QueryTerm): string {
  return `${term.exact ? '=' : '~'}${term.text.toLowerCase()}`;
}

function checkTermCount(count: number): void {
  if (count > QUERY_LIMITS.maxTerms) {
    throw invalid(
      `The query has ${count} terms; the limit is ${QUERY_LIMITS.maxTerms}`,
      'Keep the terms that matter most.',
    );
  }
}

/** Assembles a query from parsed terms: drops repeats, rejects contradictions and empty or oversized queries. */
function assemble(parsed: readonly ParsedTerm[], noTermsProblem: string): KeywordQuery {
  checkTermCount(parsed.length);
  const terms = new Map<string, QueryTerm>();
  const exclude = new Map<string, QueryTerm>();
  for (const { text, exact, excluded } of parsed) {
    const key = termKey({ text, exact });
    const target = excluded ? exclude : terms;
    if (!target.has(key)) target.set(key, { text, exact });
  }
  for (const [key, term] of exclude) {
    if (terms.has(key)) {
      throw invalid(`"${term.text}" is both wanted and excluded`, 'Keep it on one side only.');
    }
  }
  if (terms.size === 0) throw invalid(noTermsProblem);
  return { terms: [...terms.values()], exclude: [...exclude.values()] };
}

/** Splits chat text on the commas that are outside quotes. */
function splitTerms(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (char === ',') {
      if (quoted) {
        throw invalid(
          `A quoted phrase holds a comma (near "${text.slice(Math.max(0, i - 20), i + 1)}"): commas separate terms, so close the quote first`,
        );
      }
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw invalid(`The query has an unbalanced quote: close every quoted phrase`);
  pieces.push(text.slice(start));
  return pieces;
}

/** Parses a query typed by a person (a chat command, the CLI's --keywords). Throws UserError QUERY_INVALID. */
export function parseKeywordQuery(text: string): KeywordQuery {
  if (text.trim() === '') throw invalid('The query is empty');
  const pieces = splitTerms(text);
  // Before the terms are parsed, so that an oversized query is refused as such, whatever else is wrong in it.
  checkTermCount(pieces.length);
  const parsed = pieces.map((piece, index) => {
    const raw = piece.trim();
    const label = `Term ${index + 1}`;
    if (raw === '') throw invalid(`${label} is empty (two commas in a row, or one at an end?)`);
    return parseTerm(raw, label);
  });
  return assemble(parsed, 'The query only excludes: add at least one term to look for');
}

/**
 * Builds a query from config.json's `keywords` and `exclude_keywords` (the classic script's keys). Each
 * entry is one term; quotes make it exact as in chat text. A leading "-" is redundant in exclude_keywords
 * and dropped; in keywords it is an error. A comma inside an entry is an error: it could not be written
 * back as a query, and in word matching it would only separate words.
 */
export function queryFromConfig(
  keywords: readonly string[],
  excludeKeywords: readonly string[],
): KeywordQuery {
  const entry = (raw: string, key: 'keywords' | 'exclude_keywords', index: number): ParsedTerm => {
    const label = `${key}[${index}]`;
    const trimmed = raw.trim();
    if (trimmed === '') throw invalid(`${label} is empty`, 'Remove it or write a keyword.');
    if (trimmed.includes(',')) {
      throw invalid(`${label} (${raw}) holds a comma`, 'Write each keyword as its own entry of the list.');
    }
    const term = parseTerm(trimmed, label);
    if (term.excluded && key === 'keywords') {
      throw invalid(
        `${label} (${raw}) starts with "-"`,
        'Move the term to "exclude_keywords" to exclude it.',
      );
    }
    return { ...term, excluded: key === 'exclude_keywords' };
  };
  const parsed = [
    ...keywords.map((raw, index) => entry(raw, 'keywords', index)),
    ...excludeKeywords.map((raw, index) => entry(raw, 'exclude_keywords', index)),
  ];
  return assemble(parsed, 'config.json has no "keywords": add at least one keyword to look for');
}

/** A term as a query writes it: quoted when exact, without the exclusion mark. */
export function formatTerm(term: QueryTerm): string {
  return term.exact ? `"${term.text}"` : term.text;
}

/** Writes a query back as text that parseKeywordQuery reads to the same query. */
export function formatKeywordQuery(query: KeywordQuery): string {
  return [...query.terms.map(formatTerm), ...query.exclude.map((term) => `-${formatTerm(term)}`)].join(', ');
}
