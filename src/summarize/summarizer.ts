import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type Keyv from 'keyv';
import { type Paper, versionedId } from '../arxiv/paper.ts';
import { formatSeconds, isAppError, UserError } from '../errors.ts';
import { Limiter } from '../limiter.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { Claim, ClaimRepository } from '../store/repositories/claims.ts';
import { withTimeout } from '../timeout.ts';
import { fitToBudget, sectionsTokens } from './budget.ts';
import { cacheKey, SummaryCache } from './cache.ts';
import { ChatModel, ContextLengthError, DEFAULT_MAX_RESPONSE_BYTES } from './chat.ts';
import type { FullTextSource, Section } from './document.ts';
import { extractiveSummary } from './extractive.ts';
import { abstractOnly, type Download, fetchFullText } from './fulltext.ts';
import { extractPdf } from './pdf.ts';
import { PdfTimeoutError } from './pdf-pool.ts';
import { type InputHeader, promptHash, renderInput, type SummaryKind, systemPrompt } from './prompts.ts';
import { sanitizeModelText } from './sanitize.ts';
import type { PaperSummary } from './types.ts';
import { addEvent, emptyTotals, type UsageEvent, UsageMeter, type UsageTotals } from './usage.ts';

/** Knobs with defaults (DEFAULT_TUNING); `createSummarizer` passes through any given by the caller. */
export interface SummarizerTuning {
  /** Estimated input tokens for a structured summary's full text (references and appendices go first). */
  inputTokenBudget: number;
  /** Input tokens for a TL;DR (the title and abstract fit easily; a local PDF is cut to this). */
  tldrInputTokenBudget: number;
  /** `max_tokens` asked for a TL;DR and for a structured summary. */
  tldrMaxTokens: number;
  fullMaxTokens: number;
  /** Characters kept of an answer after normalization. */
  tldrMaxChars: number;
  fullMaxChars: number;
  requestTimeoutMs: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and connection failures. */
  maxRetries: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** The most bytes read of one answer of the model (`ai_summary.max_response_bytes`). */
  maxResponseBytes: number;
  /** How long an extractive fallback stands in (in memory only) before the model is asked again. */
  fallbackTtlMs: number;
  /** How long `summarizeDigest` waits when no deadline is given. */
  digestDeadlineMs: number;
  htmlBaseUrl: string;
  pdfBaseUrl: string;
  /**
   * With `claims`: how long a replica's claim on a summary lasts unless renewed (it is renewed every third of
   * this while the model works), so how soon another replica takes over the summary of one that died.
   */
  claimTtlMs: number;
  /** How often a replica waiting for another's summary looks in the cache. */
  claimPollMs: number;
  /** The longest a replica waits for another's summary before answering with an extractive one. */
  claimWaitMs: number;
}

export const DEFAULT_TUNING: SummarizerTuning = {
  inputTokenBudget: 20_000,
  tldrInputTokenBudget: 2_000,
  tldrMaxTokens: 200,
  fullMaxTokens: 1_500,
  tldrMaxChars: 600,
  fullMaxChars: 6_000,
  requestTimeoutMs: 120_000,
  maxRetries: 3,
  retryBaseMs: 1_000,
  maxRetryDelayMs: 60_000,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  fallbackTtlMs: 15 * 60_000,
  digestDeadlineMs: 120_000,
  htmlBaseUrl: 'https://arxiv.org/html',
  pdfBaseUrl: 'https://arxiv.org/pdf',
  claimTtlMs: 30_000,
  claimPollMs: 500,
  // Past one model call's timeout: a replica's summary that takes longer has been retried, and is late anyway.
  claimWaitMs: 150_000,
};

export interface SummarizerOptions extends Partial<SummarizerTuning> {
  /**
   * The summary namespace of the store (`store.namespace('summaries')`), or `new Keyv()` in memory. Its
   * summaries are kept forever (a paper version's summary does not change); nothing else is written to it.
   */
  cache: Keyv;
  /** The arXiv client's rate-gated download. */
  download: Download;
  baseUrl: string;
  model: string;
  /** Null when no key is configured: every summary is then extractive. */
  apiKey: string | null;
  /** The variable the key is read from, for messages. */
  apiKeyEnv: string;
  /** The default language code; each call may ask for another. */
  language: string;
  /** Model calls at once (`ai_summary.max_workers`). */
  maxWorkers: number;
  /** Replaces the built-in structured prompt (the text of `ai_summary.prompt_file`). */
  structuredPrompt?: string | null;
  logger?: Logger;
  /** The clock for fallback expiry; tests move it. */
  now?: () => number;
  /**
   * Claims in a store that several replicas share (a ClaimRepository): a summary is then made by one
   * replica, and the others wait for it in the cache. None with a store of this process alone.
   */
  claims?: SummaryClaims | null;
}

