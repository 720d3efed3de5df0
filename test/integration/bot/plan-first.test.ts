import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.ts';
import type { MessageRef, OutboundMessage, PostOptions, TargetId } from '../../../src/chat/types.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter } from '../../fakes/memory-adapter.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';

/*
 * A scheduled run ranks and summarizes every due digest, and writes each one's delivery log, before its
 * first post: posting to many channels then goes at the platforms' pace, not the model's. The model here
 * answers the first summary at once and the others after 400 ms, so one target is ready long before the
 * rest; the adapter notes, at each post, how many of the run's targets had their delivery log written.
 */

const listing = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));
/** One term each, so each target's digest needs the summary of a paper of its own. */
const TERMS: Record<TargetId, string> = {
  'test:c1': 'mixture of experts',
  'test:c2': 'distributed training',
  'test:c3': 'translation',
};
const TARGETS = Object.keys(TERMS) as TargetId[];

class WatchingAdapter extends MemoryAdapter {
  plannedAtPost: number[] = [];
  countPlanned: () => Promise<number> = async () => 0;

  override async post(
    target: TargetId,
    message: OutboundMessage,
    options?: PostOptions,
  ): Promise<MessageRef> {
    this.plannedAtPost.push(await this.countPlanned());
    return super.post(target, message, options);
  }
}

let arxiv: FakeArxiv;
let openai: FakeOpenAIServer;
let store: Store;
let engine: Engine;
let chat: WatchingAdapter;
let bot: Bot;

beforeEach(async () => {
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
  openai = await startFakeOpenAIServer();
  openai.enqueue({ type: 'summary' });
  openai.setDefault({ type: 'slow', delayMs: 400 });
  const { config, issues } = validateConfig({
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['mixture of experts', 'distributed training', 'translation'],
    ai_summary: {
      base_url: openai.baseUrl,
      model: 'test-model',
      api_key_env: 'OPENAI_API_KEY',
      max_papers_to_summarize: 3,
      max_retries: 0,
      request_timeout_seconds: 5,
    },
    arxiv: { rss_url: arxiv.rssUrl, api_url: arxiv.apiUrl, min_interval_ms: 0, max_retries: 0 },
  });
  if (!config) throw new Error(issues.join('; '));
  store = await openStore('sqlite://:memory:');
  engine = createEngine({ config, store, env: { OPENAI_API_KEY: 'sk-test' } });
  chat = new WatchingAdapter({ latencyMs: 5 });
  bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
    seedTargets: TARGETS,
  });
  await bot.start();
  chat.countPlanned = async () => {
    const logs = await Promise.all(TARGETS.map((target) => bot.deliveries.get(target, '2026-02-04')));
    return logs.filter((log) => log !== undefined).length;
  };
});

afterEach(async () => {
  await bot.stop();
  await engine.close();
  await store.close();
  await openai.close();
  await arxiv.close();
});

describe('a scheduled run plans every digest before it posts', () => {
  it('writes every target’s delivery log (ranked and summarized) before the first post', async () => {
    const subscriptions = await Promise.all(TARGETS.map((target) => bot.subscriptions.get(target)));
    const outcomes = await bot.deliverScheduled(
      subscriptions.flatMap((s) =>
        s ? [{ ...s, query: parseKeywordQuery(`"${TERMS[s.target] ?? ''}"`) }] : [],
      ),
    );

    expect(outcomes.map((o) => o.outcome?.status)).toEqual(TARGETS.map(() => 'delivered'));
    expect(openai.requests.length).toBeGreaterThan(0);
    // A root and a paper for each target, each post made once every log was there.
    expect(chat.plannedAtPost).toHaveLength(TARGETS.length * 2);
    expect(chat.plannedAtPost.every((count) => count === TARGETS.length)).toBe(true);
    for (const target of TARGETS) {
      const log = await bot.deliveries.get(target, '2026-02-04');
      expect(log?.record.completedAt).not.toBeNull();
      expect(log?.record.digest.papers.some((paper) => paper.summary)).toBe(true);
    }
  });
});
