/**
 * Faults a test injects into the REST API: the next N calls of a route fail with a status and a Discord
 * error code, answer 429 with a given retry_after, are slowed down, or lose their connection.
 */
export interface Fault {
  /** Only calls whose major parameter (channel, guild, interaction or webhook id) or path contains this. */
  match?: string;
  /** The HTTP status to answer. Default 500, or 429 when `retryAfter` is given. */
  status?: number;
  /** The Discord error code in the body (`{code, message}`); default 0. */
  code?: number;
  message?: string;
  /** For a 429: seconds to wait (body `retry_after`; `Retry-After` header rounded up). */
  retryAfter?: number;
  /** For a 429: a global rate limit (`X-RateLimit-Global`), else the route's bucket. */
  global?: boolean;
  /** For a 429: `X-RateLimit-Scope` (user, shared or global). Default user. */
  scope?: 'user' | 'shared' | 'global';
  /** Wait this long before answering (with the fault, or normally when it has no status). */
  latencyMs?: number;
  /** Drop the connection without an answer, like a network failure. */
  drop?: boolean;
  /** How many matching calls it applies to. Default 1. */
  times?: number;
  /** How many matching calls pass untouched first. Default 0. */
  skip?: number;
}

interface Armed extends Fault {
  route: string;
  remaining: number;
  skipLeft: number;
}

export class Faults {
  readonly #armed: Armed[] = [];

  /** `route` is a route name such as `'POST /channels/:channel/messages'`, or `'*'` for every route. */
  add(route: string, fault: Fault): void {
    this.#armed.push({ ...fault, route, remaining: fault.times ?? 1, skipLeft: fault.skip ?? 0 });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** The fault for this call, if one is armed; counts it. */
  take(route: string, major: string, path: string): Fault | null {
    const index = this.#armed.findIndex(
      (f) =>
        (f.route === route || f.route === '*') &&
        (f.match === undefined || major.includes(f.match) || path.includes(f.match)),
    );
    if (index === -1) return null;
    const fault = this.#armed[index] as Armed;
    if (fault.skipLeft > 0) {
      fault.skipLeft -= 1;
      return null;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#armed.splice(index, 1);
    return fault;
  }
}
