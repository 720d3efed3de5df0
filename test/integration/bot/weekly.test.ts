/**
 * The weekly rollup through the bot on the memory adapter (issue 14): `/arxiv weekly` on, off, `me`, the
 * permission; the rollup's content from the week's votes, summaries and digests; exactly once per target
 * and week across a second run, a restart, and a post that went out while its answer was lost; nothing for
 * an empty week; and the scheduler's due runs and catch-up.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagePlainText } from '../../../adapters/shell/render.ts';
import { findArxivId } from '../../../src/arxiv/paper.ts';
import { Bot } from '../../../src/bot/bot.ts';
import type { MessageRef } from '../../../src/chat/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { latestWeeklyInstant } from '../../../src/schedule/calendar.ts';
import { Scheduler } from '../../../src/schedule/scheduler.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import { type MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../../fakes/memory-adapter.ts';
import { type ChatWorld, chatWorld } from './chat-world.ts';

const ADA = 'test:@ada';
const BOB = 'test:@bob';
const GUEST = 'test:@guest';
/** Thursday of ISO week 2026-W06 (Monday 2 to Sunday 8 February). */
const THURSDAY = new Date('2026-02-05T12:00:00.000Z');
/** The Monday after, 10:00 UTC: the rollup of W06 (Mondays 09:00 UTC) is due. */
const MONDAY = new Date('2026-02-09T10:00:00.000Z');

let world: ChatWorld;
let now: Date;

beforeEach(async () => {
  now = new Date('2026-02-02T08:00:00.000Z');
  world = await chatWorld({ bot: { now: () => now, holder: 'replica-1', leaseTtlMs: 300 } });
});

afterEach(async () => {
  await world.close();
});

async function answer(command: string, user = TEST_USER, channel = TEST_CHANNEL) {
  const answers = await world.chat.command(command, { user, channel });
  const last = answers.at(-1);
  if (!last) throw new Error(`no answer to ${command}`);
  return { text: messagePlainText(last.message), visibility: last.visibility };
}

/** The week's digest in the channel, delivered on Thursday; its paper messages by id. */
async function thursdayDigest(): Promise<Map<string, MessageRef>> {
  now = THURSDAY;
  const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
  if (!subscription) throw new Error('no channel subscription');
  await world.bot.deliverScheduled([subscription]);
  const papers = new Map<string, MessageRef>();
  for (const post of world.chat.postsTo(TEST_CHANNEL)) {
    const id = post.ref.threadId ? findArxivId(messagePlainText(post.message))?.id : undefined;
    if (id && !papers.has(id)) papers.set(id, post.ref);
  }
  return papers;
}

function paper(papers: Map<string, MessageRef>, id: string): MessageRef {
  const ref = papers.get(id);
  if (!ref) throw new Error(`paper ${id} was not posted`);
  return ref;
}

/** The rollup run the scheduler would hand the bot at `at`. */
async function runWeekly(at: Date, bot: Bot = world.bot) {
  const subscription = await bot.subscriptions.get(TEST_CHANNEL);
  if (!subscription?.weekly) throw new Error('no weekly rollup on');
  const scheduledFor = latestWeeklyInstant(at, {
    day: subscription.weekly.day,
    time: subscription.weekly.time,
    timeZone: subscription.schedule.timeZone,
  });
  return bot.runWeekly([{ subscription, scheduledFor }]);
}

/** The rollup's messages in the channel: the root (no thread) and its replies. */
function rollupPosts(chat: MemoryAdapter = world.chat) {
  const posts = chat.postsTo(TEST_CHANNEL);
  const roots = posts.filter(
    (post) => !post.ref.threadId && messagePlainText(post.message).startsWith('Weekly'),
  );
  return roots.map((root) => ({
    root: messagePlainText(root.message),
    replies: chat.threadOf(root.ref).map((post) => messagePlainText(post.message)),
  }));
}

