/**
 * The one place that configures Slack Web API clients, so every call goes to the same API URL, logs through
 * the same logger, and times out alike; what differs is how each use retries:
 * - `calls`: reads and conversations.open, and the client Bolt hands to listeners. Failed and rate-limited
 *   calls are retried per `retryConfig` (429s are waited out first).
 * - `posts`: chat.postMessage only. It never retries by itself and gets a 429 as an error, because a post
 *   whose answer was lost may still have been taken: posting.ts decides (see there).
 * - `start-up`: auth.test, asked once, so a bad token fails fast instead of being retried for minutes.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';
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

/** A Web API client with the bot token, configured for `use`. */
export function webClient(settings: SlackClientSettings, use: SlackClientUse): webApi.WebClient {
  return new webApi.WebClient(settings.botToken, webClientOptions(settings, use));
}
