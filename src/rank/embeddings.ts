import { createHash } from 'node:crypto';
import type { Keyv } from 'keyv';
import OpenAI, { APIUserAbortError } from 'openai';
import type { Paper } from '../arxiv/paper.ts';
import type { Config } from '../config/schema.ts';
import { type BodyLimit, limitResponse } from '../http-body.ts';
import { type Logger, silentLogger } from '../log.ts';
import { readRecord } from '../store/repositories/records.ts';
import type { Store } from '../store/store.ts';
import { estimateTokens } from '../summarize/budget.ts';
import { localVectors } from './local.ts';
import { decodeVector, encodeVector, type Vector } from './vectors.ts';

/*
 * Embeddings of papers (title and abstract) for learned ranking (issue 13).
 *
 * Use:
 *   const embedder = createEmbedder(config, { store, logger });       // once, beside the summarizer
 *   const set = await embedder.embed([...listingPapers, ...votedPapers]);
 *   set.vectors.get(paper.id)                                           // unit-length vectors, one space
 *
 * Pass every paper a ranking needs (today's candidates and the target's voted papers) in one call: the
 * answer is one vector space. Either every vector comes from the model (`source: 'model'`), or, when there
 * is no key or the endpoint fails, every vector is local TF-IDF over these papers (`source: 'local'`, with
 * `fallbackReason`); the two are never mixed.
 *
 * Cost: a model vector is made once per paper version and model, and kept in the store (namespace
 * `embeddings`, key `<model>|<id>|v<version>`, base64 float32 with the text's hash, `keepDays` days), so a
 * second call, or a new process on the same store, asks the endpoint nothing for papers it has seen. The
 * missing ones are sent in batches of at most `batchSize` inputs and `maxBatchTokens` estimated tokens, one
 * request at a time; each answer is read up to `maxResponseBytes` (ranking.max_response_bytes). Retries on
 * 429, 5xx and timeouts are the `openai` package's own (Retry-After honoured), `maxRetries` of them. What
 * the model made before a failure stays cached. A store that fails costs embeddings, never the ranking.
 */

export type EmbeddingSource = 'model' | 'local';

export interface EmbeddingSet {
  source: EmbeddingSource;
  /** The embedding model, or null for local vectors. */
  model: string | null;
  /** Every vector's length (dense) or bound on its indices (sparse). */
  dimensions: number;
  /** By paper id. */
  vectors: Map<string, Vector>;
  /** Why the vectors are local (no key, the endpoint's error); null for model vectors. */
  fallbackReason: string | null;
}

export interface EmbedderUsage {
  /** HTTP requests to the endpoint (failed ones too, retries not seen). */
  requests: number;
  /** Texts sent. */
  inputs: number;
  /** Tokens the endpoint reported (`usage.prompt_tokens`). */
  tokens: number;
  /** Vectors read from the store instead. */
  cached: number;
}

export interface EmbedderOptions {
  model: string;
  baseUrl: string;
  /** Null: local vectors only. */
  apiKey: string | null;
  /** The variable the key came from, for messages (the key itself is never logged). */
  apiKeyEnv: string;
  /** `store.namespace('embeddings')`. */
  cache: Keyv;
  requestTimeoutMs: number;
  maxRetries: number;
  /** Inputs per request (OpenAI allows 2048; DashScope 10; 96 is safe for most). */
  batchSize: number;
  /** Estimated tokens per request; 100 000 by default (OpenAI allows 300 000). */
  maxBatchTokens?: number;
  /** Estimated tokens of one input; longer texts are cut. 8000 by default (OpenAI allows 8192). */
  maxInputTokens?: number;
  maxResponseBytes: number;
  /** How long a vector is kept in the store; 90 days by default. */
  keepDays?: number;
  logger?: Logger;
}

const EMBEDDING_SCHEMA = 1;

interface StoredEmbedding {
  schemaVersion: typeof EMBEDDING_SCHEMA;
  /** The first 16 hex digits of the sha256 of the text embedded: a paper without a version is re-embedded when its text changes. */
  textHash: string;
  /** base64 float32, little-endian. */
  vector: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The text embedded for a paper. */
export function paperText(paper: Paper): string {
  return `${paper.title}\n\n${paper.abstract}`;
}

export class Embedder {
  readonly model: string;
  readonly #options: EmbedderOptions;
  readonly #client: OpenAI | null;
  readonly #logger: Logger;
  readonly #usage: EmbedderUsage = { requests: 0, inputs: 0, tokens: 0, cached: 0 };