export type SummaryClaims = Pick<ClaimRepository, 'take' | 'renew' | 'release'>;

export interface SummaryOptions {
  language?: string;
}

export interface DigestRequest {
  /** Papers shown in the digest: each gets a TL;DR. */
  tldrFor: readonly Paper[];
  /** The top papers (`max_papers_to_summarize`): each gets a structured summary. */
  fullFor: readonly Paper[];
  /** When the digest goes out with whatever is ready; `digestDeadlineMs` from now by default. */
  deadline?: Date;
  language?: string;
}

export interface DigestSummaries {
  /** By paper id: the TL;DRs ready by the deadline (model-written, or extractive when the model failed). */
  tldrs: Map<string, PaperSummary>;
  /** By paper id: the structured summaries ready by the deadline. */
  full: Map<string, PaperSummary>;
  /**
   * One summary per paper for the Digest (`attachSummaries`): the model-written TL;DR and structured summary
   * together; an extractive part only when the model wrote neither.
   */
  byPaper: Map<string, PaperSummary>;
  /** Ids still being summarized at the deadline; their summaries land in the cache when done. */
  pending: { tldr: string[]; full: string[] };
  /** What this call spent up to its return, not counting summaries it shared with concurrent callers. */
  usage: UsageTotals;
}

/** One summary to make: what it is, what it is keyed by, and how to get the text the model reads. */
interface Job {
  kind: SummaryKind;
  paperId: string;
  version: number | null;
  language: string;
  header: InputHeader;
  /** The text an extractive fallback is cut from. */
  abstract: string;
  load: (signal: AbortSignal) => Promise<{ source: FullTextSource; sections: Section[] }>;
}

/**
 * Paper summaries through an OpenAI-compatible model: TL;DRs from the title and abstract, structured summaries
 * from the full text. Each summary is made once per paper version, model, language and prompt: cached in the
 * store, and shared by concurrent requests while it is being made: in the process by a single flight, and across
 * replicas sharing a store by a claim (the replica that takes it calls the model; the others wait for its
 * summary in the cache, and take the claim over when its holder dies). Model calls run at most `maxWorkers` at a
 * time. No method throws because a model or a download failed: the answer is then an extractive summary.
 */
export class Summarizer {
  readonly usage = new UsageMeter();
  readonly #options: SummarizerOptions;
  readonly #tuning: SummarizerTuning;
  readonly #cache: SummaryCache;
  readonly #chat: ChatModel | null;
  readonly #limiter: Limiter;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #flights = new Map<string, Promise<PaperSummary>>();
  readonly #fallbacks = new Map<string, { summary: PaperSummary; expires: number }>();
  readonly #abort = new AbortController();

  constructor(options: SummarizerOptions) {
    this.#options = options;
    this.#tuning = { ...DEFAULT_TUNING, ...withoutUndefined(options) };
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#cache = new SummaryCache(options.cache, this.#logger);
    this.#limiter = new Limiter(options.maxWorkers);
    this.#chat = options.apiKey
      ? new ChatModel({
          baseUrl: options.baseUrl,
          apiKey: options.apiKey,
          model: options.model,
          apiKeyEnv: options.apiKeyEnv,
          requestTimeoutMs: this.#tuning.requestTimeoutMs,
          maxRetries: this.#tuning.maxRetries,
          retryBaseMs: this.#tuning.retryBaseMs,
          maxRetryDelayMs: this.#tuning.maxRetryDelayMs,
          maxResponseBytes: this.#tuning.maxResponseBytes,
          logger: this.#logger,
        })
      : null;
  }

  /** Whether a model is configured; without one every summary is extractive. */
  get usesModel(): boolean {
    return this.#chat !== null;
  }

  /** One or two sentences from the paper's title and abstract. */
  tldr(paper: Paper, options: SummaryOptions = {}): Promise<PaperSummary> {
    return this.#run(this.#paperJob('tldr', paper, options), null);
  }

  /** The four-part structured summary from the paper's full text. */
  summarize(paper: Paper, options: SummaryOptions = {}): Promise<PaperSummary> {
    return this.#run(this.#paperJob('full', paper, options), null);
  }

