import type { Paper } from '../arxiv/paper.ts';
import { ListingIndex } from '../digest/listing-index.ts';
import { type KeywordQuery, parseKeywordQuery } from '../digest/query.ts';
import type { Engine } from '../engine.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ListingService } from './listing.ts';
import type { SearchResult } from './render.ts';

export interface SearchOutcome {
  results: SearchResult[];
  /** Set when the results are incomplete: arXiv was slow or down, say. */
  note: string | null;
}

export interface SearchOptions {
  /** Results to show. Default 8. */
  max?: number;
  /** How long to wait for arXiv's API before answering from the local index alone. Default 8 s. */
  apiTimeoutMs?: number;
}

/** Words too common to rank by when a search is typed as plain words. */
const STOPWORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'by',
  'for',
  'from',
  'in',
  'into',
  'is',
  'of',
  'on',
  'or',
  'the',
  'to',
  'via',
  'with',
  'without',
  'using',
  'towards',
]);

/**
 * `/arxiv search`: the live API and the local index of recent papers together. Both are ranked with the
 * digest's scoring over the query's words (and the whole query as a phrase), duplicates removed; papers the
 * API found that hold none of the words follow in arXiv's relevance order. When arXiv does not answer in
 * time, the local results come alone, with a note.
 */
export class SearchService {
  readonly #engine: Engine;
  readonly #listings: ListingService;
  readonly #logger: Logger;

  constructor(engine: Engine, listings: ListingService, logger: Logger) {
    this.#engine = engine;
    this.#listings = listings;
    this.#logger = logger;
  }

  async search(text: string, options: SearchOptions = {}): Promise<SearchOutcome> {
    const max = options.max ?? 8;
    const query = searchQuery(text);
    const local = await this.#listings.searchRecent(query, max * 3);

    let remote: Paper[] = [];
    let note: string | null = null;
    try {
      const found = await this.#engine.client.search(text, {
        max: max * 2,
        signal: AbortSignal.timeout(options.apiTimeoutMs ?? 8000),
      });
      remote = found.papers;
    } catch (error) {
      if (isAppError(error) && error.kind === 'user') throw error;
      this.#logger.warn({ err: error, query: text }, 'arXiv search failed; answering from the local index');
      note =
        local.length > 0
          ? 'arXiv did not answer in time: these are from the recent daily listings only.'
          : 'arXiv did not answer in time, and the recent daily listings hold no match. Try again in a minute.';
    }

    const byId = new Map<string, Paper>();
    for (const paper of [...local, ...remote]) if (!byId.has(paper.id)) byId.set(paper.id, paper);
    const ranked = new ListingIndex([...byId.values()], { mode: this.#engine.config.match }).rank(query);
    const results: SearchResult[] = ranked.map((entry) => ({
      paper: entry.paper,
      score: entry.score,
      matchedTerms: entry.matchedTerms,
    }));
    const shown = new Set(results.map((result) => result.paper.id));
    for (const paper of remote) {
      if (!shown.has(paper.id)) results.push({ paper, score: null, matchedTerms: [] });
    }
    return { results: results.slice(0, max), note };
  }
}

/**
 * The query that ranks a search. Text written in the keyword language (commas or quotes) is read as such;
 * plain words rank by each significant word and by the whole text as a phrase.
 */
export function searchQuery(text: string): KeywordQuery {
  if (/[,"]/.test(text)) return parseKeywordQuery(text);
  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((word) => word.length > 0);
  const significant = words.filter((word) => !STOPWORDS.has(word.toLowerCase()));
  const terms = [...new Set([...(words.length > 1 ? [words.join(' ')] : []), ...significant])];
  return {
    terms: (terms.length > 0 ? terms : words).map((term) => ({ text: term, exact: false })),
    exclude: [],
  };
}