describe('/arxiv weekly', () => {
  it('turns the channel rollup on (Monday 09:00 by default), shows it, moves it, and turns it off', async () => {
    expect((await answer('weekly')).text).toBe(
      "This channel's digest has no weekly rollup: /arxiv weekly on starts one.",
    );
    const on = await answer('weekly on');
    expect(on).toEqual({
      text: "This channel's digest now gets a weekly rollup, Mondays at 09:00 UTC.",
      visibility: 'channel',
    });
    expect((await world.bot.subscriptions.get(TEST_CHANNEL))?.weekly).toEqual({
      day: 'monday',
      time: '09:00',
      since: now.toISOString(),
    });
    expect((await answer('list')).text).toContain('Weekly rollup: Mondays at 09:00 UTC');
    expect((await answer('weekly on fri 5pm')).text).toBe(
      "This channel's digest now gets a weekly rollup, Fridays at 17:00 UTC.",
    );
    expect((await answer('weekly')).text).toBe(
      "This channel's digest has a weekly rollup, Fridays at 17:00 UTC.",
    );
    expect((await answer('weekly off')).text).toBe("This channel's digest has no weekly rollup now.");
    expect((await world.bot.subscriptions.get(TEST_CHANNEL))?.weekly).toBeUndefined();
    expect((await answer('list')).text).toContain('Weekly rollup: off');
  });

  it('sets the user’s own rollup with me, privately, for anyone', async () => {
    world.chat.setPermission(GUEST, TEST_CHANNEL, false);
    const mine = await answer('me weekly on sunday 18:30', GUEST);
    expect(mine).toEqual({
      text: 'Your digest now gets a weekly rollup, Sundays at 18:30 UTC.',
      visibility: 'private',
    });
    expect((await world.bot.subscriptions.get(GUEST))?.weekly?.day).toBe('sunday');
    expect((await world.bot.subscriptions.get(TEST_CHANNEL))?.weekly).toBeUndefined();
  });

  it("refuses the channel's rollup to who may not manage the channel, changing nothing", async () => {
    world.chat.setPermission(GUEST, TEST_CHANNEL, false);
    const refused = await answer('weekly on', GUEST);
    expect(refused.visibility).toBe('private');
    expect(refused.text).toMatch(/^Only people who can manage this channel/);
    expect((await world.bot.subscriptions.get(TEST_CHANNEL))?.weekly).toBeUndefined();
    // Showing it is for anyone.
    expect((await answer('weekly', GUEST)).text).toContain('has no weekly rollup');
  });

  it('refuses a day or a word it does not know, with the usage', async () => {
    expect((await answer('weekly on someday')).text).toContain('"someday" is not a day of the week.');
    expect((await answer('weekly maybe')).text).toContain('weekly takes on, off or nothing');
    expect((await answer('weekly off friday')).text).toContain(
      'Usage: /arxiv weekly [on [day] [HH:MM] | off]',
    );
  });
});

