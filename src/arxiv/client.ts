import type { Config } from '../config/schema.ts';
import {
  ExternalError,
  formatSeconds,
  isAppError,
  type NetworkFailure,
  networkFailure,
  UserError,
  unreachableMessage,
} from '../errors.ts';
import { type BodyLimit, formatBytes, ResponseTooLargeError, readLimited } from '../http-body.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type ArxivFeed, type ListingFeed, parseFeed, type SearchFeed } from './feed.ts';
import type { Paper } from './paper.ts';
import { buildSearchQuery, requireArxivIds, requireCategory } from './query.ts';
import { type Gate, sharedRateGate } from './rate-gate.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry.ts';
import { malformed } from './xml.ts';

/** One HTTP attempt, for metrics: a status when arXiv answered, an error when it did not. */
export interface RequestEvent {
  url: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: string;
}

export interface ArxivClientOptions {
  /** Base of the listing feeds, e.g. `https://rss.arxiv.org/rss`. */
  rssUrl: string;
  /** The query endpoint, e.g. `https://export.arxiv.org/api/query`. */
  apiUrl: string;
  /** Used to find or create the process-wide gate; ignored when `gate` is given. */
  minIntervalMs: number;
  /** Per attempt, from sending the request to the last byte of the body. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** A URL or email address for the User-Agent, so arXiv can reach whoever runs the bot. */
  contact: string;
  /** This project's version, for the User-Agent. */
  version: string;
  /** The process-wide RateGate by default; a SharedRateGate when replicas share a store. */
  gate?: Gate;
  logger?: Logger;
  onRequest?: (event: RequestEvent) => void;
  /** The first retry waits between half and all of this; each further retry doubles it. Default 2000. */
  backoffBaseMs?: number;
  /** The longest wait before a retry, whatever Retry-After asks. Default 60 000. */
  maxRetryWaitMs?: number;
  /** Jitter source in [0, 1); Math.random by default. */
  random?: () => number;
  /** Results per API request; arXiv suggests at most 100 or so. Default 100. */
  pageSize?: number;
  /** The most bytes read of a listing (RSS); DEFAULT_BODY_LIMITS.listing by default. */
  maxListingBytes?: number;
  /** The most bytes read of an API page (Atom); DEFAULT_BODY_LIMITS.api by default. */
  maxApiBytes?: number;
  /** The most bytes read of a paper's HTML page (`download` with `kind: 'html'`). */
  maxHtmlBytes?: number;
  /** The most bytes read of a paper's PDF (`download` with `kind: 'pdf'`). */
  maxPdfBytes?: number;
}

/** What a body is, for its size limit: a listing (RSS), an API page (Atom), a paper's HTML page or its PDF. */
export type BodyKind = 'listing' | 'api' | 'html' | 'pdf';

/**
 * The default size limits, in bytes, well above real answers: a combined listing of several busy categories
 * is 3-5 MB, an API page of 100 entries about 250 kB, a paper's HTML page up to a few MB (math-heavy ones
 * with MathML more), a PDF a few MB (arXiv caps submissions at 50 MB). config.json's `arxiv.max_*_bytes`.
 */
export const DEFAULT_BODY_LIMITS: Readonly<Record<BodyKind, number>> = {
  listing: 50_000_000,
  api: 20_000_000,
  html: 20_000_000,
  pdf: 50_000_000,
};

/** How each kind of body is named in the error when it is too large. */
const BODY_KINDS: Record<BodyKind, Omit<BodyLimit, 'maxBytes'>> = {
  listing: {
    what: "arXiv's listing",
    key: 'arxiv.max_listing_bytes',
    check: 'check arxiv.rss_url',
    code: 'ARXIV_HTTP',
  },
  api: {
    what: "arXiv's API answer",
    key: 'arxiv.max_api_bytes',
    check: 'check arxiv.api_url',
    code: 'ARXIV_HTTP',
  },
  html: {
    what: "arXiv's HTML page of the paper",
    key: 'arxiv.max_html_bytes',
    check: 'check arxiv.html_url',
    code: 'ARXIV_HTTP',
  },
  pdf: {
    what: "arXiv's PDF of the paper",
    key: 'arxiv.max_pdf_bytes',
    check: 'check arxiv.pdf_url',
    code: 'ARXIV_HTTP',
  },
};

