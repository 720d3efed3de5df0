import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { createEmbedder, Embedder, type EmbedderOptions } from '../../../src/rank/embeddings.ts';
import { dot, type Vector } from '../../../src/rank/vectors.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { makePaper } from '../../support/papers.ts';

let server: FakeOpenAIServer;
let directory: string;
const stores: Store[] = [];

beforeEach(async () => {
  server = await startFakeOpenAIServer({ apiKey: 'sk-test' });
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-embeddings-'));
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

async function store(): Promise<Store> {
  const opened = await openStore(`sqlite://${join(directory, 'store.sqlite')}`);
  stores.push(opened);
  return opened;
}

async function embedder(overrides: Partial<EmbedderOptions> = {}): Promise<Embedder> {
  return new Embedder({
    model: 'text-embedding-3-small',
    baseUrl: server.baseUrl,
    apiKey: 'sk-test',
    apiKeyEnv: 'OPENAI_API_KEY',
    cache: (await store()).namespace('embeddings'),
    requestTimeoutMs: 5000,
    maxRetries: 0,
    batchSize: 96,
    maxResponseBytes: 20_000_000,
    ...overrides,
  });
}

const TOPICS = [
  'graph neural networks message passing molecules',
  'dark matter halos galaxy simulations cosmology',
  'quantum error correction surface codes qubits',
];
const papers: Paper[] = Array.from({ length: 30 }, (_, i) =>
  makePaper(`2401.${String(i).padStart(5, '0')}`, {
    title: `Study ${i} of ${TOPICS[i % 3]?.split(' ').slice(0, 3).join(' ')}`,
    abstract: `We study ${TOPICS[i % 3]} with method number ${i}.`,
  }),
);
const vectorOf = (vectors: Map<string, Vector>, id: string) =>
  vectors.get(id) ?? expect.fail(`no vector for ${id}`);

describe('the fake embeddings endpoint, through the openai package', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: server.baseUrl, maxRetries: 0 });

  it("answers OpenAI's shape with float vectors, for one string or a list", async () => {
    const one = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: 'graph neural networks',
      encoding_format: 'float',
    });
    expect(one).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      data: [{ object: 'embedding', index: 0, embedding: expect.any(Array) }],
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
    expect(one.data[0]?.embedding).toHaveLength(256);
    const many = await client().embeddings.create({
      model: 'm',
      input: ['graph neural networks', 'neural networks on graphs', 'galaxy halos'],
      encoding_format: 'float',
      dimensions: 64,
    });
    const [a, b, c] = many.data.map((item) => Float32Array.from(item.embedding));
    expect(many.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(a).toHaveLength(64);
    expect(dot(a as Vector, a as Vector)).toBeCloseTo(1, 5);
    // Two words of three shared, against none.
    expect(dot(a as Vector, b as Vector)).toBeGreaterThan(0.5);
    expect(dot(a as Vector, b as Vector)).toBeGreaterThan(Math.abs(dot(a as Vector, c as Vector)) + 0.3);
    expect(server.embeddingRequests.map((request) => request.encodingFormat)).toEqual(['float', 'float']);
  });

  it('answers base64, which the package asks for by default and decodes to the same numbers', async () => {
    const floats = await client().embeddings.create({
      model: 'm',
      input: 'qubits',
      encoding_format: 'float',
    });
    const byDefault = await client().embeddings.create({ model: 'm', input: 'qubits' });
    expect(server.embeddingRequests[1]?.encodingFormat).toBe('base64');
    expect(Array.from(byDefault.data[0]?.embedding ?? [])).toEqual(
      Array.from(Float32Array.from(floats.data[0]?.embedding ?? [])),
    );
  });

  it('refuses what the real API refuses, with 400s', async () => {
    const limited = await startFakeOpenAIServer({
      embeddingLimits: { maxInputs: 2, maxInputTokens: 10, maxRequestTokens: 15 },
    });
    try {
      const small = new OpenAI({ apiKey: 'k', baseURL: limited.baseUrl, maxRetries: 0 });
      const create = (input: string | string[]) => small.embeddings.create({ model: 'm', input });
      await expect(create(['a', 'b', 'c'])).rejects.toMatchObject({ status: 400 });
      await expect(create([''])).rejects.toMatchObject({ status: 400 });
      await expect(create('x'.repeat(44))).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('maximum context length is 10 tokens'),
      });
      await expect(create(['x'.repeat(40), 'y'.repeat(40)])).rejects.toMatchObject({
        status: 400,
        code: 'max_tokens_per_request',
      });
      await expect(create(['x'.repeat(40), 'y'.repeat(20)])).resolves.toMatchObject({ object: 'list' });
      expect(limited.embeddingRequests.map((request) => request.status)).toEqual([400, 400, 400, 400, 200]);
    } finally {
      await limited.close();
    }
  });

  it('asks for the key', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: server.baseUrl, maxRetries: 0 });
    await expect(wrong.embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401 });
  });
});

