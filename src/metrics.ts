import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestEvent } from './arxiv/client.ts';
import type { UsageEvent } from './summarize/usage.ts';

/**
 * The bot's Prometheus metrics, in one registry per process (served at /metrics). Modules take the
 * Metrics object and count; nothing here knows about HTTP.
 */
export interface Metrics {
  registry: Registry;
  digestsDelivered: Counter<'platform'>;
  papersDelivered: Counter<'platform'>;
  deliveryFailures: Counter<'platform'>;
  commands: Counter<'platform' | 'command' | 'outcome'>;
  commandSeconds: Histogram<'platform' | 'command'>;
  reactions: Counter<'platform' | 'outcome'>;
  /** Like and dislike reactions on paper messages, by FeedbackOutcome (src/bot/feedback.ts) or `failed`. */
  votes: Counter<'platform' | 'outcome'>;
  arxivRequests: Counter<'outcome'>;
  arxivRetries: Counter;
  llmRequests: Counter;
  llmCalls: Counter<'kind'>;
  llmTokens: Counter<'direction'>;
  summaryCacheHits: Counter;
  summaryFallbacks: Counter;
  lastDigestTimestamp: Gauge;
  /** Counts one arXiv HTTP attempt (a retry is an attempt after the first). */
  observeArxivRequest(event: RequestEvent): void;
  /** Counts one summarizer event. */
  observeSummaryUsage(event: UsageEvent): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // prom-client's default metrics are named process_* and nodejs_*; the prefix makes them
  // arxiv_digest_process_cpu_seconds_total and arxiv_digest_nodejs_eventloop_lag_seconds, "process" once.
  collectDefaultMetrics({ register: registry, prefix: 'arxiv_digest_' });
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name: `arxiv_digest_${name}`, help, labelNames, registers: [registry] });

  const metrics: Metrics = {
    registry,
    digestsDelivered: counter('digests_delivered_total', 'Digests completely delivered to a target', [
      'platform',
    ]),
    papersDelivered: counter('papers_delivered_total', 'Paper messages posted in digest threads', [
      'platform',
    ]),
    deliveryFailures: counter('delivery_failures_total', 'Digest deliveries that stopped on an error', [
      'platform',
    ]),
    commands: counter('commands_total', '/arxiv commands handled', ['platform', 'command', 'outcome']),
    commandSeconds: new Histogram({
      name: 'arxiv_digest_command_seconds',
      help: 'Time from receiving an /arxiv command to its last answer',
      labelNames: ['platform', 'command'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    reactions: counter('reactions_total', 'Summary-emoji reactions handled', ['platform', 'outcome']),
    votes: counter('votes_total', 'Like and dislike reactions on paper messages, by outcome', [
      'platform',
      'outcome',
    ]),
    arxivRequests: counter('arxiv_requests_total', 'HTTP requests sent to arXiv', ['outcome']),
    arxivRetries: counter('arxiv_retries_total', 'arXiv requests that were retries'),
    llmRequests: counter('llm_requests_total', 'HTTP requests sent to the model endpoint, retries included'),
    llmCalls: counter('llm_completions_total', 'Summaries written by the model', ['kind']),
    llmTokens: counter('llm_tokens_total', 'Model tokens, in (prompt) and out (completion)', ['direction']),
    summaryCacheHits: counter('summary_cache_hits_total', 'Summaries served from the cache'),
    summaryFallbacks: counter(
      'summary_fallbacks_total',
      'Extractive summaries given because no model answered',
    ),
    lastDigestTimestamp: new Gauge({
      name: 'arxiv_digest_last_digest_timestamp_seconds',
      help: 'When the last digest was completely delivered (Unix time)',
      registers: [registry],
    }),
    observeArxivRequest(event) {
      metrics.arxivRequests.inc({ outcome: event.status === undefined ? 'error' : String(event.status) });
      if (event.attempt > 1) metrics.arxivRetries.inc();
    },
    observeSummaryUsage(event) {
      switch (event.type) {
        case 'request':
          metrics.llmRequests.inc();
          break;
        case 'completion':
          metrics.llmCalls.inc({ kind: event.call.kind });
          metrics.llmTokens.inc({ direction: 'in' }, event.call.promptTokens);
          metrics.llmTokens.inc({ direction: 'out' }, event.call.completionTokens);
          break;
        case 'cache-hit':
          metrics.summaryCacheHits.inc();
          break;
        case 'fallback':
          metrics.summaryFallbacks.inc();
          break;
        case 'shared-flight':
          break;
      }
    },
  };
  return metrics;
}