export type SortBy = 'relevance' | 'submittedDate' | 'lastUpdatedDate';

export interface SearchOptions {
  /** How many papers to return at most (1 to MAX_SEARCH_RESULTS). Default 25. */
  max?: number;
  /** Offset of the first result. Default 0. */
  start?: number;
  /** Restrict to papers in any of these categories. */
  categories?: readonly string[];
  sortBy?: SortBy;
  signal?: AbortSignal;
}

export interface ListingResult {
  /** The combined feed URL that was fetched. */
  url: string;
  feed: ListingFeed;
}

export interface DownloadResult {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  contentType: string | null;
  body: Buffer;
}

const DEFAULT_SEARCH_MAX = 25;
const MAX_SEARCH_RESULTS = 1000;

const RSS_ACCEPT = 'application/rss+xml, application/xml;q=0.9, */*;q=0.1';
const ATOM_ACCEPT = 'application/atom+xml, application/xml;q=0.9, */*;q=0.1';

type Attempt =
  | { kind: 'response'; url: string; status: number; statusText: string; headers: Headers; body: Buffer }
  | { kind: 'failure'; failure: NetworkFailure; cause: unknown };

type Answer = Extract<Attempt, { kind: 'response' }>;

/**
 * The arXiv client: daily listings from the RSS feeds, search and look-ups from the export API, and gated
 * downloads. Every HTTP attempt goes through the rate gate, has a timeout, and is retried on network errors,
 * 429 and 5xx with backoff (Retry-After honoured).
 */
export class ArxivClient {
  readonly userAgent: string;
  readonly #rssUrl: string;
  readonly #apiUrl: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #gate: Gate;
  readonly #logger: Logger;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #backoffBaseMs: number;
  readonly #maxRetryWaitMs: number;
  readonly #random: () => number;
  readonly #pageSize: number;
  readonly #limits: Record<BodyKind, BodyLimit>;

