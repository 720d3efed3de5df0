import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ArxivClient } from '../../../src/arxiv/client.ts';
import { RateGate } from '../../../src/arxiv/rate-gate.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { createEngine } from '../../../src/engine.ts';
import { ExternalError } from '../../../src/errors.ts';
import { ResponseTooLargeError } from '../../../src/http-body.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { ChatModel } from '../../../src/summarize/chat.ts';
import { fetchFullText } from '../../../src/summarize/index.ts';
import { type FakeArxiv, faults, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { makePaper } from './support.ts';

/*
 * Issue 11, item 3, for the summarizer: the model's answer (read by the `openai` package itself, through the
 * size-limited fetch it is given) and the full-text downloads (a paper's HTML and PDF, through the arXiv
 * client) stop at their limits. A too-large answer is not retried, the summary falls back as for any failed
 * model call, the full text falls back to the next source, and memory stays bounded.
 */

const MB = 1_000_000;

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function openai(): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer();
  closers.push(() => server.close());
  return server;
}

async function arxiv(): Promise<FakeArxiv> {
  const fake = await startFakeArxiv({ recordings: false });
  closers.push(() => fake.close());
  return fake;
}

function model(baseUrl: string, maxResponseBytes?: number): ChatModel {
  return new ChatModel({
    baseUrl,
    apiKey: 'sk-test',
    model: 'fake-model',
    apiKeyEnv: 'OPENAI_API_KEY',
    requestTimeoutMs: 10_000,
    maxRetries: 2,
    retryBaseMs: 5,
    maxRetryDelayMs: 20,
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
    logger: silentLogger,
  });
}

const ask = (chat: ChatModel) =>
  chat.complete({ system: 'Summarize.', user: 'A paper.', maxTokens: 50, onRequest: () => {} });

async function tooLarge(promise: Promise<unknown>): Promise<ResponseTooLargeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ResponseTooLargeError);
  expect(error).toBeInstanceOf(ExternalError);
  return error as ResponseTooLargeError;
}

