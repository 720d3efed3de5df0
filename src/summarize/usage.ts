import type { SummaryKind } from './prompts.ts';

/** The tokens of one answered model call, from the API's `usage` (estimated where the endpoint gave none). */
export interface CallUsage {
  kind: SummaryKind;
  paperId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** HTTP requests it took, retries included. */
  requests: number;
  /** True when the endpoint sent no `usage` and the counts are estimates from the text. */
  estimated: boolean;
}

export interface UsageTotals {
  /** HTTP requests sent to the model endpoint, retries and failed ones included. */
  requests: number;
  /** Summaries the model wrote. */
  completions: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Summaries served from the persistent cache. */
  cacheHits: number;
  /** Requests that joined a summary already being made, instead of making their own. */
  sharedFlights: number;
  /** Extractive summaries given because no model answered. */
  fallbacks: number;
}

export function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    completions: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cacheHits: 0,
    sharedFlights: 0,
    fallbacks: 0,
  };
}

export type UsageEvent =
  | { type: 'request' }
  | { type: 'completion'; call: CallUsage }
  | { type: 'cache-hit' }
  | { type: 'shared-flight' }
  | { type: 'fallback' };

/** Adds one event to totals (in place). */
export function addEvent(totals: UsageTotals, event: UsageEvent): void {
  switch (event.type) {
    case 'request':
      totals.requests++;
      break;
    case 'completion':
      totals.completions++;
      totals.promptTokens += event.call.promptTokens;
      totals.completionTokens += event.call.completionTokens;
      totals.totalTokens += event.call.totalTokens;
      break;
    case 'cache-hit':
      totals.cacheHits++;
      break;
    case 'shared-flight':
      totals.sharedFlights++;
      break;
    case 'fallback':
      totals.fallbacks++;
      break;
  }
}

/** A long-running bot keeps the most recent calls only; the totals count all of them. */
const CALLS_KEPT = 1000;

/**
 * Counts what a summarizer spends, in total and per call, for the CLI's totals and the metrics endpoint.
 * `onEvent` listeners (a prom-client adapter, say) see every event as it happens.
 */
export class UsageMeter {
  readonly #totals = emptyTotals();
  readonly #calls: CallUsage[] = [];
  readonly #listeners: Array<(event: UsageEvent) => void> = [];

  record(event: UsageEvent): void {
    addEvent(this.#totals, event);
    if (event.type === 'completion') {
      this.#calls.push(event.call);
      if (this.#calls.length > CALLS_KEPT) this.#calls.shift();
    }
    for (const listener of this.#listeners) listener(event);
  }

  onEvent(listener: (event: UsageEvent) => void): void {
    this.#listeners.push(listener);
  }

  totals(): UsageTotals {
    return { ...this.#totals };
  }

  /** The answered calls so far (the last 1000), oldest first. */
  calls(): readonly CallUsage[] {
    return [...this.#calls];
  }
}