  constructor(options: ArxivClientOptions) {
    this.#rssUrl = options.rssUrl.replace(/\/+$/, '');
    this.#apiUrl = options.apiUrl;
    this.#timeoutMs = options.timeoutMs;
    this.#maxRetries = options.maxRetries;
    this.#gate = options.gate ?? sharedRateGate(options.minIntervalMs);
    this.#logger = options.logger ?? silentLogger;
    this.#onRequest = options.onRequest;
    this.#backoffBaseMs = options.backoffBaseMs ?? 2000;
    this.#maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
    this.#random = options.random ?? Math.random;
    this.#pageSize = options.pageSize ?? 100;
    const maxBytes: Record<BodyKind, number> = {
      listing: options.maxListingBytes ?? DEFAULT_BODY_LIMITS.listing,
      api: options.maxApiBytes ?? DEFAULT_BODY_LIMITS.api,
      html: options.maxHtmlBytes ?? DEFAULT_BODY_LIMITS.html,
      pdf: options.maxPdfBytes ?? DEFAULT_BODY_LIMITS.pdf,
    };
    this.#limits = {
      listing: { ...BODY_KINDS.listing, maxBytes: maxBytes.listing },
      api: { ...BODY_KINDS.api, maxBytes: maxBytes.api },
      html: { ...BODY_KINDS.html, maxBytes: maxBytes.html },
      pdf: { ...BODY_KINDS.pdf, maxBytes: maxBytes.pdf },
    };
    const contact =
      options.contact.includes('@') && !options.contact.includes('://')
        ? `mailto:${options.contact}`
        : `+${options.contact}`;
    this.userAgent = `arxiv-digest/${options.version} (${contact})`;
  }

  /** Today's listing for these categories, in ONE combined request (`<rssUrl>/cat1+cat2`). */
  async fetchListing(
    categories: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<ListingResult> {
    const codes = [...new Set(categories.map(requireCategory))];
    if (codes.length === 0)
      throw new UserError('QUERY_INVALID', 'Name at least one arXiv category, such as cs.AI.');
    const url = `${this.#rssUrl}/${codes.join('+')}`;
    const feed = await this.#getFeed(url, RSS_ACCEPT, 'listing', options.signal);
    if (feed.kind !== 'listing') throw malformed(`expected an RSS listing from ${url}, got an Atom feed`);
    return { url, feed };
  }

  /** Searches the export API, page by page, for up to `max` papers; user text is quoted (see query.ts). */
  async search(text: string, options: SearchOptions = {}): Promise<SearchFeed> {
    const max = options.max ?? DEFAULT_SEARCH_MAX;
    const startIndex = options.start ?? 0;
    if (!Number.isInteger(max) || max < 1 || max > MAX_SEARCH_RESULTS) {
      throw new UserError('LIMIT_EXCEEDED', `Ask for 1 to ${MAX_SEARCH_RESULTS} results (asked for ${max}).`);
    }
    if (!Number.isInteger(startIndex) || startIndex < 0) {
      throw new UserError('QUERY_INVALID', `The start of the results must be 0 or more (got ${startIndex}).`);
    }
    const query = buildSearchQuery(text, options.categories);
    const papers: Paper[] = [];
    const seen = new Set<string>();
    let start = startIndex;
    let totalResults = 0;
    while (papers.length < max) {
      const page = await this.#apiPage(
        {
          search_query: query,
          start: String(start),
          max_results: String(Math.min(this.#pageSize, max - papers.length)),
          sortBy: options.sortBy ?? 'relevance',
          sortOrder: 'descending',
        },
        options.signal,
      );
      totalResults = page.totalResults;
      // Pages can overlap when the index changes between requests; keep each paper once.
      const before = papers.length;
      for (const paper of page.papers) {
        if (papers.length < max && !seen.has(paper.id)) {
          seen.add(paper.id);
          papers.push(paper);
        }
      }
      start += page.papers.length;
      // A page of nothing new means arXiv is repeating itself; asking on would not end before totalResults.
      if (papers.length === before || start >= totalResults) break;
    }
    return { kind: 'search', totalResults, startIndex, itemsPerPage: papers.length, papers };
  }

  /** The papers with these ids (versions allowed), batched by page size; unknown ids are left out. */
  async lookup(ids: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Paper[]> {
    const wanted = [...new Set(requireArxivIds(ids))];
    const papers: Paper[] = [];
    for (let at = 0; at < wanted.length; at += this.#pageSize) {
      const batch = wanted.slice(at, at + this.#pageSize);
      const page = await this.#apiPage(
        { id_list: batch.join(','), start: '0', max_results: String(batch.length) },
        options.signal,
      );
      papers.push(...page.papers);
    }
    return papers;
  }

  /**
   * A gated GET of any URL (a feed, an arXiv HTML or PDF page). A definite answer, 404 and other 4xx included,
   * is returned for the caller to judge; 429, 5xx and network errors are retried, then thrown. `kind` says
   * which size limit applies (`html`, `pdf`; a feed's, the listing limit, by default); a larger body throws
   * ResponseTooLargeError and is not retried.
   */
  async download(
    url: string,
    options: { accept?: string; signal?: AbortSignal; kind?: BodyKind } = {},
  ): Promise<DownloadResult> {
    const response = await this.#send(
      url,
      options.accept ?? '*/*',
      options.kind ?? 'listing',
      options.signal,
    );
    return {
      url: response.url,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: response.body,
    };
  }

  /** One API page; an empty page while totalResults says there is more is asked for again (arXiv does this). */
  async #apiPage(params: Record<string, string>, signal: AbortSignal | undefined): Promise<SearchFeed> {
    const url = new URL(this.#apiUrl);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const start = Number(params.start ?? 0);
    for (let attempt = 1; ; attempt++) {
      const feed = await this.#getFeed(url.href, ATOM_ACCEPT, 'api', signal);
      if (feed.kind !== 'search')
        throw malformed(`expected an Atom feed from ${url.href}, got an RSS listing`);
      if (feed.papers.length > 0 || start >= feed.totalResults) return feed;
      if (attempt > this.#maxRetries) {
        throw new ExternalError(
          'ARXIV_HTTP',
          `arXiv kept answering with empty pages although it reports ${feed.totalResults} results.`,
          { retryable: true, detail: `${attemptCount(attempt)} for ${url.href}` },
        );
      }
      const waitMs = this.#backoff(attempt);
      this.#logger.warn(
        { url: url.href, attempt, waitMs },
        'arXiv sent an empty page of results; asking again',
      );
      this.#gate.holdFor(waitMs);
    }
  }

  /** A feed; a 4xx answer that carries arXiv's own error feed or entry throws that error. */
  async #getFeed(
    url: string,
    accept: string,
    kind: BodyKind,
    signal: AbortSignal | undefined,
  ): Promise<ArxivFeed> {
    const response = await this.#send(url, accept, kind, signal);
    if (response.status >= 200 && response.status < 300) return parseFeed(response.body);
    try {
      parseFeed(response.body);
    } catch (error) {
      if (isAppError(error) && (error.code === 'ARXIV_API_ERROR' || error.code === 'ARXIV_FEED_ERROR'))
        throw error;
    }
    throw new ExternalError(
      'ARXIV_HTTP',
      `arXiv refused the request (HTTP ${describeStatus(response)}). Check arxiv.rss_url and arxiv.api_url in the configuration.`,
      { detail: url },
    );
  }

  /**
   * Attempts until arXiv gives a definite answer (2xx-4xx but 429), retrying the rest; throws when out of
   * tries. A body over its kind's limit throws at once: it would be as large again.
   */
  async #send(url: string, accept: string, kind: BodyKind, signal: AbortSignal | undefined): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let askedMs = null as number | null;
      const outcome = await this.#gate.run(async () => {
        const result = await this.#attempt(url, accept, kind, attempt, signal);
        askedMs = this.#retryAfter(result);
        // Inside the task, so a gate shared by replicas records the pause before any of them may ask again;
        // honoured also when this client has no retry left.
        if (askedMs !== null) await this.#gate.holdEveryone(askedMs);
        return result;
      }, signal);
      if (outcome.kind === 'response' && !isRetryableStatus(outcome.status)) return outcome;
      if (attempt > this.#maxRetries) throw exhausted(outcome, attempt, url);
      const waitMs = askedMs ?? this.#backoff(attempt);
      const problem =
        outcome.kind === 'failure' ? describeFailure(outcome.failure) : `HTTP ${describeStatus(outcome)}`;
      this.#logger.warn({ url, attempt, waitMs, problem }, 'arXiv request failed; retrying');
      if (askedMs === null) this.#gate.holdFor(waitMs);
    }
  }

  /**
   * One HTTP attempt; a network failure or timeout is returned as such, a caller's abort and a body over the
   * limit are thrown. The body of a 429 or 5xx answer is not read (it is retried whatever it says).
   */
  async #attempt(
    url: string,
    accept: string,
    kind: BodyKind,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let outcome: Attempt;
    let status: number | undefined;
    try {
      const response = await fetch(url, {
        headers: { 'user-agent': this.userAgent, accept },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = response.status;
      let body: Buffer;
      if (isRetryableStatus(response.status)) {
        response.body?.cancel().catch(() => {});
        body = Buffer.alloc(0);
      } else {
        body = await readLimited(response, this.#limits[kind]);
      }
      outcome = {
        kind: 'response',
        url: response.url || url,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body,
      };
      this.#logger.debug({ url, attempt, status: response.status, bytes: body.length }, 'arXiv answered');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ResponseTooLargeError) {
        // Counted as a failed attempt, not by its status: the answer was not usable.
        this.#onRequest?.({
          url,
          attempt,
          durationMs: performance.now() - started,
          error: `larger than ${formatBytes(error.maxBytes)} (${error.key})`,
        });
        this.#logger.warn(
          { url, attempt, status, maxBytes: error.maxBytes, declaredBytes: error.declaredBytes },
          `arXiv sent more than ${error.key} allows; not read`,
        );
        throw error;
      }
      const failure: NetworkFailure = timeout.aborted
        ? { kind: 'timeout', reason: `no answer within ${formatSeconds(this.#timeoutMs)}`, code: null }
        : networkFailure(error);
      outcome = { kind: 'failure', failure, cause: error };
    }
    this.#onRequest?.({
      url,
      attempt,
      durationMs: performance.now() - started,
      ...(outcome.kind === 'response'
        ? { status: outcome.status }
        : { error: describeFailure(outcome.failure) }),
    });
    return outcome;
  }

  /** The wait a 429 or 5xx answer asks for in Retry-After, capped at maxRetryWaitMs; null when none. */
  #retryAfter(outcome: Attempt): number | null {
    if (outcome.kind !== 'response' || !isRetryableStatus(outcome.status)) return null;
    const asked = parseRetryAfter(outcome.headers.get('retry-after'), Date.now());
    if (asked === null) return null;
    if (asked > this.#maxRetryWaitMs) {
      this.#logger.warn(
        { retryAfterMs: asked, waitMs: this.#maxRetryWaitMs },
        `arXiv asked to wait ${formatSeconds(asked)}; waiting ${formatSeconds(this.#maxRetryWaitMs)}, the longest this client waits`,
      );
    }
    return Math.min(asked, this.#maxRetryWaitMs);
  }

  #backoff(attempt: number): number {
    return backoffDelay(attempt, {
      baseMs: this.#backoffBaseMs,
      capMs: this.#maxRetryWaitMs,
      random: this.#random,
    });
  }
}