describe('the weekly rollup', () => {
  it("posts the week's most liked and most summarized papers and its numbers, as one thread", async () => {
    await answer('weekly on');
    const papers = await thursdayDigest();
    expect(papers.size).toBeGreaterThanOrEqual(2);
    const [first, second] = [...papers.keys()];
    if (!first || !second) throw new Error('two papers needed');
    await world.chat.react(paper(papers, second), { emoji: '+1', user: ADA });
    await world.chat.react(paper(papers, second), { emoji: '+1', user: BOB });
    await world.chat.react(paper(papers, first), { emoji: '+1', user: ADA });
    await world.chat.react(paper(papers, first), { emoji: 'memo', user: BOB });

    now = MONDAY;
    expect(await runWeekly(MONDAY)).toEqual({ failed: [] });
    const rollups = rollupPosts();
    expect(rollups).toHaveLength(1);
    const [rollup] = rollups;
    expect(rollup?.root).toBe(
      `Weekly rollup, 2026-02-02 to 2026-02-08 (2026-W06)\n1 digest delivered, ${papers.size} papers posted, 3 votes, 1 summary.`,
    );
    expect(rollup?.replies).toHaveLength(2);
    const [liked, summarized] = rollup?.replies ?? [];
    expect(liked?.split('\n')[0]).toBe('Liked most');
    expect(liked?.split('\n')[1]).toMatch(
      new RegExp(`^1\\. .+ \\(2 likes\\) https://arxiv\\.org/abs/${second}$`),
    );
    expect(liked?.split('\n')[2]).toMatch(
      new RegExp(`^2\\. .+ \\(1 like\\) https://arxiv\\.org/abs/${first}$`),
    );
    expect(summarized?.split('\n')).toEqual([
      'Summarized most',
      expect.stringMatching(new RegExp(`^1\\. .+ \\(1 summary\\) https://arxiv\\.org/abs/${first}$`)),
    ]);
    // No list of questions: they do not exist yet.
    expect(rollup?.replies.join('\n')).not.toContain('Asked');
  });

  it('posts nothing for a week with nothing, and counts that week as done', async () => {
    await answer('weekly on');
    now = MONDAY;
    expect(await runWeekly(MONDAY)).toEqual({ failed: [] });
    expect(world.chat.postsTo(TEST_CHANNEL)).toHaveLength(0);
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no subscription');
    expect(await world.bot.weekly.deliver(subscription, MONDAY)).toEqual({
      status: 'empty',
      week: '2026-W06',
    });
  });

  it('posts once per week: a second run, and a run by a restarted bot, post nothing', async () => {
    await answer('weekly on');
    const papers = await thursdayDigest();
    await world.chat.react(paper(papers, [...papers.keys()][0] ?? ''), { emoji: '+1', user: ADA });
    now = MONDAY;
    await runWeekly(MONDAY);
    await runWeekly(new Date('2026-02-11T10:00:00.000Z'));
    expect(rollupPosts()).toHaveLength(1);

    // A restart: a new bot on the same store and workspace.
    await world.bot.stop();
    const bot = new Bot({
      config: world.config,
      engine: world.engine,
      store: world.store,
      adapters: [world.chat],
      logger: silentLogger,
      publicUrl: 'http://bot.test',
      holder: 'replica-2',
      now: () => now,
    });
    await bot.start();
    try {
      expect(await runWeekly(MONDAY, bot)).toEqual({ failed: [] });
      expect(rollupPosts()).toHaveLength(1);
      // The next week has nothing new: nothing again.
      now = new Date('2026-02-16T10:00:00.000Z');
      await runWeekly(now, bot);
      expect(rollupPosts()).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });

  it('resumes a rollup stopped after its root went out unrecorded, repeating nothing', async () => {
    await answer('weekly on');
    const papers = await thursdayDigest();
    const [first] = [...papers.keys()];
    await world.chat.react(paper(papers, first ?? ''), { emoji: '+1', user: ADA });
    await world.chat.react(paper(papers, first ?? ''), { emoji: 'memo', user: BOB });
    now = MONDAY;
    // The platform takes the root, but the answer is lost: the run fails before writing the log.
    world.chat.failNextPost(TEST_CHANNEL, { delivered: true });
    const failed = await runWeekly(MONDAY);
    expect(failed.failed).toHaveLength(1);
    expect(rollupPosts()).toHaveLength(1);
    expect(rollupPosts()[0]?.replies).toEqual([]);

    // The replies' first post is lost too, on the resumed run.
    world.chat.failNextPost(TEST_CHANNEL, { delivered: true });
    expect((await runWeekly(MONDAY)).failed).toHaveLength(1);
    // Resumed (by this process or, after the lease, another): the root is found, not posted again.
    expect(await runWeekly(MONDAY)).toEqual({ failed: [] });
    const rollups = rollupPosts();
    expect(rollups).toHaveLength(1);
    expect(rollups[0]?.replies.map((reply) => reply.split('\n')[0])).toEqual([
      'Liked most',
      'Summarized most',
    ]);
    expect(await runWeekly(MONDAY)).toEqual({ failed: [] });
    expect(rollupPosts()[0]?.replies).toHaveLength(2);
  });
});

describe('the scheduler runs the weekly rollups', () => {
  function scheduler(bot: Bot = world.bot, holder = 'replica-1') {
    return new Scheduler({
      subscriptions: () => bot.subscriptions.all(),
      // The daily digests are not what these tests look at.
      deliver: async () => ({ failed: [] }),
      deliverWeekly: (runs) => bot.runWeekly(runs),
      store: world.store,
      leases: new LeaseRepository(world.store),
      holder,
    });
  }

  it('runs a due rollup once, catches one missed while down up within the week, and none before it was on', async () => {
    await answer('weekly on');
    const papers = await thursdayDigest();
    await world.chat.react(paper(papers, [...papers.keys()][0] ?? ''), { emoji: '+1', user: ADA });

    const first = scheduler();
    // Sunday night: the only run due is the Monday it was turned on (before 09:00), of an empty week: nothing.
    await first.tick(new Date('2026-02-08T23:59:00.000Z'));
    expect(rollupPosts()).toHaveLength(0);
    await first.stop();

    // Down over Monday; back on Wednesday: caught up, once, whatever the ticks.
    const second = scheduler(world.bot, 'replica-2');
    now = new Date('2026-02-11T15:00:00.000Z');
    await second.tick(now);
    await second.tick(new Date('2026-02-11T15:01:00.000Z'));
    await second.tick(new Date('2026-02-12T15:01:00.000Z'));
    expect(rollupPosts()).toHaveLength(1);
    await second.stop();
  });

  it('is run by the leader alone: a second replica ticking at the same time posts nothing', async () => {
    await answer('weekly on');
    const papers = await thursdayDigest();
    await world.chat.react(paper(papers, [...papers.keys()][0] ?? ''), { emoji: '+1', user: ADA });
    now = MONDAY;
    const leader = scheduler(world.bot, 'replica-1');
    const other = scheduler(world.bot, 'replica-2');
    const ticks = await Promise.all([leader.tick(MONDAY), other.tick(MONDAY)]);
    await other.tick(new Date('2026-02-09T10:01:00.000Z'));
    expect(ticks).toHaveLength(2);
    expect(rollupPosts()).toHaveLength(1);
    await Promise.all([leader.stop(), other.stop()]);
  });

  it('does not roll up the week before a rollup was turned on', async () => {
    now = new Date('2026-02-10T12:00:00.000Z');
    await answer('weekly on');
    const ticker = scheduler();
    await ticker.tick(new Date('2026-02-10T12:01:00.000Z'));
    expect(rollupPosts()).toHaveLength(0);
    await ticker.stop();
  });
});
