/**
 * The one place that configures Slack Web API clients, so every call goes to the same API URL, logs through
 * the same logger, and times out alike; what differs is how each use retries:
 * - `calls`: reads and conversations.open. Failed calls are retried per `retryConfig`; a call Slack refuses
 *   for its rate, in either form (HTTP 429, or HTTP 200 with `{ok: false, error: "ratelimited"}`), is waited
 *   out (its Retry-After, else a backoff per `retryConfig`) and made again, without counting as a failure.
 * - `posts`: chat.postMessage only. It never retries by itself and gets either form of rate limit as an
 *   error, because a post whose answer was lost may still have been taken: posting.ts decides (see there).
 * - `start-up`: auth.test, asked once, so a bad token fails fast instead of being retried for minutes; a
 *   rate limit is waited out, for a minute at most.
 * Bolt's own client (`webClientOptions(…, 'calls')`) is what Bolt hands listeners; the adapter does not use it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';
import { type RateLimit, rateLimitOf } from './errors.ts';
import { boltLogger } from './logger.ts';

export interface SlackClientSettings {
  /** The bot token (`xoxb-…`). */
  botToken: string;
  /** The Web API base URL, e.g. `https://slack.com/api/` or a test server. */
  apiUrl: string;
  logger: Logger;
  retryConfig: webApi.RetryOptions;
  /** Timeout of one Web API request. */
  requestTimeoutMs: number;
}

export type SlackClientUse = 'calls' | 'posts' | 'start-up';

export function webClientOptions(
  settings: SlackClientSettings,
  use: SlackClientUse,
): webApi.WebClientOptions {
  const common: webApi.WebClientOptions = {
    slackApiUrl: settings.apiUrl,
    logger: boltLogger(settings.logger),
    timeout: settings.requestTimeoutMs,
  };
  switch (use) {
    case 'calls':
      return { ...common, retryConfig: settings.retryConfig };
    case 'posts':
      return { ...common, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
    case 'start-up':
      return { ...common, retryConfig: { retries: 0 } };
  }
}

/** How long one call waits out Slack's rate limits in all before it fails: a read, a post. */
export const RATE_LIMIT_PATIENCE_MS = 15 * 60_000;
/** The same at start-up (auth.test), which should not hang for long. */
const START_UP_PATIENCE_MS = 60_000;

/** The wait after a rate limit: Slack's Retry-After, else the `refusals`-th backoff of `retryConfig`. */
export function rateLimitWaitMs(
  limit: RateLimit,
  refusals: number,
  retryConfig: webApi.RetryOptions,
): number {
  if (limit.retryAfterSeconds !== null) return limit.retryAfterSeconds * 1000;
  const { minTimeout = 1000, factor = 2, maxTimeout = 30_000 } = retryConfig;
  return Math.min(maxTimeout, minTimeout * factor ** refusals);
}

/**
 * A WebClient that waits out Slack's rate limits in either form, however often they come, for up to
 * `patienceMs` in all; every Web API method goes through `apiCall`. A refused call did not take effect, so
 * making it again changes nothing twice.
 */
class PatientWebClient extends webApi.WebClient {
  readonly #logger: Logger;
  readonly #retryConfig: webApi.RetryOptions;
  readonly #patienceMs: number;

  constructor(settings: SlackClientSettings, options: webApi.WebClientOptions, patienceMs: number) {
    super(settings.botToken, { ...options, rejectRateLimitedCalls: true });
    this.#logger = settings.logger;
    this.#retryConfig = settings.retryConfig;
    this.#patienceMs = patienceMs;
  }

  override async apiCall(
    method: string,
    options?: Record<string, unknown>,
  ): Promise<webApi.WebAPICallResult> {
    const begun = Date.now();
    for (let refusals = 0; ; refusals++) {
      try {
        return await super.apiCall(method, options);
      } catch (error) {
        const limit = rateLimitOf(error);
        if (limit === null) throw error;
        const waitMs = rateLimitWaitMs(limit, refusals, this.#retryConfig);
        if (Date.now() - begun + waitMs > this.#patienceMs) throw error;
        this.#logger.info(
          { method, retryAfter: limit.retryAfterSeconds, waitMs },
          'Slack rate-limited a call; waiting',
        );
        await sleep(waitMs);
      }
    }
  }
}

/** A Web API client with the bot token, configured for `use`. */
export function webClient(settings: SlackClientSettings, use: SlackClientUse): webApi.WebClient {
  const options = webClientOptions(settings, use);
  switch (use) {
    case 'calls':
      return new PatientWebClient(settings, options, RATE_LIMIT_PATIENCE_MS);
    case 'start-up':
      return new PatientWebClient(settings, options, START_UP_PATIENCE_MS);
    case 'posts':
      return new webApi.WebClient(settings.botToken, options);
  }
}