  /**
   * A summary of a local PDF (`summarize --pdf file`), keyed by the file's content. Throws a UserError when the
   * bytes are not a readable PDF (INPUT_INVALID) or reading them took longer than the PDF reader's time limit
   * (LIMIT_EXCEEDED).
   */
  async summarizePdf(
    pdf: Uint8Array,
    options: SummaryOptions & { kind?: SummaryKind } = {},
  ): Promise<PaperSummary> {
    let sections: Section[];
    try {
      sections = (await extractPdf(pdf)).sections;
    } catch (error) {
      if (error instanceof PdfTimeoutError) {
        throw new UserError(
          'LIMIT_EXCEEDED',
          `Reading the PDF took longer than ${formatSeconds(error.limitMs)}, the limit for one file, so it was given up. ` +
            "A very long or image-heavy PDF can do this: try a shorter file (the paper without its supplementary material), or summarize the paper by its arXiv id, which reads arXiv's HTML version first.",
          { cause: error },
        );
      }
      throw new UserError(
        'INPUT_INVALID',
        'The file is not a readable PDF. Check that it is the PDF of a paper.',
        {
          cause: error,
          detail: (error as Error).message,
        },
      );
    }
    const digest = createHash('sha256').update(pdf).digest('hex').slice(0, 16);
    const lead = sections.find((s) => s.kind === 'abstract') ?? sections[0];
    return this.#run(
      {
        kind: options.kind ?? 'full',
        paperId: `pdf:${digest}`,
        version: null,
        language: options.language ?? this.#options.language,
        header: { title: null, authors: [], reference: null },
        abstract: lead?.text.slice(0, 2000) ?? '',
        load: async () => ({ source: 'pdf', sections }),
      },
      null,
    );
  }

  /**
   * The TL;DRs and structured summaries for a digest, as far as they are ready by the deadline. Nothing waits
   * past it: unfinished summaries keep going in the background and fill the cache for the next asker.
   */
  async summarizeDigest(request: DigestRequest): Promise<DigestSummaries> {
    const options = request.language ? { language: request.language } : {};
    const deadline = request.deadline ?? new Date(Date.now() + this.#tuning.digestDeadlineMs);
    const usage = emptyTotals();
    const tldrs = new Map<string, PaperSummary>();
    const full = new Map<string, PaperSummary>();
    const start = (kind: SummaryKind, paper: Paper, into: Map<string, PaperSummary>) =>
      this.#run(this.#paperJob(kind, paper, options), usage).then(
        (summary) => into.set(paper.id, summary),
        // Only a bug lands here (failures become extractive summaries); the digest still goes out.
        (error: unknown) => this.#logger.error({ paperId: paper.id, kind, err: error }, 'summarizing failed'),
      );
    const work = Promise.all([
      ...request.tldrFor.map((p) => start('tldr', p, tldrs)),
      ...request.fullFor.map((p) => start('full', p, full)),
    ]);
    await withTimeout(work, deadline.getTime() - Date.now(), () => undefined);
    const pending = {
      tldr: request.tldrFor.filter((p) => !tldrs.has(p.id)).map((p) => p.id),
      full: request.fullFor.filter((p) => !full.has(p.id)).map((p) => p.id),
    };
    if (pending.tldr.length + pending.full.length > 0) {
      this.#logger.info({ pending }, 'digest deadline reached; sending it with the summaries that are ready');
    }
    const byPaper = new Map<string, PaperSummary>();
    for (const id of new Set([...tldrs.keys(), ...full.keys()])) {
      byPaper.set(id, combine(tldrs.get(id), full.get(id)));
    }
    return { tldrs: new Map(tldrs), full: new Map(full), byPaper, pending, usage: { ...usage } };
  }

  /** Resolves when no summary is being made (background work after a digest deadline included). */
  async idle(): Promise<void> {
    while (this.#flights.size > 0) await Promise.allSettled([...this.#flights.values()]);
  }

  /** Stops model calls and downloads in progress (their askers get extractive summaries) and waits for them. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.idle();
  }

  #paperJob(kind: SummaryKind, paper: Paper, options: SummaryOptions): Job {
    const categories = paper.categories.length > 0 ? ` (${paper.categories.join(', ')})` : '';
    return {
      kind,
      paperId: paper.id,
      version: paper.version,
      language: options.language ?? this.#options.language,
      header: {
        title: paper.title,
        authors: paper.authors,
        reference: `arXiv:${versionedId(paper)}${categories}`,
      },
      abstract: paper.abstract,
      load:
        kind === 'tldr'
          ? async () => ({ source: 'abstract', sections: abstractOnly(paper) })
          : async (signal) => {
              const text = await fetchFullText(paper, {
                download: this.#options.download,
                htmlBaseUrl: this.#tuning.htmlBaseUrl,
                pdfBaseUrl: this.#tuning.pdfBaseUrl,
                logger: this.#logger,
                signal,
              });
              return { source: text.source, sections: text.sections };
            },
    };
  }

  /** Single flight: a summary being made is shared by everyone who asks for it meanwhile. */
  #run(job: Job, collector: UsageTotals | null): Promise<PaperSummary> {
    const prompt = systemPrompt(job.kind, job.language, this.#options.structuredPrompt ?? null);
    const key = cacheKey({ ...job, model: this.#options.model, promptHash: promptHash(prompt) });
    const existing = this.#flights.get(key);
    if (existing) {
      this.#record({ type: 'shared-flight' }, collector);
      return existing;
    }
    const flight = this.#produce(job, key, prompt, collector).finally(() => this.#flights.delete(key));
    this.#flights.set(key, flight);
    return flight;
  }

  async #produce(
    job: Job,
    key: string,
    prompt: string,
    collector: UsageTotals | null,
  ): Promise<PaperSummary> {
    const cached = await this.#cache.get(key);
    if (cached) {
      this.#record({ type: 'cache-hit' }, collector);
      return cached.summary;
    }
    const fallback = this.#fallbacks.get(key);
    if (fallback && fallback.expires > this.#now()) {
      this.#record({ type: 'fallback' }, collector);
      return fallback.summary;
    }
    if (!this.#chat) {
      this.#record({ type: 'fallback' }, collector);
      return this.#extractive(job);
    }
    try {
      return await this.#askOnce(this.#chat, job, key, prompt, collector);
    } catch (error) {
      const summary = this.#extractive(job);
      this.#record({ type: 'fallback' }, collector);
      if (this.#abort.signal.aborted) return summary;
      this.#logger.warn(
        {
          paperId: job.paperId,
          kind: job.kind,
          code: isAppError(error) ? error.code : undefined,
          err: error,
        },
        'no model summary; using an extractive one from the abstract',
      );
      this.#rememberFallback(key, summary);
      return summary;
    }
  }

  /** Asks the model unless another replica holds the claim on this summary; then waits for its summary. */
  async #askOnce(
    chat: ChatModel,
    job: Job,
    key: string,
    prompt: string,
    collector: UsageTotals | null,
  ): Promise<PaperSummary> {
    const claims = this.#options.claims;
    if (!claims) return this.#ask(chat, job, key, prompt, collector);
    const { claimTtlMs, claimPollMs, claimWaitMs } = this.#tuning;
    const giveUpAt = Date.now() + claimWaitMs;
    for (;;) {
      let claim: Claim | null;
      try {
        claim = await claims.take(key, claimTtlMs);
      } catch (error) {
        // A second model call costs less than no summary.
        this.#logger.warn({ key, err: error }, 'could not claim the summary in the store; making it anyway');
        return this.#ask(chat, job, key, prompt, collector);
      }
      if (claim) return this.#askClaimed(claims, claim, chat, job, key, prompt, collector);
      await sleep(Math.max(1, Math.min(claimPollMs, giveUpAt - Date.now())), undefined, {
        signal: this.#abort.signal,
      });
      const cached = await this.#cache.get(key);
      if (cached) {
        this.#record({ type: 'cache-hit' }, collector);
        return cached.summary;
      }
      if (Date.now() >= giveUpAt) {
        throw new Error(
          `another replica has been making this summary for over ${formatSeconds(claimWaitMs)}`,
        );
      }
    }
  }

  /** Asks the model holding the claim, renewed while the call lasts, and given up once the cache has the summary. */
  async #askClaimed(
    claims: SummaryClaims,
    claim: Claim,
    chat: ChatModel,
    job: Job,
    key: string,
    prompt: string,
    collector: UsageTotals | null,
  ): Promise<PaperSummary> {
    const ttlMs = this.#tuning.claimTtlMs;
    let held: Claim | null = claim;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      const current = held;
      if (!current) return;
      renewing = claims.renew(current, ttlMs).then(
        (next) => {
          held = next;
          if (!next) this.#logger.warn({ key }, 'the claim on this summary expired while it was being made');
        },
        (error: unknown) =>
          this.#logger.warn({ key, err: error }, 'could not renew the claim on this summary'),
      );
    }, ttlMs / 3);
    timer.unref();
    try {
      // Its maker may have written it and let go of the claim since this process last looked.
      const cached = await this.#cache.get(key);
      if (cached) {
        this.#record({ type: 'cache-hit' }, collector);
        return cached.summary;
      }
      return await this.#ask(chat, job, key, prompt, collector);
    } finally {
      clearInterval(timer);
      await renewing;
      const current = held as Claim | null;
      if (current) {
        await claims.release(current).catch((error: unknown) => {
          this.#logger.warn(
            { key, err: error },
            'could not release the claim on this summary; it expires by itself',
          );
        });
      }
    }
  }

  async #ask(
    chat: ChatModel,
    job: Job,
    key: string,
    prompt: string,
    collector: UsageTotals | null,
  ): Promise<PaperSummary> {
    const signal = this.#abort.signal;
    const loaded = await job.load(signal);
    // A summary never needs the reference list, so it is not paid for even when the budget has room.
    const sections = loaded.sections.filter((s) => s.kind !== 'references');
    const budget = job.kind === 'tldr' ? this.#tuning.tldrInputTokenBudget : this.#tuning.inputTokenBudget;
    const request = (input: Section[]) => ({
      system: prompt,
      user: renderInput(job.header, input),
      maxTokens: job.kind === 'tldr' ? this.#tuning.tldrMaxTokens : this.#tuning.fullMaxTokens,
      signal,
      onRequest: () => this.#record({ type: 'request' }, collector),
    });
    const answer = await this.#limiter.run(async () => {
      const fitted = fitToBudget(sections, budget);
      try {
        return await chat.complete(request(fitted));
      } catch (error) {
        if (!(error instanceof ContextLengthError)) throw error;
        // Once, with half of what was sent: the estimate was off for this model, or its window is small.
        const smaller = Math.floor(Math.min(budget, sectionsTokens(fitted)) / 2);
        this.#logger.warn(
          { paperId: job.paperId, budget: smaller },
          'input too long for the model; retrying shorter',
        );
        return await chat.complete(request(fitToBudget(sections, smaller)));
      }
    });

    const text = sanitizeModelText(stripLabel(answer.content, job.kind), {
      maxChars: job.kind === 'tldr' ? this.#tuning.tldrMaxChars : this.#tuning.fullMaxChars,
      singleLine: job.kind === 'tldr',
    });
    if (!text) throw new Error('the model answered with no usable text');
    const summary: PaperSummary = {
      paperId: job.paperId,
      version: job.version,
      tldr: job.kind === 'tldr' ? text : null,
      body: job.kind === 'full' ? text : null,
      source: 'model',
      model: this.#options.model,
      language: job.language,
    };
    this.#record(
      {
        type: 'completion',
        call: {
          kind: job.kind,
          paperId: job.paperId,
          model: this.#options.model,
          promptTokens: answer.promptTokens,
          completionTokens: answer.completionTokens,
          totalTokens: answer.totalTokens,
          requests: answer.requests,
          estimated: answer.estimated,
        },
      },
      collector,
    );
    await this.#cache.set(key, {
      summary,
      input: loaded.source,
      promptTokens: answer.promptTokens,
      completionTokens: answer.completionTokens,
      createdAt: new Date(this.#now()).toISOString(),
    });
    return summary;
  }

  #extractive(job: Job): PaperSummary {
    return extractiveSummary({
      paperId: job.paperId,
      version: job.version,
      abstract: job.abstract,
      language: job.language,
    });
  }

  #rememberFallback(key: string, summary: PaperSummary): void {
    const now = this.#now();
    for (const [k, v] of this.#fallbacks) if (v.expires <= now) this.#fallbacks.delete(k);
    this.#fallbacks.set(key, { summary, expires: now + this.#tuning.fallbackTtlMs });
  }

  #record(event: UsageEvent, collector: UsageTotals | null): void {
    this.usage.record(event);
    if (collector) addEvent(collector, event);
  }
}

/** A paper's TL;DR and structured summary as one; at least one of them is given. */
function combine(tldr: PaperSummary | undefined, full: PaperSummary | undefined): PaperSummary {
  const written = [tldr, full].filter((s): s is PaperSummary => s?.source === 'model');
  const base = written[0] ?? tldr ?? full;
  if (!base) throw new Error('combine needs a summary');
  if (written.length === 0) return base;
  return {
    ...base,
    tldr: tldr?.source === 'model' ? tldr.tldr : null,
    body: full?.source === 'model' ? full.body : null,
  };
}

/** Models like to start a TL;DR with "TL;DR:"; the renderers add their own label. */
function stripLabel(content: string, kind: SummaryKind): string {
  return kind === 'tldr'
    ? content.trim().replace(/^\**\s*tl;?\s?dr\s*(?:\**\s*[:：—-]|[:：—-]\s*\**)\s*/i, '')
    : content;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
