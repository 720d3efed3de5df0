import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagePlainText } from '../../../adapters/shell/render.ts';
import { Bot } from '../../../src/bot/bot.ts';
import { UnreachableRecipientError } from '../../../src/chat/errors.ts';
import type { Config } from '../../../src/config/schema.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../../fakes/memory-adapter.ts';
import { botTestConfig } from '../../support/bot-config.ts';

const listing = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));

interface World {
  arxiv: FakeArxiv;
  store: Store;
  engine: Engine;
  chat: MemoryAdapter;
  bot: Bot;
  config: Config;
  dir: string;
}

async function makeWorld(dir: string, arxiv: FakeArxiv, chat: MemoryAdapter): Promise<World> {
  const config = botTestConfig(arxiv);
  const store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
  const engine = createEngine({ config, store, env: {} });
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
  return { arxiv, store, engine, chat, bot, config, dir };
}

let world: World;

beforeEach(async () => {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
  world = await makeWorld(mkdtempSync(join(tmpdir(), 'arxiv-digest-bot-')), arxiv, new MemoryAdapter());
});

afterEach(async () => {
  await world.bot.stop();
  await world.store.close();
  await world.arxiv.close();
});

const text = (message: { blocks: unknown[]; text: string }) => messagePlainText(message as never);

describe('the bot on the memory adapter', () => {
  it('posts a digest as a root message with one thread reply per paper, once', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    expect(subscription?.query?.terms.map((t) => t.text)).toEqual([
      'mixture of experts',
      'distributed training',
      'translation',
    ]);
    const [first] = await world.bot.deliverScheduled(subscription ? [subscription] : []);
    expect(first?.outcome).toMatchObject({ status: 'delivered', announced: '2026-02-04', papers: 3 });
    const posts = world.chat.postsTo(TEST_CHANNEL);
    const root = posts[0];
    expect(root && text(root.message)).toContain('arXiv digest · 2026-02-04');
    expect(posts.slice(1).every((post) => post.ref.threadId === root?.ref.id)).toBe(true);
    expect(posts.slice(1).map((post) => text(post.message))).toEqual([
      expect.stringContaining('Tokenizer-Free Translation'),
      expect.stringContaining('Distributed Training Without Parameter Servers'),
      expect.stringContaining('Sparse Mixture-of-Experts Routing'),
    ]);

    const again = await world.bot.deliverScheduled(subscription ? [subscription] : []);
    expect(again[0]?.outcome).toMatchObject({ status: 'already-delivered' });
    expect(world.chat.postsTo(TEST_CHANNEL)).toHaveLength(4);
    // One combined listing request served both runs (the second reused it).
    expect(world.arxiv.requests.filter((r) => r.path.startsWith('/rss/'))).toHaveLength(1);
  });

  it('retries a delivery whose first post failed, posting everything once', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    // The third post reaches the platform but its answer is lost, as in a crash right after posting.
    world.chat.failNextPost(TEST_CHANNEL, {});
    const failed = await world.bot.deliverScheduled([subscription]);
    expect(failed[0]?.error).toBeTruthy();
    expect(world.chat.postsTo(TEST_CHANNEL)).toHaveLength(0);

    const resumed = await world.bot.deliverScheduled([subscription]);
    expect(resumed[0]?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expect(world.chat.postsTo(TEST_CHANNEL)).toHaveLength(4);
  });

  it('finds a post whose answer was lost instead of posting it twice', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    world.chat.failNextPost(TEST_CHANNEL, { delivered: true });
    const failed = await world.bot.deliverScheduled([subscription]);
    expect(failed[0]?.error).toBeTruthy();
    expect(world.chat.postsTo(TEST_CHANNEL)).toHaveLength(1);

    await world.bot.deliverScheduled([subscription]);
    const posts = world.chat.postsTo(TEST_CHANNEL);
    expect(posts).toHaveLength(4);
    expect(new Set(posts.map((post) => post.idempotencyKey)).size).toBe(4);
  });

  it('stops a user digest the platform refuses to DM, tells the user once at their next command, then tries again', async () => {
    await world.chat.command('me subscribe translation');
    const mine = await world.bot.subscriptions.get(TEST_USER);
    if (!mine) throw new Error('no user subscription');
    world.chat.failNextPost(TEST_USER, { error: new UnreachableRecipientError('test: DMs closed') });
    const refused = await world.bot.deliverScheduled([mine]);
    // Not a failure to retry: the user must change a setting first.
    expect(refused[0]?.error).toBeNull();
    expect((await world.bot.subscriptions.get(TEST_USER))?.unreachable?.reason).toMatch(/direct messages/);
    const marked = await world.bot.subscriptions.get(TEST_USER);
    expect(await world.bot.deliverScheduled(marked ? [marked] : [])).toEqual([]);
    expect(world.chat.postsTo(TEST_USER)).toHaveLength(0);

    const told = await world.chat.command('help');
    expect(told.map((answer) => answer.visibility)).toEqual(['private', 'private']);
    expect(text(told[1]?.message ?? { blocks: [], text: '' })).toMatch(/could not send you your digest/);
    expect((await world.chat.command('help')).map((answer) => answer.visibility)).toEqual(['private']);

    const cleared = await world.bot.subscriptions.get(TEST_USER);
    const delivered = await world.bot.deliverScheduled(cleared ? [cleared] : []);
    expect(delivered[0]?.outcome).toMatchObject({ status: 'delivered' });
    expect(world.chat.postsTo(TEST_USER).length).toBeGreaterThan(0);
  });

  it('answers subscribe in the channel, list privately, and keeps the change after a restart', async () => {
    const answers = await world.chat.command('subscribe "scaling laws", -quantum');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.visibility).toBe('channel');
    expect(text(answers[0]?.message ?? { blocks: [], text: '' })).toContain('"scaling laws"');

    const list = await world.chat.command('list');
    expect(list[0]?.visibility).toBe('private');
    expect(text(list[0]?.message ?? { blocks: [], text: '' })).toContain('-quantum');
    const shared = await world.chat.command('list --share');
    expect(shared[0]?.visibility).toBe('channel');

    await world.bot.stop();
    await world.store.close();
    world = await makeWorld(world.dir, world.arxiv, world.chat);
    const after = await world.bot.subscriptions.get(TEST_CHANNEL);
    expect(after?.query?.exclude.map((t) => t.text)).toEqual(['quantum']);
  });

  it('refuses channel changes to a user who may not manage the channel, but not their own', async () => {
    world.chat.setPermission('test:@guest', TEST_CHANNEL, false);
    const denied = await world.chat.command('categories cs.AI', { user: 'test:@guest' });
    expect(denied[0]?.visibility).toBe('private');
    expect(text(denied[0]?.message ?? { blocks: [], text: '' })).toMatch(
      /Only people who can manage this channel/,
    );
    expect((await world.bot.subscriptions.get(TEST_CHANNEL))?.categories).toEqual(['cs.CL', 'cs.LG']);

    const own = await world.chat.command('me subscribe LLM', { user: 'test:@guest' });
    expect(own[0]?.visibility).toBe('private');
    expect((await world.bot.subscriptions.get('test:@guest'))?.query?.terms.map((t) => t.text)).toEqual([
      'LLM',
    ]);
  });

  it('delivers a user subscription by direct message', async () => {
    await world.chat.command('me subscribe translation');
    const mine = await world.bot.subscriptions.get(TEST_USER);
    if (!mine) throw new Error('no user subscription');
    await world.bot.deliverScheduled([mine]);
    const dms = world.chat.postsTo(TEST_USER);
    expect(dms.length).toBe(2);
    expect(dms.every((post) => post.direct)).toBe(true);
  });

  it('posts a summary in the thread on a memo reaction, once, and ignores other emoji', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    await world.bot.deliverScheduled(subscription ? [subscription] : []);
    const paperPost = world.chat.postsTo(TEST_CHANNEL)[1];
    if (!paperPost) throw new Error('no paper posted');

    await world.chat.react(paperPost.ref, { emoji: 'thumbsup' });
    await world.chat.react(paperPost.ref, { emoji: 'memo' });
    await world.chat.react(paperPost.ref, { emoji: '📝', user: 'test:@other' });
    const summaries = world.chat.posts.filter((post) => text(post.message).includes('Extractive summary'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.ref.threadId).toBe(paperPost.ref.threadId);
    expect(text(summaries[0]?.message ?? { blocks: [], text: '' })).toContain('Tokenizer-Free Translation');
  });

  it('posts BibTeX in the thread on a books reaction, once however many react, apart from the summary', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    await world.bot.deliverScheduled(subscription ? [subscription] : []);
    const paperPost = world.chat.postsTo(TEST_CHANNEL)[1];
    if (!paperPost) throw new Error('no paper posted');

    await world.chat.react(paperPost.ref, { emoji: 'books' });
    await world.chat.react(paperPost.ref, { emoji: '📚', user: 'test:@other' });
    await world.chat.react(paperPost.ref, { emoji: 'books', user: 'test:@third' });
    const citations = world.chat.posts.filter((post) => post.message.text.startsWith('BibTeX of '));
    expect(citations).toHaveLength(1);
    expect(citations[0]?.ref.threadId).toBe(paperPost.ref.threadId);
    const code = citations[0]?.message.blocks.find((block) => block.kind === 'markdown');
    expect(code?.kind === 'markdown' && code.text).toMatch(
      /^```\n@misc\{.*\n {2}title=\{Tokenizer-Free Translation/s,
    );
    expect(code?.kind === 'markdown' && code.text).toContain('  archivePrefix={arXiv},');

    // The summary emoji still posts the summary: each has its own once.
    await world.chat.react(paperPost.ref, { emoji: 'memo' });
    expect(world.chat.posts.filter((post) => text(post.message).includes('Extractive summary'))).toHaveLength(
      1,
    );
    expect(world.chat.posts.filter((post) => post.message.text.startsWith('BibTeX of '))).toHaveLength(1);
  });

  it('does not repeat a summary that a process posted just before it died, unmarked', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    await world.bot.deliverScheduled(subscription ? [subscription] : []);
    const paperPost = world.chat.postsTo(TEST_CHANNEL)[1];
    if (!paperPost?.ref.threadId) throw new Error('no paper posted');
    const thread = { target: TEST_CHANNEL, id: paperPost.ref.threadId };
    // What the dead process left: the summary in the thread, under its idempotency key, and no mark.
    await world.chat.post(
      TEST_CHANNEL,
      { text: 'summary', blocks: [] },
      {
        thread,
        idempotencyKey: `${TEST_CHANNEL}|${thread.id}|summary|2602.01003`,
      },
    );
    const before = world.chat.posts.length;
    await world.chat.react(paperPost.ref, { emoji: 'memo' });
    expect(world.chat.posts.length).toBe(before);
  });

  it('posts a summary for a reaction on any message holding an arXiv link', async () => {
    const message = world.chat.addMessage(TEST_CHANNEL, 'Have you seen https://arxiv.org/abs/2602.01002 ?', {
      user: 'test:@someone',
    });
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    await world.chat.react(message, { emoji: 'memo' });
    const summary = world.chat
      .threadOf(message)
      .find((post) => text(post.message).includes('Summary') || text(post.message).includes('summary'));
    expect(summary && text(summary.message)).toContain('Distributed Training Without Parameter Servers');
  });

  it('searches the recent papers with a note when arXiv does not answer', async () => {
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    await world.arxiv.close();
    const answers = await world.chat.command('search distributed training');
    const shown = text(answers[0]?.message ?? { blocks: [], text: '' });
    expect(answers[0]?.visibility).toBe('private');
    expect(shown).toContain('Distributed Training Without Parameter Servers');
    // arXiv is down, not slow: the note says so (item 5 of issue 10).
    expect(shown).toMatch(/Cannot reach arXiv at \S+ \(connection refused; 1 attempt\)/);
    world.arxiv = await startFakeArxiv({ recordings: false });
  });

  it('answers a malformed command with the right form and no stack trace', async () => {
    const answers = await world.chat.command('schedule 25:99');
    const shown = text(answers[0]?.message ?? { blocks: [], text: '' });
    expect(answers[0]?.visibility).toBe('private');
    expect(shown).toContain('Usage:');
    expect(shown).not.toMatch(/at \S+ \(/);
  });

  it('gives an unguessable feed link privately and revokes it', async () => {
    const shown = await world.chat.command('feed');
    expect(shown[0]?.visibility).toBe('private');
    const link = /http:\/\/bot\.test\/feeds\/([A-Za-z0-9_-]{32})\.xml/.exec(
      text(shown[0]?.message ?? { blocks: [], text: '' }),
    );
    expect(link).not.toBeNull();
    expect(await world.bot.feeds.targetOf(link?.[1] ?? '')).toBe(TEST_CHANNEL);
    await world.chat.command('feed revoke');
    expect(await world.bot.feeds.targetOf(link?.[1] ?? '')).toBeUndefined();
  });
});
