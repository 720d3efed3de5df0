import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { DELIVERY_SCHEMA, recentDeliveries } from '../../../src/store/repositories/deliveries.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { botTestConfig } from '../../support/bot-config.ts';

/*
 * Delivery logs of schema 1 (the digest inside the log, as written before the digest got its own key) are
 * still read after an upgrade: a delivery in flight at upgrade time resumes, and moves to schema 2 on its
 * first advance; a completed one still feeds the feeds and the archive.
 */

const listing = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));
const ANNOUNCED = '2026-02-04';
const KEY = `${TEST_CHANNEL}|${ANNOUNCED}`;

interface World {
  store: Store;
  engine: Engine;
  chat: MemoryAdapter;
  bot: Bot;
}

let arxiv: FakeArxiv;
const worlds: World[] = [];

async function world(): Promise<World> {
  const config = botTestConfig(arxiv);
  const store = await openStore('sqlite://:memory:');
  const engine = createEngine({ config, store, env: {} });
  const chat = new MemoryAdapter();
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
    seedTargets: [TEST_CHANNEL],
  });
  await bot.start();
  const made = { store, engine, chat, bot };
  worlds.push(made);
  return made;
}

/** A schema-1 log of this channel's digest, as the previous release wrote it (digest from a real run). */
async function legacyLog(completed: boolean): Promise<Record<string, unknown>> {
  const source = await world();
  const subscription = await source.bot.subscriptions.get(TEST_CHANNEL);
  if (!subscription) throw new Error('no seeded subscription');
  await source.bot.deliverScheduled([subscription]);
  const delivered = await source.bot.deliveries.get(TEST_CHANNEL, ANNOUNCED);
  if (!delivered) throw new Error('no delivery');
  const { record } = delivered;
  return {
    ...record,
    schemaVersion: 1,
    root: completed ? record.root : null,
    posted: completed ? record.posted : {},
    completedAt: completed ? record.completedAt : null,
  };
}

async function writeLegacy(into: World, log: Record<string, unknown>): Promise<void> {
  expect(await into.store.atomic('deliveries').add(KEY, log)).toBe(true);
  await into.store.namespace<string[]>('delivery-history').set(TEST_CHANNEL, [ANNOUNCED]);
}

beforeEach(async () => {
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
});

afterEach(async () => {
  for (const { bot, engine, store } of worlds.splice(0)) {
    await bot.stop();
    await engine.close();
    await store.close();
  }
  await arxiv.close();
});

describe('delivery logs of schema 1', () => {
  it('resumes a delivery in flight at upgrade time, posting its frozen digest once, and stores it as schema 2', async () => {
    const log = await legacyLog(false);
    const upgraded = await world();
    await writeLegacy(upgraded, log);
    const subscription = await upgraded.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');

    const [outcome] = await upgraded.bot.deliverScheduled([subscription]);

    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    const posts = upgraded.chat.postsTo(TEST_CHANNEL);
    expect(posts).toHaveLength(4);
    expect(new Set(posts.map((post) => post.idempotencyKey)).size).toBe(4);
    const stored = await upgraded.store.atomic('deliveries').getVersioned<Record<string, unknown>>(KEY);
    expect(stored?.value.schemaVersion).toBe(DELIVERY_SCHEMA);
    expect(stored?.value).not.toHaveProperty('digest');
    const read = await upgraded.bot.deliveries.get(TEST_CHANNEL, ANNOUNCED);
    expect(read?.record.digest).toEqual(log.digest);
    expect(read?.record.completedAt).not.toBeNull();
  });

  it('reads a completed one for the feeds, and does not deliver it again', async () => {
    const log = await legacyLog(true);
    const upgraded = await world();
    await writeLegacy(upgraded, log);

    const recent = await recentDeliveries(upgraded.bot.deliveries, TEST_CHANNEL, 30);
    expect(recent.map(({ record }) => record.digest)).toEqual([log.digest]);
    const subscription = await upgraded.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    const [outcome] = await upgraded.bot.deliverScheduled([subscription]);
    expect(outcome?.outcome).toMatchObject({ status: 'already-delivered' });
    expect(upgraded.chat.postsTo(TEST_CHANNEL)).toHaveLength(0);
  });
});