describe("the model's answer", () => {
  it('streamed past the limit without a Content-Length: cut, named, not retried; the next one is read', async () => {
    const server = await openai();
    server.enqueue({ type: 'huge', bytes: 50 * MB });
    const chat = model(server.baseUrl, MB);
    const error = await tooLarge(ask(chat));
    expect(error).toMatchObject({
      code: 'LLM_HTTP',
      retryable: false,
      key: 'ai_summary.max_response_bytes',
      maxBytes: MB,
      declaredBytes: null,
    });
    expect(error.userMessage).toBe(
      "The summary model's answer was larger than 1 MB (ai_summary.max_response_bytes); the bot stopped reading it. Raise ai_summary.max_response_bytes if answers this large are expected, or check ai_summary.base_url.",
    );
    expect(server.requests).toHaveLength(1);
    const answer = await ask(chat);
    expect(answer.content).not.toBe('');
    expect(server.requests).toHaveLength(2);
    // The client hung up: the fake sent little more than the limit (socket buffers), far from 50 MB.
    expect(server.hugeSent[0]).toBeLessThan(20 * MB);
  });

  it('announced by a Content-Length above the limit: refused before reading', async () => {
    const server = await openai();
    server.enqueue({ type: 'huge', bytes: 1024 * MB, contentLength: true });
    const error = await tooLarge(ask(model(server.baseUrl, MB)));
    expect(error.declaredBytes).toBe(1024 * MB);
    expect(error.userMessage).toBe(
      "The summary model's answer was larger than 1 MB (ai_summary.max_response_bytes); it announced 1 GB, so the bot did not read it. Raise ai_summary.max_response_bytes if answers this large are expected, or check ai_summary.base_url.",
    );
    expect(server.requests).toHaveLength(1);
    expect(server.hugeSent[0]).toBeLessThan(20 * MB);
  });

  it('is held to 4 MB when no limit is given; an answer under the limit is read whole', async () => {
    const server = await openai();
    server.enqueue({ type: 'huge', bytes: 5 * MB }, { type: 'huge', bytes: 900_000, contentLength: true });
    const chat = model(server.baseUrl);
    expect((await tooLarge(ask(chat))).maxBytes).toBe(4 * MB);
    const answer = await ask(model(server.baseUrl, MB));
    expect(answer.content).toMatch(/^a{800000,}$/);
  });

  it('memory stays bounded: 200 MB streamed with a 10 MB limit', async () => {
    const server = await openai();
    server.enqueue({ type: 'huge', bytes: 200 * MB });
    const chat = model(server.baseUrl, 10 * MB);
    const { error, growth } = await measure(() => ask(chat));
    console.log(
      `model answer, 200 MB streamed, 10 MB limit: rss +${mb(growth.rss)} MB, arrayBuffers +${mb(growth.arrayBuffers)} MB (peaks)`,
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(growth.arrayBuffers).toBeLessThan(50 * MB);
    expect(growth.rss).toBeLessThan(100 * MB);
  });
});

describe('full-text downloads', () => {
  const paper = makePaper('2401.01234', { version: 2 });

  async function setup() {
    const fake = await arxiv();
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const client = new ArxivClient({
      rssUrl: fake.rssUrl,
      apiUrl: fake.apiUrl,
      minIntervalMs: 1,
      gate: new RateGate({ minIntervalMs: 1 }),
      timeoutMs: 10_000,
      maxRetries: 2,
      backoffBaseMs: 5,
      contact: 'https://example.org/limits',
      version: '0.0.0',
      maxHtmlBytes: MB,
      maxPdfBytes: 2 * MB,
    });
    const options = {
      download: client.download.bind(client),
      htmlBaseUrl: `${fake.url}/html`,
      pdfBaseUrl: `${fake.url}/pdf`,
      logger,
    };
    const paths = () => fake.requests.map((r) => r.path);
    return { fake, options, lines, paths };
  }

  it('an HTML page over arxiv.max_html_bytes is given up for the PDF, once, and said why', async () => {
    const { fake, options, lines, paths } = await setup();
    fake.fail(faults.huge(50 * MB, { on: 'html' }));
    const text = await fetchFullText(paper, options);
    expect(text.source).toBe('abstract');
    expect(paths()).toEqual(['/html/2401.01234v2', '/pdf/2401.01234v2']);
    expect(lines.join('')).toContain(
      "arXiv's HTML page of the paper was larger than 1 MB (arxiv.max_html_bytes)",
    );
  });

  it('a PDF over arxiv.max_pdf_bytes (announced or not) leaves the abstract, once', async () => {
    const { fake, options, lines, paths } = await setup();
    fake.fail(faults.huge(50 * MB, { on: 'pdf' }), faults.huge(500 * MB, { on: 'pdf', contentLength: true }));
    expect((await fetchFullText(paper, options)).source).toBe('abstract');
    expect((await fetchFullText(paper, options)).source).toBe('abstract');
    expect(paths().filter((path) => path.startsWith('/pdf/'))).toHaveLength(2);
    const log = lines.join('');
    expect(log).toContain(
      "arXiv's PDF of the paper was larger than 2 MB (arxiv.max_pdf_bytes); the bot stopped",
    );
    expect(log).toContain('it announced 500 MB, so the bot did not read it');
  });
});

describe('the configuration reaches the engine', () => {
  it("ai_summary.max_response_bytes bounds the summarizer's model, arxiv.max_html_bytes the downloads", async () => {
    const fake = await arxiv();
    const server = await openai();
    const store = await openStore('sqlite://:memory:');
    closers.push(() => store.close());
    const config = configSchema.parse({
      ai_summary: { base_url: server.baseUrl, max_response_bytes: 500_000, max_retries: 2 },
      arxiv: {
        rss_url: fake.rssUrl,
        api_url: fake.apiUrl,
        html_url: `${fake.url}/html`,
        pdf_url: `${fake.url}/pdf`,
        min_interval_ms: 0,
        max_html_bytes: 300_000,
      },
    });
    const engine = createEngine({ config, store, env: { OPENAI_API_KEY: 'sk-test' } });
    closers.push(() => engine.close());

    server.enqueue({ type: 'huge', bytes: 600_000 });
    const summary = await engine.summarizer.tldr(makePaper('2401.01234', { version: 2 }));
    // The model failed (too large, not retried): the TL;DR is cut from the abstract.
    expect(summary.source).toBe('extractive');
    expect(server.requests).toHaveLength(1);

    fake.fail(faults.huge(400_000, { on: 'html' }));
    const error = await tooLarge(engine.client.download(`${fake.url}/html/2401.01234v2`, { kind: 'html' }));
    expect(error).toMatchObject({ key: 'arxiv.max_html_bytes', maxBytes: 300_000 });
  });
});

/** Peak growth of rss and arrayBuffers while `work` runs (sampled every few ms) and right after it. */
async function measure(work: () => Promise<unknown>) {
  const before = process.memoryUsage();
  const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  let error: unknown = null;
  try {
    await work();
  } catch (caught) {
    error = caught;
  } finally {
    clearInterval(timer);
  }
  sample();
  return {
    error,
    growth: { rss: peak.rss - before.rss, arrayBuffers: peak.arrayBuffers - before.arrayBuffers },
  };
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
