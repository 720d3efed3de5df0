import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagePlainText } from '../../../adapters/shell/render.ts';
import { Bot } from '../../../src/bot/bot.ts';
import type { OutboundMessage } from '../../../src/chat/types.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, type MemoryAnswer, TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { botTestConfig } from '../../support/bot-config.ts';

/*
 * Overlapping deliveries to one channel in one process: ten people typing /arxiv digest at once, a second one
 * typed after some papers are out, one during the scheduled run. Every paper is posted exactly once, the
 * digest completes without being asked again, and each person is told what happened.
 */

const listing = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));
/** The listing fixture's digest for the seeded channel: a root and three papers. */
const POSTS = 4;

let arxiv: FakeArxiv;
let store: Store;
let engine: Engine;
let chat: MemoryAdapter;
let bot: Bot;

beforeEach(async () => {
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
  const config = botTestConfig(arxiv);
  store = await openStore('sqlite://:memory:');
  engine = createEngine({ config, store, env: {} });
  // Each post takes a while, as on a real platform, so that requests overlap the posting.
  chat = new MemoryAdapter({ latencyMs: 15 });
  bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
    seedTargets: [TEST_CHANNEL],
  });
  await bot.start();
});

afterEach(async () => {
  await bot.stop();
  await engine.close();
  await store.close();
  await arxiv.close();
});

const said = (answers: readonly MemoryAnswer[]) =>
  answers.map((answer) => messagePlainText(answer.message as OutboundMessage)).join('\n');

function expectOnceEach(): void {
  const posts = chat.postsTo(TEST_CHANNEL);
  expect(posts).toHaveLength(POSTS);
  const keys = posts.map((post) => post.idempotencyKey);
  expect(new Set(keys).size).toBe(POSTS);
  expect(posts.slice(1).every((post) => post.ref.threadId === posts[0]?.ref.id)).toBe(true);
}

async function completed(): Promise<boolean> {
  const delivery = await bot.deliveries.get(TEST_CHANNEL, '2026-02-04');
  return Boolean(delivery?.record.completedAt);
}

describe('overlapping digests to one channel in one process', () => {
  it('ten /arxiv digest at once post every paper once, and each of the ten is told the digest is there', async () => {
    const users = Array.from({ length: 10 }, (_, i) => `test:@u${i + 1}`);
    const answers = await Promise.all(users.map((user) => chat.command('digest', { user })));
    expectOnceEach();
    expect(await completed()).toBe(true);
    for (const given of answers) {
      expect(said(given)).toMatch(
        /Posted the digest of 2026-02-04 \(3 papers\)|already being posted here when you asked; it is complete now \(3 papers\)/,
      );
    }
    expect(answers.filter((given) => said(given).includes('Posted the digest'))).toHaveLength(1);
  });

  for (const after of [1, 2, 3]) {
    it(`a second /arxiv digest typed after ${after} post(s) joins the first: nothing twice, nothing missing`, async () => {
      const first = chat.command('digest', { user: 'test:@u1' });
      const deadline = Date.now() + 5000;
      while (chat.postsTo(TEST_CHANNEL).length < after && Date.now() < deadline) {
        await new Promise((wait) => setTimeout(wait, 2));
      }
      const second = await chat.command('digest', { user: 'test:@u2' });
      expect(said(await first)).toContain('Posted the digest of 2026-02-04 (3 papers)');
      expect(said(second)).toMatch(
        /already being posted here when you asked; it is complete now|already in this channel/,
      );
      expectOnceEach();
      expect(await completed()).toBe(true);
    });
  }

  it('/arxiv digest during the scheduled run joins it', async () => {
    const subscription = await bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    const scheduled = bot.deliverScheduled([subscription]);
    while (chat.postsTo(TEST_CHANNEL).length < 1) await new Promise((wait) => setTimeout(wait, 2));
    const typed = await chat.command('digest');
    const [outcome] = await scheduled;
    expect(outcome?.error).toBeNull();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered' });
    expect(said(typed)).toMatch(/already being posted here when you asked; it is complete now \(3 papers\)/);
    expectOnceEach();
  });
});
