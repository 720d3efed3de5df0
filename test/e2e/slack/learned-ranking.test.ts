/**
 * Learned ranking end to end on Slack (issue 13): 👍 and 👎 on one day's digest papers reorder the next
 * day's digest (papers close to the liked ones first, each saying which liked paper it is like), taking the
 * reactions back gives the plain keyword order again, and a followed author's paper comes first, marked.
 * The real core and SlackAdapter over Socket Mode, the fake arXiv serving one listing a day, and the fake
 * OpenAI server's embeddings (deterministic, texts sharing words are close).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import type { FakeMessage } from '../../fakes/slack-server.ts';
import { dayOne, dayTwo, listingOf } from '../learned-ranking-days.ts';
import { command, rawText } from './slack-steps.ts';
import { keyOf, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

/** A liked title that tries to ping the channel: it comes back in the why line, harmless. */
const HOSTILE_TITLE = 'Acoustic speech recognition <!channel> @everyone';
const DAY_1 = dayOne(HOSTILE_TITLE);

function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

type Reaction = { user: string; channel: string; ts: string; reaction: string };

/** A person adds (or removes) a reaction; resolves once the bot has handled it as a vote. */
async function vote(input: Reaction, action: 'add' | 'remove' = 'add'): Promise<void> {
  const before = votes().length;
  const delivery = action === 'add' ? await world.fake.react(input) : await world.fake.unreact(input);
  if (!delivery) throw new Error(`${input.user} had no :${input.reaction}: there to remove`);
  await world.fake.acknowledged(delivery);
  await world.fake.waitFor(() => votes().length > before, 10_000, `the bot to handle :${input.reaction}:`);
}

/** The papers of the digest of `announced` in #papers, in the order posted. */
function digestOf(announced: string): FakeMessage[] {
  return world
    .postsIn(world.papers.id)
    .filter((post) => String(post.metadata?.event_payload.key ?? '').includes(`|${announced}|`))
    .filter((post) => keyOf(post) !== 'root');
}

function paperIn(posts: FakeMessage[], id: string): FakeMessage {
  const found = posts.find((post) => keyOf(post) === id);
  if (!found) throw new Error(`paper ${id} was not posted`);
  return found;
}

const shown = (post: FakeMessage) => readMessage(post.sent as never).text;

describe('Slack end to end: learned ranking from reactions', () => {
  it('puts papers like the liked ones first the next day, says why, and forgets with the reactions', async () => {
    world = await slackWorld({ listing: listingOf('Wed, 04 Feb 2026', DAY_1) });
    const channel = world.papers.id;
    let running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day1 = digestOf('2026-02-04');
    expect(day1.map(keyOf).sort()).toEqual(['2602.10001', '2602.10002', '2602.10003']);
    const reactions: Reaction[] = [
      { user: world.ada.id, channel, ts: paperIn(day1, '2602.10001').ts, reaction: '+1' },
      { user: world.bob.id, channel, ts: paperIn(day1, '2602.10002').ts, reaction: '+1' },
      { user: world.ada.id, channel, ts: paperIn(day1, '2602.10003').ts, reaction: '-1' },
    ];
    for (const reaction of reactions) await vote(reaction);
    expect(votes()).toEqual(['recorded', 'recorded', 'recorded']);
    await running.stop();

    // Day 2, by the next day's process: the votes' papers are no longer listed (their kept text is used).
    world.arxiv.setListing(listingOf('Thu, 05 Feb 2026', dayTwo('2602.2000')));
    running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day2 = digestOf('2026-02-05');
    // By the keywords alone the order would be 4, 3, 2, 1 (equal scores, newest id first).
    expect(day2.map(keyOf)).toEqual(['2602.20002', '2602.20001', '2602.20004', '2602.20003']);
    for (const id of ['2602.20001', '2602.20002']) {
      expect(shown(paperIn(day2, id))).toMatch(
        /like: (Acoustic speech recognition|Spoken audio recognition)/,
      );
    }
    for (const id of ['2602.20003', '2602.20004']) expect(shown(paperIn(day2, id))).not.toContain('like:');
    // The model's embeddings were asked for (the fake's), not local vectors.
    expect(world.openai.embeddingRequests.length).toBeGreaterThan(0);
    // A why line naming the hostile liked title pings nobody.
    const hostile = day2.find((post) => shown(post).includes('like: Acoustic speech recognition'));
    if (!hostile) throw new Error('no paper is said to be like the hostile title');
    expect(rawText(hostile.sent)).not.toContain('<!channel>');
    expect(readMessage(hostile.sent as never).pings).toEqual([]);

    // Everyone takes their reaction back: no vote is left.
    for (const reaction of reactions) await vote(reaction, 'remove');
    expect(votes().slice(-3)).toEqual(['removed', 'removed', 'removed']);
    await running.stop();

    // Day 3: the same papers under new ids come in the plain keyword order, with no why line.
    world.arxiv.setListing(listingOf('Fri, 06 Feb 2026', dayTwo('2602.3000')));
    running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const day3 = digestOf('2026-02-06');
    expect(day3.map(keyOf)).toEqual(['2602.30004', '2602.30003', '2602.30002', '2602.30001']);
    for (const post of day3) expect(shown(post)).not.toContain('like:');
  });

  it("puts a followed author's paper first, marked followed", async () => {
    const papers = dayTwo('2602.2000').map((paper, index) =>
      index === 0 ? { ...paper, authors: ['Grace Hopper', 'B. Author'] } : paper,
    );
    world = await slackWorld({ listing: listingOf('Thu, 05 Feb 2026', papers) });
    const { bot } = await world.boot();
    const run = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'follow Grace Hopper',
    });
    expect(readMessage((run.answers[0]?.body ?? {}) as never).text).toContain('Grace Hopper');
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const digest = digestOf('2026-02-05');
    expect(digest.map(keyOf)).toEqual(['2602.20001', '2602.20004', '2602.20003', '2602.20002']);
    expect(shown(paperIn(digest, '2602.20001'))).toContain('followed: Grace Hopper');
    expect(shown(paperIn(digest, '2602.20004'))).not.toContain('followed:');
  });
});
