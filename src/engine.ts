/**
 * The digest engine: the arXiv client, the ranking and the summarizer put together. The CLI and the bot
 * both make digests through it, so a digest on the command line is the digest a channel gets.
 */
import { ArxivClient, arxivClientOptions, type RequestEvent } from './arxiv/client.ts';
import { filterAnnounceTypes, mergeAnnouncements } from './arxiv/merge.ts';
import type { Paper } from './arxiv/paper.ts';
import { sharedRateGate } from './arxiv/rate-gate.ts';
import { SharedRateGate } from './arxiv/shared-gate.ts';
import type { Config } from './config/schema.ts';
import { attachSummaries, buildDigest, type Digest } from './digest/digest.ts';
import { ListingIndex } from './digest/listing-index.ts';
import type { KeywordQuery } from './digest/query.ts';
import { type Logger, silentLogger } from './log.ts';
import type { Store } from './store/index.ts';
import { ClaimRepository } from './store/repositories/claims.ts';
import { createSummarizer, type Summarizer } from './summarize/index.ts';
import { closePdfPool } from './summarize/pdf.ts';
import type { UsageTotals } from './summarize/usage.ts';
import { VERSION } from './version.ts';

export interface Engine {
  config: Config;
  client: ArxivClient;
  /** Made on first use, so a run that needs no summary neither builds it nor warns about a missing key. */
  readonly summarizer: Summarizer;
  logger: Logger;
  /** Waits for summaries still running in the background (they fill the cache), then releases them. */
  close(): Promise<void>;
  /** Resolves when no summary is running in the background. */
  idle(): Promise<void>;
}

export interface EngineOptions {
  config: Config;
  store: Store;
  logger?: Logger;
  /** Where the summarizer reads its API key (by the name `ai_summary.api_key_env` gives). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onArxivRequest?: (event: RequestEvent) => void;
}

export function createEngine(options: EngineOptions): Engine {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const arxivLogger = logger.child({ module: 'arxiv' });
  // Replicas sharing a Redis or Postgres store space their arXiv requests together (src/arxiv/shared-gate.ts);
  // with the embedded SQLite store the process-wide gate is enough.
  const gate = options.store.shared
    ? new SharedRateGate({
        store: options.store,
        minIntervalMs: config.arxiv.min_interval_ms,
        requestTimeoutMs: config.arxiv.timeout_ms,
        local: sharedRateGate(config.arxiv.min_interval_ms),
        logger: arxivLogger,
      })
    : undefined;
  const client = new ArxivClient({
    ...arxivClientOptions(config.arxiv, VERSION),
    ...(gate ? { gate } : {}),
    logger: arxivLogger,
    ...(options.onArxivRequest ? { onRequest: options.onArxivRequest } : {}),
  });
  let summarizer: Summarizer | null = null;
  const makeSummarizer = () =>
    createSummarizer(config.ai_summary, {
      cache: options.store.namespace('summaries'),
      // Replicas sharing a store make each summary once (one model call), not once each.
      claims: options.store.shared ? new ClaimRepository(options.store) : null,
      download: (url, opts) => client.download(url, opts),
      htmlBaseUrl: config.arxiv.html_url,
      pdfBaseUrl: config.arxiv.pdf_url,
      maxResponseBytes: config.ai_summary.max_response_bytes,
      logger: logger.child({ module: 'summarize' }),
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  return {
    config,
    client,
    logger,
    get summarizer() {
      summarizer ??= makeSummarizer();
      return summarizer;
    },
    idle: async () => summarizer?.idle(),
    close: async () => {
      await summarizer?.close();
      await closePdfPool();
    },
  };
}

export interface Listing {
  /** Merged (one Paper per id) and limited to the configured announce types. */
  papers: Paper[];
  /** The announcement date, `YYYY-MM-DD`, or null when the feed does not say. */
  announced: string | null;
  url: string;
}

/** Today's announcements for these categories, in one combined request. */
export async function fetchListing(engine: Engine, categories: readonly string[]): Promise<Listing> {
  const { url, feed } = await engine.client.fetchListing(categories);
  return { papers: selectAnnouncements(engine.config, feed.papers), announced: feed.announced, url };
}

/** Merges duplicate announcements and keeps the configured announce types (all papers of a search). */
export function selectAnnouncements(config: Config, papers: readonly Paper[]): Paper[] {
  const merged = mergeAnnouncements(papers);
  const announced = merged.some((paper) => paper.announceType !== null);
  return announced ? filterAnnounceTypes(merged, config.announce_types) : merged;
}

export function indexListing(engine: Engine, papers: readonly Paper[]): ListingIndex {
  return new ListingIndex(papers, { mode: engine.config.match, logger: engine.logger });
}

export interface DigestRequest {
  query: KeywordQuery;
  categories: readonly string[];
  maxPapers: number;
  minScore: number;
  /** Followed authors (Subscription.authors): their papers join the digest whatever their score. */
  authors?: readonly string[];
  target?: string | null;
  title?: string;
  /** Whether to ask for TL;DRs and the top structured summaries. */
  summaries: boolean;
  /** Structured summaries for this many of the top papers (`ai_summary.max_papers_to_summarize`). */
  fullSummaries?: number;
  /** The digest goes out with the summaries ready by then. */
  deadline?: Date;
  now?: Date;
}

export interface DigestResult {
  digest: Digest;
  /** Summaries not ready by the deadline; they finish in the background and land in the cache. */
  pending: number;
  usage: UsageTotals | null;
}

/** Ranks one target's digest from an indexed listing, with the summaries that are ready by the deadline. */
export async function makeDigest(
  engine: Engine,
  listing: ListingIndex,
  request: DigestRequest,
): Promise<DigestResult> {
  const digest = buildDigest({
    listing,
    query: request.query,
    categories: request.categories,
    maxPapers: request.maxPapers,
    minScore: request.minScore,
    ...(request.authors ? { authors: request.authors } : {}),
    target: request.target ?? null,
    ...(request.title ? { title: request.title } : {}),
    ...(request.now ? { now: request.now } : {}),
    logger: engine.logger,
  });
  if (!request.summaries || digest.papers.length === 0) return { digest, pending: 0, usage: null };
  const shown = digest.papers.map((ranked) => ranked.paper);
  const full = request.fullSummaries ?? engine.config.ai_summary.max_papers_to_summarize;
  const summaries = await engine.summarizer.summarizeDigest({
    tldrFor: shown,
    fullFor: shown.slice(0, full),
    deadline:
      request.deadline ?? new Date(Date.now() + engine.config.ai_summary.digest_deadline_seconds * 1000),
  });
  return {
    digest: attachSummaries(digest, summaries.byPaper),
    pending: summaries.pending.tldr.length + summaries.pending.full.length,
    usage: summaries.usage,
  };
}
