import { readFileSync } from 'node:fs';
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Bot } from '../../../src/bot/bot.ts';
import { newSubscription } from '../../../src/bot/subscriptions.ts';
import type { TargetId } from '../../../src/chat/types.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { Digest } from '../../../src/digest/digest.ts';
import { digestToJson } from '../../../src/digest/render/json.ts';
import { createEngine } from '../../../src/engine.ts';
import { createHealthCheck } from '../../../src/http/health.ts';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../../../src/http/server.ts';
import { createLogger, type Logger } from '../../../src/log.ts';
import { createMetrics, type Metrics } from '../../../src/metrics.ts';
import { openStore } from '../../../src/store/index.ts';
import { DELIVERY_SCHEMA } from '../../../src/store/repositories/deliveries.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { botTestConfig } from '../../support/bot-config.ts';

export const PUBLIC_URL = 'https://digest.example.org';

export interface HttpWorld {
  arxiv: FakeArxiv;
  store: Store;
  config: Config;
  chat: MemoryAdapter;
  bot: Bot;
  metrics: Metrics;
  server: HttpServer;
  /** Every log line of the server, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The real pieces the composition root wires together: a SQLite store in `dir`, a Bot on the memory adapter
 * with a subscription for TEST_CHANNEL, its repositories and health, Prometheus metrics, and the HTTP server
 * on 127.0.0.1 with a free port. arXiv is the fake serving the project's small listing fixture.
 */
export async function startWorld(
  dir: string,
  server: Partial<HttpServerOptions> = {},
  /** Options that need the world's store, config or logger (the classic feeds' paper index, say). */
  more?: (parts: { store: Store; config: Config; logger: Logger }) => Partial<HttpServerOptions>,
): Promise<HttpWorld> {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml')));
  const config = botTestConfig(arxiv);
  const store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
  const logs: Array<Record<string, unknown>> = [];
  const logger = captureLogger(logs);
  const metrics = createMetrics();
  const chat = new MemoryAdapter();
  const bot = new Bot({
    config,
    engine: createEngine({ config, store, env: {} }),
    store,
    adapters: [chat],
    logger,
    metrics,
    publicUrl: PUBLIC_URL,
    seedTargets: [TEST_CHANNEL],
  });
  await bot.start();
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    publicUrl: PUBLIC_URL,
    logger,
    metrics,
    health: createHealthCheck({ bot, store }),
    feeds: bot.feeds,
    deliveries: bot.deliveries,
    subscriptions: bot.subscriptions,
    archiveCacheMs: 0,
    ...server,
    ...more?.({ store, config, logger }),
  });
  return {
    arxiv,
    store,
    config,
    chat,
    bot,
    metrics,
    server: http,
    logs,
    async close() {
      await http.close();
      await bot.stop();
      await store.close();
      await arxiv.close();
    },
  };
}

function captureLogger(logs: Array<Record<string, unknown>>): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  return createLogger({ level: 'debug', destination });
}

/** Stores a completed (or, with `completed: false`, unfinished) delivery of `digest` to `target`. */
export async function recordDelivery(
  world: HttpWorld,
  target: TargetId,
  digest: Digest,
  { completed = true }: { completed?: boolean } = {},
): Promise<void> {
  const announced = digest.announced ?? digest.generatedAt.slice(0, 10);
  const created = await world.bot.deliveries.create({
    schemaVersion: DELIVERY_SCHEMA,
    target,
    announced,
    digest: digestToJson({ ...digest, target, announced }),
    root: null,
    posted: {},
    startedAt: digest.generatedAt,
    completedAt: completed ? digest.generatedAt : null,
  });
  if (!created) throw new Error(`a delivery for ${target} on ${announced} already exists`);
}

/** Creates a channel (or user) subscription with the given keywords, listed on the archive page or not. */
export async function subscribe(
  world: HttpWorld,
  target: TargetId,
  { public: listed, kind = 'channel' }: { public: boolean; kind?: 'channel' | 'user' },
): Promise<void> {
  const subscription = newSubscription(
    world.config,
    target,
    kind,
    'config',
    new Date('2024-11-01T00:00:00Z'),
  );
  await world.bot.subscriptions.put({
    ...subscription,
    query: { terms: [{ text: 'LLM', exact: false }], exclude: [] },
    public: listed,
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** A connection of its own by default; pass a keep-alive agent to reuse one. */
  agent?: Agent;
}

/** One HTTP request over a real socket; rejects when the connection fails. */
export function request(url: string, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const outgoing = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
