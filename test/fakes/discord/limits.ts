/**
 * Discord's rate limits as the client sees them: a bucket per route and major parameter (channel, guild,
 * webhook, interaction) with a fixed window, announced on every answer by `X-RateLimit-Limit`,
 * `-Remaining`, `-Reset`, `-Reset-After` and `-Bucket`; beyond it a 429 with `Retry-After` (whole seconds,
 * rounded up, as Discord sends it), `X-RateLimit-Scope` and `{message, retry_after, global}`. A global limit
 * per bot token (50 requests a second by default) that interaction and webhook-token routes are exempt from.
 */
import { createHash } from 'node:crypto';

export interface Window {
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** `POST /channels/:channel/messages`, per channel. Default 5 per 5 s, as Discord's. */
  messagesPerChannel?: Window;
  /** The bot's own reactions (`PUT`/`DELETE …/reactions/:emoji/@me`), per channel. Default 1 per 250 ms. */
  reactions?: Window;
  /** Every other route, per major parameter. Default 50 per second. */
  defaultRoute?: Window;
  /** Per-route overrides, by route name (`'PATCH /channels/:channel/messages/:message'`). */
  routes?: Record<string, Window>;
  /** Requests a second across all routes; 0 turns the global limit off. Default 50. */
  globalPerSecond?: number;
}

export interface RateLimitHit {
  route: string;
  major: string;
  at: number;
  retryAfter: number;
  global: boolean;
  scope: 'user' | 'global' | 'shared';
  /** Made by a fault (`fail(..., {status: 429})`), not by going over a limit. */
  injected: boolean;
}

export interface Limited {
  status: 429;
  headers: Record<string, string>;
  body: { message: string; retry_after: number; global: boolean; code?: number };
}

export const MESSAGE_CREATE = 'POST /channels/:channel/messages';

export class RateLimits {
  readonly hits: RateLimitHit[] = [];
  readonly #options: Required<Omit<RateLimitOptions, 'routes'>> & { routes: Record<string, Window> };
  readonly #buckets = new Map<string, { remaining: number; resetAt: number }>();
  #global = { count: 0, resetAt: 0 };

  constructor(options: RateLimitOptions = {}) {
    this.#options = {
      messagesPerChannel: options.messagesPerChannel ?? { limit: 5, windowMs: 5000 },
      reactions: options.reactions ?? { limit: 1, windowMs: 250 },
      defaultRoute: options.defaultRoute ?? { limit: 50, windowMs: 1000 },
      routes: options.routes ?? {},
      globalPerSecond: options.globalPerSecond ?? 50,
    };
  }

  windowFor(route: string): Window {
    const override = this.#options.routes[route];
    if (override) return override;
    if (route === MESSAGE_CREATE) return this.#options.messagesPerChannel;
    if (route.includes('/reactions/')) return this.#options.reactions;
    return this.#options.defaultRoute;
  }

  /**
   * Counts one request. Returns the bucket headers to send with the answer, or a 429 to send instead.
   * `countsGlobally` is false for interaction callbacks and webhook-token routes.
   */
  take(
    route: string,
    major: string,
    countsGlobally: boolean,
    now = Date.now(),
  ): { headers: Record<string, string>; limited: Limited | null } {
    if (countsGlobally && this.#options.globalPerSecond > 0) {
      if (now >= this.#global.resetAt) this.#global = { count: 0, resetAt: now + 1000 };
      if (this.#global.count >= this.#options.globalPerSecond) {
        const retryAfter = (this.#global.resetAt - now) / 1000;
        this.hits.push({ route, major, at: now, retryAfter, global: true, scope: 'global', injected: false });
        return { headers: {}, limited: globalLimited(retryAfter) };
      }
      this.#global.count += 1;
    }
    const window = this.windowFor(route);
    const key = `${route}|${major}`;
    let bucket = this.#buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: window.limit, resetAt: now + window.windowMs };
      this.#buckets.set(key, bucket);
    }
    if (bucket.remaining <= 0) {
      const retryAfter = (bucket.resetAt - now) / 1000;
      this.hits.push({ route, major, at: now, retryAfter, global: false, scope: 'user', injected: false });
      return {
        headers: {},
        limited: routeLimited(route, window.limit, bucket.resetAt, retryAfter, 'user', now),
      };
    }
    bucket.remaining -= 1;
    return {
      headers: bucketHeaders(route, window.limit, bucket.remaining, bucket.resetAt, now),
      limited: null,
    };
  }

  /** A 429 a fault asked for: the route's bucket looks spent for `retryAfter` seconds. */
  injected(
    route: string,
    major: string,
    retryAfter: number,
    global: boolean,
    scope: 'user' | 'shared' | 'global',
    now = Date.now(),
  ): Limited {
    this.hits.push({
      route,
      major,
      at: now,
      retryAfter,
      global,
      scope: global ? 'global' : scope,
      injected: true,
    });
    if (global) return globalLimited(retryAfter);
    return routeLimited(route, this.windowFor(route).limit, now + retryAfter * 1000, retryAfter, scope, now);
  }
}

export function bucketHash(route: string): string {
  return createHash('sha1').update(route).digest('hex').slice(0, 32);
}

function bucketHeaders(
  route: string,
  limit: number,
  remaining: number,
  resetAt: number,
  now: number,
): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': (resetAt / 1000).toFixed(3),
    'X-RateLimit-Reset-After': ((resetAt - now) / 1000).toFixed(3),
    'X-RateLimit-Bucket': bucketHash(route),
  };
}

function routeLimited(
  route: string,
  limit: number,
  resetAt: number,
  retryAfter: number,
  scope: 'user' | 'shared' | 'global',
  now: number,
): Limited {
  return {
    status: 429,
    headers: {
      ...bucketHeaders(route, limit, 0, resetAt, now),
      'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
      'X-RateLimit-Scope': scope,
    },
    body: { message: 'You are being rate limited.', retry_after: round3(retryAfter), global: false },
  };
}

function globalLimited(retryAfter: number): Limited {
  return {
    status: 429,
    headers: {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
      'X-RateLimit-Global': 'true',
      'X-RateLimit-Scope': 'global',
    },
    body: { message: 'You are being rate limited.', retry_after: round3(retryAfter), global: true },
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
