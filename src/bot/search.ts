import type { Paper } from '../arxiv/paper.ts';
import { searchPieces } from '../arxiv/query.ts';
import { ListingIndex } from '../digest/listing-index.ts';
import type { KeywordQuery } from '../digest/query.ts';
import type { Engine } from '../engine.ts';
import {
  closingAdvice,
  ExternalError,
  isAppError,
  networkFailure,
  UserError,
  unreachableMessage,
} from '../errors.ts';
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
 * time (or cannot be reached), the local results come alone, with a note naming the cause.
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
    const apiTimeoutMs = options.apiTimeoutMs ?? 8000;
    try {
      const found = await this.#engine.client.search(text, {
        max: max * 2,
        signal: AbortSignal.timeout(apiTimeoutMs),
      });
      remote = found.papers;
    } catch (error) {
      if (isAppError(error) && error.kind === 'user') throw error;
      this.#logger.warn({ err: error, query: text }, 'arXiv search failed; answering from the local index');
      note = this.#unanswered(error, apiTimeoutMs, local.length > 0);
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

  /**
   * The note on a search arXiv did not answer: the real cause (the client's words for a refused connection,
   * a failed name lookup, its own timeout; or this search's time limit), then what the results are.
   */
  #unanswered(error: unknown, apiTimeoutMs: number, hasLocal: boolean): string {
    const where = new URL(this.#engine.config.arxiv.api_url).host;
    const cause = isAppError(error)
      ? error.userMessage
      : unreachableMessage('arXiv', where, networkFailure(error, apiTimeoutMs));
    if (hasLocal) return `${cause} These results are from the recent daily listings only.`;
    const retryable = !isAppError(error) || (error instanceof ExternalError && error.retryable);
    return `${cause} The recent daily listings hold no match either. ${closingAdvice(cause, retryable, 'try again in a minute')}`;
  }
}

/**
 * The query that ranks a search, from the same words and phrases the API is asked for (searchPieces in
 * src/arxiv/query.ts): each quoted phrase is a term matched as a phrase, each significant word outside the
 * phrases a term of its own. Plain words (no phrase, no comma) also rank by the whole text as a phrase, so the
 * papers holding the words together come first. Phrases are not exact (a plural `s` is tolerated, as in
 * subscriptions' unquoted terms): arXiv's own search matches word forms too, and a ranking stricter than the
 * search would push down the very papers the user asked for.
 */
export function searchQuery(text: string): KeywordQuery {
  const pieces = searchPieces(text);
  const words = pieces.filter((piece) => !piece.phrase).map((piece) => piece.text);
  const plain = pieces.length === words.length && !text.includes(',');
  const wanted = [
    ...(plain && words.length > 1 ? [words.join(' ')] : []),
    ...pieces
      .filter((piece) => piece.phrase || !STOPWORDS.has(piece.text.toLowerCase()))
      .map((piece) => piece.text),
  ];
  const terms = wanted.length > 0 ? wanted : words;
  if (terms.length === 0) {
    throw new UserError(
      'QUERY_INVALID',
      'Type some words to search for, for example: graph neural networks.',
    );
  }
  const seen = new Set<string>();
  return {
    terms: terms
      .filter((term) => {
        const key = term.toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((term) => ({ text: term, exact: false })),
    exclude: [],
  };
}
