/**
 * Learned ranking end to end on Discord (issue 13): 👍 and 👎 on one day's digest papers reorder the next
 * day's digest (papers close to the liked ones first, each saying which liked paper it is like), taking the
 * reactions back gives the plain keyword order again, and a followed author's paper comes first, marked.
 * The real core and DiscordAdapter (discord.js) against the fake Discord, the fake arXiv serving one listing
 * a day, and the fake OpenAI server's embeddings (deterministic, texts sharing words are close).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { dayOne, dayTwo, listingOf } from '../learned-ranking-days.ts';
import { command } from './steps.ts';
import { type DiscordWorld, discordWorld, paperOf, shownText } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

/** A liked title that tries to ping the channel: it comes back in the why line, harmless. */
const HOSTILE_TITLE = 'Acoustic speech recognition @everyone @here';
const DAY_1 = dayOne(HOSTILE_TITLE);

function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

/** A person adds (or removes) `emoji` on `message`; resolves once the bot has handled it as a vote. */
async function vote(user: string, message: FakeMessage, emoji: string, action: 'add' | 'remove' = 'add') {
  const before = votes().length;
  const input = { user, channel: message.channelId, message: message.id, emoji };
  const sessions = action === 'add' ? world.fake.react(input) : world.fake.unreact(input);
  expect(sessions).toBe(1);
  await world.fake.waitFor(() => votes().length > before, 15_000, `the bot to handle ${emoji}`);
}

/** The papers of the digest of `announced` in #papers (in its root's thread), in the order posted. */
function digestOf(announced: string): FakeMessage[] {
  const root = world.postsIn(world.papers.id).find((post) => shownText(post).includes(announced));
  if (!root) throw new Error(`no digest of ${announced} was posted`);
  return world.postsIn(root.id).filter((post) => paperOf(post) !== null);
}

function paperIn(messages: FakeMessage[], id: string): FakeMessage {
  const found = messages.find((message) => paperOf(message) === id);
  if (!found) throw new Error(`paper ${id} was not posted`);
  return found;
}

describe('Discord end to end: learned ranking from reactions', () => {
  it('puts papers like the liked ones first the next day, says why, and forgets with the reactions', async () => {
    world = await discordWorld({ listing: listingOf('Wed, 04 Feb 2026', DAY_1) });
    let running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day1 = digestOf('2026-02-04');
    expect(day1.map(paperOf).sort()).toEqual(['2602.10001', '2602.10002', '2602.10003']);
    const reactions: Array<[string, FakeMessage, string]> = [
      [world.ada.id, paperIn(day1, '2602.10001'), '👍'],
      [world.bob.id, paperIn(day1, '2602.10002'), '👍'],
      [world.ada.id, paperIn(day1, '2602.10003'), '👎'],
    ];
    for (const [user, message, emoji] of reactions) await vote(user, message, emoji);
    expect(votes()).toEqual(['recorded', 'recorded', 'recorded']);
    await running.stop();

    // Day 2, by the next day's process: the votes' papers are no longer listed (their kept text is used).
    world.arxiv.setListing(listingOf('Thu, 05 Feb 2026', dayTwo('2602.2000')));
    running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day2 = digestOf('2026-02-05');
    // By the keywords alone the order would be 4, 3, 2, 1 (equal scores, newest id first).
    expect(day2.map(paperOf)).toEqual(['2602.20002', '2602.20001', '2602.20004', '2602.20003']);
    for (const id of ['2602.20001', '2602.20002']) {
      expect(shownText(paperIn(day2, id))).toMatch(
        /like: (Acoustic speech recognition|Spoken audio recognition)/,
      );
    }
    for (const id of ['2602.20003', '2602.20004'])
      expect(shownText(paperIn(day2, id))).not.toContain('like:');
    expect(world.openai.embeddingRequests.length).toBeGreaterThan(0);
    // A why line naming the liked title with @everyone and @here notifies nobody.
    const hostile = day2.find((post) => shownText(post).includes('like: Acoustic speech recognition'));
    if (!hostile) throw new Error('no paper is said to be like the hostile title');
    expect(hostile.pinged).toEqual({ users: [], roles: [], everyone: false });

    // Everyone takes their reaction back: no vote is left.
    for (const [user, message, emoji] of reactions) await vote(user, message, emoji, 'remove');
    expect(votes().slice(-3)).toEqual(['removed', 'removed', 'removed']);
    await running.stop();

    // Day 3: the same papers under new ids come in the plain keyword order, with no why line.
    world.arxiv.setListing(listingOf('Fri, 06 Feb 2026', dayTwo('2602.3000')));
    running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day3 = digestOf('2026-02-06');
    expect(day3.map(paperOf)).toEqual(['2602.30004', '2602.30003', '2602.30002', '2602.30001']);
    for (const post of day3) expect(shownText(post)).not.toContain('like:');
  });

  it("puts a followed author's paper first, marked followed", async () => {
    const papers = dayTwo('2602.2000').map((paper, index) =>
      index === 0 ? { ...paper, authors: ['Grace Hopper', 'B. Author'] } : paper,
    );
    world = await discordWorld({ listing: listingOf('Thu, 05 Feb 2026', papers) });
    const { bot } = await world.boot();
    const run = await command(world, {
      user: world.bob.id,
      channel: world.papers.id,
      subcommand: 'follow',
      options: { author: 'Grace Hopper' },
    });
    expect(shownText(run.reply)).toContain('Grace Hopper');
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const digest = digestOf('2026-02-05');
    expect(digest.map(paperOf)).toEqual(['2602.20001', '2602.20004', '2602.20003', '2602.20002']);
    expect(shownText(paperIn(digest, '2602.20001'))).toContain('followed: Grace Hopper');
    expect(shownText(paperIn(digest, '2602.20004'))).not.toContain('followed:');
  });
});
