import type Keyv from 'keyv';
import type { Logger } from '../log.ts';
import type { FullTextSource } from './document.ts';
import type { SummaryKind } from './prompts.ts';
import type { PaperSummary } from './types.ts';

/*
 * The persistent summary cache: a Keyv namespace of the store (SQLite by default). A paper's version never
 * changes, so entries do not expire. Extractive fallbacks are never written here. A store that fails is
 * logged and treated as a miss: summaries cost more for a while, but still arrive.
 */

export interface CacheKeyParts {
  kind: SummaryKind;
  /** The paper id, or "pdf:<hash>" for a local file. */
  paperId: string;
  /** Null when the version is unknown: the key then stands for whatever version was current. */
  version: number | null;
  model: string;
  language: string;
  promptHash: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  const version = parts.version === null ? '' : `v${parts.version}`;
  return [parts.kind, `${parts.paperId}${version}`, parts.model, parts.language, parts.promptHash].join('|');
}

export interface CachedSummary {
  summary: PaperSummary;
  /** What the model read: the HTML rendering, the PDF, or only the abstract. */
  input: FullTextSource;
  promptTokens: number;
  completionTokens: number;
  createdAt: string;
}

export class SummaryCache {
  readonly #keyv: Keyv;
  readonly #logger: Logger;

  constructor(keyv: Keyv, logger: Logger) {
    this.#keyv = keyv;
    this.#logger = logger;
  }

  async get(key: string): Promise<CachedSummary | null> {
    try {
      const value: unknown = await this.#keyv.get(key);
      if (value === undefined) return null;
      if (isCachedSummary(value)) return value;
      this.#logger.warn({ key }, 'ignoring a malformed summary cache entry');
      return null;
    } catch (error) {
      this.#logger.warn({ key, err: error }, 'summary cache read failed; summarizing again');
      return null;
    }
  }

  async set(key: string, entry: CachedSummary): Promise<void> {
    try {
      await this.#keyv.set(key, entry);
    } catch (error) {
      this.#logger.warn(
        { key, err: error },
        'summary cache write failed; the summary will be made again next time',
      );
    }
  }
}

function isCachedSummary(value: unknown): value is CachedSummary {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<CachedSummary>;
  const summary = entry.summary;
  return (
    typeof summary === 'object' &&
    summary !== null &&
    typeof summary.paperId === 'string' &&
    summary.source === 'model' &&
    (typeof summary.tldr === 'string' || typeof summary.body === 'string') &&
    typeof entry.input === 'string'
  );
}