describe('Embedder', () => {
  it('embeds in batches and gives model vectors that relate papers of one topic', async () => {
    const embedding = await embedder({ batchSize: 8 });
    const set = await embedding.embed(papers);
    expect(set).toMatchObject({ source: 'model', model: 'text-embedding-3-small', dimensions: 256 });
    expect(set.vectors.size).toBe(30);
    expect(server.embeddingRequests.map((request) => request.inputs.length)).toEqual([8, 8, 8, 6]);
    expect(server.embeddingRequests[0]?.inputs[0]).toBe(`${papers[0]?.title}\n\n${papers[0]?.abstract}`);
    const v = (i: number) => vectorOf(set.vectors, papers[i]?.id ?? '');
    expect(dot(v(0), v(3))).toBeGreaterThan(dot(v(0), v(1)) + 0.3);
    expect(embedding.usage).toMatchObject({ requests: 4, inputs: 30, cached: 0 });
    expect(embedding.usage.tokens).toBe(server.embeddingRequests.reduce((sum, r) => sum + r.promptTokens, 0));
  });

  it('also cuts batches by estimated tokens', async () => {
    const embedding = await embedder({ maxBatchTokens: 60 });
    await embedding.embed(papers.slice(0, 6));
    expect(server.embeddingRequests.length).toBeGreaterThan(1);
    for (const request of server.embeddingRequests) expect(request.promptTokens).toBeLessThanOrEqual(60);
  });

  it('embeds a paper version once: the second call, and a new store handle on the same file, ask nothing', async () => {
    const first = await embedder();
    const made = await first.embed(papers);
    const calls = server.embeddingRequests.length;
    expect(calls).toBe(1);

    const again = await first.embed(papers);
    expect(server.embeddingRequests).toHaveLength(calls);
    expect(first.usage.cached).toBe(30);

    for (const opened of stores.splice(0)) await opened.close();
    const restarted = await embedder();
    const reread = await restarted.embed(papers);
    expect(server.embeddingRequests).toHaveLength(calls);
    expect(restarted.usage).toMatchObject({ requests: 0, cached: 30 });
    for (const set of [again, reread]) {
      expect(set.source).toBe('model');
      for (const paper of papers) expect(set.vectors.get(paper.id)).toEqual(made.vectors.get(paper.id));
    }

    // A new version is a new text: only it is embedded.
    const revised = { ...(papers[0] as Paper), version: 2, abstract: 'A revised abstract about qubits.' };
    await restarted.embed([revised, ...papers.slice(1)]);
    expect(server.embeddingRequests.at(-1)?.inputs).toEqual([`${revised.title}\n\n${revised.abstract}`]);
  });

  it('goes on with model vectors when the store fails, embedding again', async () => {
    const broken = new Keyv();
    broken.getMany = async () => {
      throw new Error('store down');
    };
    broken.setMany = async () => {
      throw new Error('store down');
    };
    const embedding = await embedder({ cache: broken });
    expect((await embedding.embed(papers)).source).toBe('model');
    expect((await embedding.embed(papers)).source).toBe('model');
    expect(server.embeddingRequests).toHaveLength(2);
  });

  it('falls back to local vectors, marked, without a key', async () => {
    const set = await (await embedder({ apiKey: null })).embed(papers);
    expect(set).toMatchObject({
      source: 'local',
      model: null,
      fallbackReason: 'no API key in OPENAI_API_KEY',
    });
    expect(set.vectors.size).toBe(30);
    expect(server.embeddingRequests).toHaveLength(0);
  });

  it('falls back to local vectors, marked, when the endpoint fails, and keeps what it made before', async () => {
    const embedding = await embedder({ batchSize: 10 });
    server.enqueueEmbeddings({ type: 'summary' }, { type: 'server-error', status: 503 });
    const set = await embedding.embed(papers);
    expect(set.source).toBe('local');
    expect(set.fallbackReason).toMatch(/503/);
    // All of one kind: no model vector mixed into the local space.
    for (const vector of set.vectors.values()) expect(vector).not.toBeInstanceOf(Float32Array);

    const recovered = await embedding.embed(papers);
    expect(recovered.source).toBe('model');
    expect(server.embeddingRequests.slice(2).map((request) => request.inputs.length)).toEqual([10, 10]);
  });

  it("honours the endpoint's input limits by its batch settings", async () => {
    const limited = await startFakeOpenAIServer({ embeddingLimits: { maxInputs: 10 } });
    try {
      const tooBig = await embedder({ baseUrl: limited.baseUrl, batchSize: 96 });
      expect((await tooBig.embed(papers)).source).toBe('local');
      expect(limited.embeddingRequests.map((request) => request.status)).toEqual([400]);
      const fitting = await embedder({ baseUrl: limited.baseUrl, batchSize: 10 });
      expect((await fitting.embed(papers)).source).toBe('model');
      expect(limited.embeddingRequests.map((request) => request.status)).toEqual([400, 200, 200, 200]);
    } finally {
      await limited.close();
    }
  });

  it('stops reading an answer over ranking.max_response_bytes and falls back', async () => {
    server.enqueueEmbeddings({ type: 'huge', bytes: 50_000_000 });
    const set = await (await embedder({ maxResponseBytes: 100_000 })).embed(papers);
    expect(set.source).toBe('local');
    expect(set.fallbackReason).toContain('ranking.max_response_bytes');
    expect(server.hugeSent[0]).toBeLessThan(10_000_000);
  });

  it('is made from the config: ranking keys, else ai_summary ones', async () => {
    const config = configSchema.parse({
      ai_summary: { base_url: server.baseUrl },
      ranking: { batch_size: 7 },
    });
    const opened = await store();
    const fromConfig = createEmbedder(config, { store: opened, env: { OPENAI_API_KEY: 'sk-test' } });
    expect((await fromConfig.embed(papers)).source).toBe('model');
    expect(server.embeddingRequests[0]?.inputs).toHaveLength(7);
    expect(server.embeddingRequests[0]?.model).toBe('text-embedding-3-small');
    const own = configSchema.parse({
      ranking: { base_url: server.baseUrl, api_key_env: 'EMBED_KEY', embedding_model: 'e5' },
    });
    const second = createEmbedder(own, { store: opened, env: { EMBED_KEY: 'sk-test' } });
    await second.embed(papers.slice(0, 1));
    expect(server.embeddingRequests.at(-1)?.model).toBe('e5');
    expect((await createEmbedder(own, { store: opened, env: {} }).embed(papers)).source).toBe('local');
  });
});
