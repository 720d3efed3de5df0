/*
 * When to try a request again, and how long to wait first. Network errors, timeouts, 429 and 5xx are
 * retried with exponential backoff and jitter; a Retry-After header (seconds or an HTTP date) replaces the
 * backoff. Every wait is capped so a confused server cannot park the bot for hours.
 */

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Milliseconds to wait from a Retry-After value (delay-seconds or HTTP-date), or null when unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would take "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** A number in [0, 1); Math.random by default. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): base * 2^(attempt-1), of which the upper
 * half is random ("equal jitter") so that clients that failed together do not retry together; capped.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const exponential = Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