  constructor(options: EmbedderOptions) {
    this.model = options.model;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    const limit: BodyLimit = {
      maxBytes: options.maxResponseBytes,
      key: 'ranking.max_response_bytes',
      what: "The embedding model's answer",
      check: 'check ranking.base_url and ranking.batch_size',
      code: 'LLM_HTTP',
    };
    this.#client = options.apiKey
      ? new OpenAI({
          fetch: async (input, init) => limitResponse(await fetch(input, init), limit),
          apiKey: options.apiKey,
          baseURL: options.baseUrl,
          maxRetries: options.maxRetries,
          timeout: options.requestTimeoutMs,
          // Never send an OpenAI organization or project read from the environment to another vendor.
          organization: null,
          project: null,
        })
      : null;
  }

  /** What this embedder has cost so far. */
  get usage(): Readonly<EmbedderUsage> {
    return { ...this.#usage };
  }

  /** Vectors for these papers, all from the model or all local (see the top of this file). */
  async embed(papers: readonly Paper[], options: { signal?: AbortSignal } = {}): Promise<EmbeddingSet> {
    const unique = [...new Map(papers.map((paper) => [paper.id, paper])).values()];
    if (!this.#client) {
      return this.#local(unique, `no API key in ${this.#options.apiKeyEnv}`);
    }
    try {
      return await this.#model(this.#client, unique, options.signal);
    } catch (error) {
      if (error instanceof APIUserAbortError || options.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.#logger.warn(
        { model: this.model, baseUrl: this.#options.baseUrl, err: error },
        'embedding model failed; ranking on local TF-IDF vectors instead',
      );
      return this.#local(unique, reason);
    }
  }

  #local(papers: readonly Paper[], reason: string): EmbeddingSet {
    const { dimensions, vectors } = localVectors(papers);
    return { source: 'local', model: null, dimensions, vectors, fallbackReason: reason };
  }

  async #model(client: OpenAI, papers: readonly Paper[], signal?: AbortSignal): Promise<EmbeddingSet> {
    const maxInputTokens = this.#options.maxInputTokens ?? 8000;
    const wanted = papers.map((paper) => {
      const text = cut(paperText(paper), maxInputTokens);
      return { paper, text, key: this.#key(paper), hash: textHash(text) };
    });
    const vectors = new Map<string, Vector>();
    let dimensions = 0;

    const missing: typeof wanted = [];
    for (let at = 0; at < wanted.length; at += 500) {
      const chunk = wanted.slice(at, at + 500);
      const records = await this.#read(chunk.map((entry) => entry.key));
      chunk.forEach((entry, i) => {
        const record = readRecord<StoredEmbedding>(records[i], EMBEDDING_SCHEMA, 'embedding', this.#logger);
        const vector = record?.textHash === entry.hash ? decodeVector(record.vector) : null;
        if (vector && (dimensions === 0 || vector.length === dimensions)) {
          vectors.set(entry.paper.id, vector);
          dimensions = vector.length;
          this.#usage.cached++;
        } else {
          missing.push(entry);
        }
      });
    }

    for (const batch of batches(missing, this.#options.batchSize, this.#options.maxBatchTokens ?? 100_000)) {
      this.#usage.requests++;
      this.#usage.inputs += batch.length;
      const response = await client.embeddings.create(
        { model: this.model, input: batch.map((entry) => entry.text), encoding_format: 'base64' },
        signal ? { signal } : undefined,
      );
      this.#usage.tokens += response.usage?.prompt_tokens ?? 0;
      const made: Array<{ key: string; value: StoredEmbedding; ttl: number }> = [];
      for (const item of response.data) {
        const entry = batch[item.index];
        const vector = readEmbedding(item.embedding);
        if (!entry || !vector || (dimensions !== 0 && vector.length !== dimensions)) {
          throw new Error(`the embedding endpoint ${this.#options.baseUrl} answered a malformed embedding`);
        }
        dimensions = vector.length;
        vectors.set(entry.paper.id, vector);
        made.push({
          key: entry.key,
          value: { schemaVersion: EMBEDDING_SCHEMA, textHash: entry.hash, vector: encodeVector(vector) },
          ttl: (this.#options.keepDays ?? 90) * DAY_MS,
        });
      }
      if (made.length !== batch.length) {
        throw new Error(
          `the embedding endpoint ${this.#options.baseUrl} answered ${made.length} embeddings for ${batch.length} texts`,
        );
      }
      await this.#write(made);
    }
    return { source: 'model', model: this.model, dimensions, vectors, fallbackReason: null };
  }

  /** Cached records by key; a store that fails is logged and read as misses (embeddings cost more, ranking goes on). */
  async #read(keys: string[]): Promise<unknown[]> {
    try {
      return await this.#options.cache.getMany(keys);
    } catch (error) {
      this.#logger.warn({ err: error }, 'embedding cache read failed; embedding again');
      return keys.map(() => undefined);
    }
  }

  async #write(entries: Array<{ key: string; value: StoredEmbedding; ttl: number }>): Promise<void> {
    try {
      await this.#options.cache.setMany(entries);
    } catch (error) {
      this.#logger.warn({ err: error }, 'embedding cache write failed; these papers will be embedded again');
    }
  }

  #key(paper: Paper): string {
    return `${this.model}|${paper.id}|v${paper.version ?? ''}`;
  }
}

/**
 * The embedder for a config's `ranking` section: its own model, base URL (ai_summary.base_url when null) and
 * key variable (ai_summary.api_key_env when null); timeouts and retries as for summaries. Without a key it
 * makes local vectors only, and says so once in the log.
 */
export function createEmbedder(
  config: Config,
  deps: { store: Store; env?: NodeJS.ProcessEnv; logger?: Logger },
): Embedder {
  const { ranking, ai_summary } = config;
  const apiKeyEnv = ranking.api_key_env ?? ai_summary.api_key_env;
  const apiKey = (deps.env ?? process.env)[apiKeyEnv]?.trim() || null;
  const logger = deps.logger ?? silentLogger;
  if (!apiKey) {
    logger.warn(
      `No API key in ${apiKeyEnv}: learned ranking uses local TF-IDF vectors, not ${ranking.embedding_model}.`,
    );
  }
  return new Embedder({
    model: ranking.embedding_model,
    baseUrl: ranking.base_url ?? ai_summary.base_url,
    apiKey,
    apiKeyEnv,
    cache: deps.store.namespace('embeddings'),
    requestTimeoutMs: ai_summary.request_timeout_seconds * 1000,
    maxRetries: ai_summary.max_retries,
    batchSize: ranking.batch_size,
    maxResponseBytes: ranking.max_response_bytes,
    keepDays: ranking.keep_days,
    logger,
  });
}

/** Consecutive groups of at most `size` entries and `maxTokens` estimated tokens (a longer text alone). */
function batches<T extends { text: string }>(entries: readonly T[], size: number, maxTokens: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let tokens = 0;
  for (const entry of entries) {
    const cost = estimateTokens(entry.text);
    if (group.length > 0 && (group.length >= size || tokens + cost > maxTokens)) {
      groups.push(group);
      group = [];
      tokens = 0;
    }
    group.push(entry);
    tokens += cost;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The text cut to about `maxTokens` estimated tokens (titles and abstracts are far shorter). */
function cut(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let end = Math.min(text.length, maxTokens * 4);
  while (end > 0 && estimateTokens(text.slice(0, end)) > maxTokens) end = Math.floor(end * 0.9);
  return text.slice(0, end);
}

/**
 * An answered embedding: base64 as asked, or a list of numbers from a server that ignores encoding_format
 * (several OpenAI-compatible ones do). Null when it is neither.
 */
function readEmbedding(raw: unknown): Float32Array | null {
  if (typeof raw === 'string') return decodeVector(raw);
  if (Array.isArray(raw) && raw.length > 0 && raw.every((value) => typeof value === 'number')) {
    return Float32Array.from(raw);
  }
  return null;
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
