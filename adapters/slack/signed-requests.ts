/**
 * HTTP mode's checks on a signed request, before Bolt sees it. Bolt verifies the signature and refuses a
 * timestamp more than five minutes old, but takes one from the future (signed for next year, a request stays
 * good for a year) and takes the same signed request as often as it comes within its window. Here:
 *
 * - the timestamp must be within five minutes of now, either way;
 * - the signature must verify (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret);
 * - a signature is taken once: it is remembered (in the store when the adapter has one, so replicas share
 *   it; else in this process, a bounded memory) for as long as its timestamp is acceptable, and the same
 *   signature again is a replay, refused with 401.
 *
 * Slack sends each retry of an event as a new request (a new timestamp, so a new signature): a retry is not a
 * replay. Slack's `ssl_check`, which is not signed, is left to Bolt (which drops anything else in its body).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How far a request's timestamp may be from now, either way. */
export const MAX_CLOCK_SKEW_S = 5 * 60;
/** How much longer than its window a signature is remembered, for replicas whose clocks differ a little. */
const REMEMBER_MARGIN_MS = 60_000;

/** Remembers request ids for a time: true the first time within it (take the request), false for a replay. */
export interface ReplayGuard {
  firstSeen(id: string, ttlMs: number): Promise<boolean>;
}

export type SignedRequestCheck =
  /** Signed, in time, and verified: take it once, remembering `id` for `rememberMs`. */
  | { kind: 'signed'; id: string; rememberMs: number }
  /** Slack's unsigned `ssl_check`: Bolt answers it. */
  | { kind: 'ssl-check' }
  | { kind: 'refused'; reason: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isSslCheck(headers: IncomingHttpHeaders, body: Buffer): boolean {
  const type = header(headers, 'content-type') ?? '';
  return (
    type.split(';')[0]?.trim() === 'application/x-www-form-urlencoded' &&
    new URLSearchParams(body.toString('utf8')).get('ssl_check') === '1'
  );
}

/** The checks above, on a request's headers and raw body, at `nowMs`. */
export function checkSignedRequest(
  headers: IncomingHttpHeaders,
  body: Buffer,
  signingSecret: string,
  nowMs: number,
): SignedRequestCheck {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (signature === undefined || timestamp === undefined) {
    return isSslCheck(headers, body)
      ? { kind: 'ssl-check' }
      : { kind: 'refused', reason: 'no signature or timestamp' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { kind: 'refused', reason: 'a malformed timestamp' };
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > MAX_CLOCK_SKEW_S) {
    return {
      kind: 'refused',
      reason: `a timestamp ${seconds * 1000 > nowMs ? 'ahead of' : 'behind'} the clock by more than five minutes`,
    };
  }
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex');
  const given = /^v0=([0-9a-f]{64})$/.exec(signature)?.[1];
  if (given === undefined || !timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))) {
    return { kind: 'refused', reason: 'a signature that does not verify' };
  }
  return {
    kind: 'signed',
    id: `slack|${given}`,
    rememberMs: (seconds + MAX_CLOCK_SKEW_S) * 1000 - nowMs + REMEMBER_MARGIN_MS,
  };
}

/**
 * A ReplayGuard in this process, for an adapter without a store: at most `limit` ids, the oldest forgotten
 * first when it is full (so a flood of more than `limit` requests in ten minutes could make an old one
 * acceptable again: give the adapter the store to be rid of that).
 */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #limit: number;
  /** Each id and until when it is kept, oldest first (ids are kept for one to eleven minutes). */
  readonly #until = new Map<string, number>();

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  async firstSeen(id: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [known, until] of this.#until) {
      if (until > now && this.#until.size < this.#limit) break;
      this.#until.delete(known);
    }
    if ((this.#until.get(id) ?? 0) > now) return false;
    this.#until.delete(id);
    this.#until.set(id, now + ttlMs);
    return true;
  }
}
