import { resolve } from 'node:path';
import type Keyv from 'keyv';
import type { Config } from '../config/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { Download } from './fulltext.ts';
import { readPromptFile } from './prompts.ts';
import { Summarizer, type SummarizerTuning, type SummaryClaims } from './summarizer.ts';

export type { FullText, FullTextSource, Section, SectionKind } from './document.ts';
export type { Download, FullTextOptions } from './fulltext.ts';
export { fetchFullText } from './fulltext.ts';
export type { SummaryKind } from './prompts.ts';
export type {
  DigestRequest,
  DigestSummaries,
  SummarizerOptions,
  SummarizerTuning,
  SummaryClaims,
  SummaryOptions,
} from './summarizer.ts';
export { DEFAULT_TUNING, Summarizer } from './summarizer.ts';
export type { PaperSummary } from './types.ts';
export type { CallUsage, UsageEvent, UsageTotals } from './usage.ts';
export { UsageMeter } from './usage.ts';

export interface SummarizerDeps extends Partial<SummarizerTuning> {
  /** `store.namespace('summaries')`. */
  cache: Keyv;
  /** The arXiv client's `download`. */
  download: Download;
  /** With a store that replicas share: claims, so one replica makes each summary. */
  claims?: SummaryClaims | null;
  /** Where the API key is read, by the name `api_key_env` gives; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** What a relative `prompt_file` is resolved against; the working directory by default. */
  cwd?: string;
  logger?: Logger;
}

/**
 * The summarizer for a config's `ai_summary`. With `enabled: false`, or no key in the variable named by
 * `api_key_env`, it makes extractive summaries only (and says so in the log). Throws a UserError when
 * `prompt_file` cannot be read.
 */
export function createSummarizer(settings: Config['ai_summary'], deps: SummarizerDeps): Summarizer {
  const logger = deps.logger ?? silentLogger;
  const env = deps.env ?? process.env;
  const key = env[settings.api_key_env]?.trim() || null;
  if (!settings.enabled) {
    logger.info('ai_summary.enabled is false: summaries are extractive (cut from abstracts)');
  } else if (!key) {
    logger.warn(
      `No API key in ${settings.api_key_env}: summaries are extractive (cut from abstracts). Set it to use ${settings.model}.`,
    );
  }
  const { env: _env, cwd, ...rest } = deps;
  return new Summarizer({
    inputTokenBudget: settings.input_token_budget,
    fullMaxTokens: settings.max_output_tokens,
    requestTimeoutMs: settings.request_timeout_seconds * 1000,
    maxRetries: settings.max_retries,
    digestDeadlineMs: settings.digest_deadline_seconds * 1000,
    ...rest,
    logger,
    baseUrl: settings.base_url,
    model: settings.model,
    apiKey: settings.enabled ? key : null,
    apiKeyEnv: settings.api_key_env,
    language: settings.language,
    maxWorkers: settings.max_workers,
    structuredPrompt: settings.prompt_file
      ? readPromptFile(resolve(cwd ?? process.cwd(), settings.prompt_file))
      : null,
  });
}