/** The client options of the `arxiv` section of config.json. */
export function arxivClientOptions(config: Config['arxiv'], version: string): ArxivClientOptions {
  return {
    rssUrl: config.rss_url,
    apiUrl: config.api_url,
    minIntervalMs: config.min_interval_ms,
    timeoutMs: config.timeout_ms,
    maxRetries: config.max_retries,
    contact: config.contact,
    version,
    maxListingBytes: config.max_listing_bytes,
    maxApiBytes: config.max_api_bytes,
    maxHtmlBytes: config.max_html_bytes,
    maxPdfBytes: config.max_pdf_bytes,
  };
}

/**
 * The error after the last attempt, naming the real cause (a refused connection, a failed name lookup, a
 * timeout, a status). No closing advice: whoever shows the message adds it (problemText in src/errors.ts).
 */
function exhausted(outcome: Attempt, attempts: number, url: string): ExternalError {
  if (outcome.kind === 'failure') {
    return new ExternalError(
      'ARXIV_UNREACHABLE',
      unreachableMessage('arXiv', new URL(url).host, outcome.failure, attempts),
      { retryable: true, cause: outcome.cause, detail: `${describeFailure(outcome.failure)}: ${url}` },
    );
  }
  return new ExternalError(
    'ARXIV_HTTP',
    `arXiv answered HTTP ${describeStatus(outcome)} (${attemptCount(attempts)}): it is busy or down.`,
    { retryable: true, detail: url },
  );
}

function describeStatus(response: Answer): string {
  return response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
}

function attemptCount(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

/** A failed attempt for logs and metrics: `connection refused (ECONNREFUSED)`, `no answer within 30 s`. */
function describeFailure(failure: NetworkFailure): string {
  return failure.code ? `${failure.reason} (${failure.code})` : failure.reason;
}
