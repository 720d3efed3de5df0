/**
 * Votes through the bot on the memory adapter (issue 13, "Feedback"): 👍 and 👎 reactions on the papers the
 * bot posted, their removal, and `/arxiv top` and `/arxiv me top` over them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagePlainText } from '../../../adapters/shell/render.ts';
import { findArxivId } from '../../../src/arxiv/paper.ts';
import type { MessageRef, OutboundMessage } from '../../../src/chat/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { createMetrics, type Metrics } from '../../../src/metrics.ts';
import { VoteRepository } from '../../../src/store/repositories/votes.ts';
import { TEST_CHANNEL, TEST_USER } from '../../fakes/memory-adapter.ts';
import { type ChatWorld, chatWorld } from './chat-world.ts';

const ADA = 'test:@ada';
const BOB = 'test:@bob';
const DAY_MS = 24 * 60 * 60 * 1000;

let world: ChatWorld;
let votes: VoteRepository;
let metrics: Metrics;
let now: Date;

beforeEach(async () => {
  now = new Date('2026-02-05T12:00:00.000Z');
  metrics = createMetrics();
  world = await chatWorld({ bot: { now: () => now, metrics } });
  votes = new VoteRepository(world.store, silentLogger);
});

afterEach(async () => {
  await world.close();
});

const text = (message: OutboundMessage) => messagePlainText(message);

/** The digest's paper messages in `target`, by paper id. */
async function digestPapers(target = TEST_CHANNEL): Promise<Map<string, MessageRef>> {
  const subscription = await world.bot.subscriptions.get(target);
  if (!subscription) throw new Error(`no subscription for ${target}`);
  await world.bot.deliverScheduled([subscription]);
  const papers = new Map<string, MessageRef>();
  for (const post of world.chat.postsTo(target)) {
    const id = post.ref.threadId ? findArxivId(text(post.message))?.id : undefined;
    if (id) papers.set(id, post.ref);
  }
  if (papers.size === 0) throw new Error('the digest has no papers');
  return papers;
}

function paper(papers: Map<string, MessageRef>, id: string): MessageRef {
  const ref = papers.get(id);
  if (!ref) throw new Error(`paper ${id} was not posted`);
  return ref;
}

async function counted(outcome: string): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find(
    (m) => m.name === 'arxiv_digest_votes_total',
  );
  return metric?.values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
}

async function answer(command: string, user = TEST_USER, channel = TEST_CHANNEL) {
  const [first] = await world.chat.command(command, { user, channel });
  if (!first) throw new Error(`no answer to ${command}`);
  return { text: text(first.message), visibility: first.visibility, message: first.message };
}

describe('votes by reaction', () => {
  it('records a 👍 on a digest paper once however often it comes, and takes it back when removed', async () => {
    const papers = await digestPapers();
    const ref = paper(papers, '2602.01002');
    await world.chat.react(ref, { emoji: '+1', user: ADA });
    await world.chat.react(ref, { emoji: 'thumbsup', user: ADA });
    await world.chat.react(ref, { emoji: '👍🏽', user: ADA });

    const cast = await votes.inTarget(TEST_CHANNEL);
    expect(cast).toEqual([
      {
        target: TEST_CHANNEL,
        paperId: '2602.01002',
        version: 1,
        user: ADA,
        title: 'Distributed Training Without Parameter Servers',
        abstract: 'A decentralized scheme for data-parallel training.',
        kind: 'like',
        at: now,
      },
    ]);
    expect(await counted('recorded')).toBe(1);
    expect(await counted('unchanged')).toBe(2);
    // A vote is not a summary request.
    expect(world.chat.posts.filter((post) => text(post.message).includes('Extractive summary'))).toEqual([]);

    await world.chat.react(ref, { emoji: '+1', user: ADA, action: 'removed' });
    expect(await votes.inTarget(TEST_CHANNEL)).toEqual([]);
    expect(await counted('removed')).toBe(1);
  });

  it('counts the newer of 👍 and 👎, and removing one leaves the other', async () => {
    const papers = await digestPapers();
    const ref = paper(papers, '2602.01002');
    const kind = async () => (await votes.get(TEST_CHANNEL, '2602.01002', BOB))?.kind;

    await world.chat.react(ref, { emoji: '👍', user: BOB });
    now = new Date(now.getTime() + 60_000);
    await world.chat.react(ref, { emoji: '-1', user: BOB });
    expect(await kind()).toBe('dislike');
    expect(await votes.inTarget(TEST_CHANNEL)).toHaveLength(1);
    // The 👍 taken off while the 👎 is still on: the dislike stays.
    await world.chat.react(ref, { emoji: '👍', user: BOB, action: 'removed' });
    expect(await kind()).toBe('dislike');
    // 👍 again, then the 👎 taken off: a like.
    now = new Date(now.getTime() + 60_000);
    await world.chat.react(ref, { emoji: 'thumbsup', user: BOB });
    await world.chat.react(ref, { emoji: 'thumbsdown', user: BOB, action: 'removed' });
    expect(await kind()).toBe('like');
    await world.chat.react(ref, { emoji: '+1', user: BOB, action: 'removed' });
    expect(await kind()).toBeUndefined();
  });

  it('ignores votes on messages that are not the bot’s paper messages, and a removed 📝 posts nothing', async () => {
    const papers = await digestPapers();
    const theirs = world.chat.addMessage(TEST_CHANNEL, 'Read https://arxiv.org/abs/2602.01002 !', {
      user: BOB,
    });
    await world.chat.react(theirs, { emoji: '+1', user: ADA });
    const root = world.chat.postsTo(TEST_CHANNEL)[0];
    if (!root) throw new Error('no digest root');
    await world.chat.react(root.ref, { emoji: '+1', user: ADA });
    expect(await votes.inTarget(TEST_CHANNEL)).toEqual([]);
    expect(await counted('no-paper')).toBe(2);

    const before = world.chat.posts.length;
    await world.chat.react(paper(papers, '2602.01002'), { emoji: 'memo', action: 'removed' });
    await world.chat.react(theirs, { emoji: 'memo', action: 'removed' });
    expect(world.chat.posts.length).toBe(before);
  });
});

describe('/arxiv top and /arxiv me top', () => {
  it('lists the channel’s most liked papers of the week with their votes, linked to arXiv', async () => {
    const papers = await digestPapers();
    const translation = paper(papers, '2602.01003');
    const training = paper(papers, '2602.01002');
    const [third] = [...papers.entries()].filter(([id]) => id !== '2602.01003' && id !== '2602.01002');
    if (!third) throw new Error('a third paper was not posted');
    await world.chat.react(translation, { emoji: '+1', user: ADA });
    await world.chat.react(translation, { emoji: '+1', user: BOB });
    await world.chat.react(training, { emoji: '+1', user: BOB });
    await world.chat.react(training, { emoji: '-1', user: ADA });
    // Only disliked: not among the most liked.
    await world.chat.react(third[1], { emoji: '-1', user: BOB });

    const top = await answer('top');
    expect(top.visibility).toBe('private');
    expect(top.text.split('\n')).toEqual([
      'Most liked papers here in the last 7 days',
      '1. Tokenizer-Free Translation of Low-Resource Languages <https://arxiv.org/abs/2602.01003>  👍 2',
      '2. Distributed Training Without Parameter Servers <https://arxiv.org/abs/2602.01002>  👍 1 · 👎 1',
      'Votes are 👍 and 👎 reactions on the papers the bot posted.',
    ]);
    expect(top.message.blocks[1]).toMatchObject({
      kind: 'text',
      spans: [
        { text: '1. ' },
        {
          text: 'Tokenizer-Free Translation of Low-Resource Languages',
          link: 'https://arxiv.org/abs/2602.01003',
        },
        {},
      ],
    });
    expect((await answer('top --share')).visibility).toBe('channel');

    // Ten days on: nothing in the last week, all of it in the last month.
    now = new Date(now.getTime() + 10 * DAY_MS);
    expect((await answer('top')).text).toBe(
      'No paper here was liked in the last 7 days.\nReact with 👍 (or 👎) to a paper the bot posted to vote for it (or against it); take the reaction off to take the vote back.',
    );
    expect((await answer('top month')).text).toContain('1. Tokenizer-Free Translation');
  });

  it('shows titles as the digest does, TeX accents as letters', async () => {
    await votes.add({
      target: TEST_CHANNEL,
      paperId: '2602.09999',
      version: 1,
      user: ADA,
      kind: 'like',
      title: "Labb\\'e's bound",
      at: now,
    });
    const top = await answer('top');
    expect(top.text).toContain("1. Labbé's");
    expect(top.message.blocks[1]).toMatchObject({
      spans: [{}, { text: "Labbé's bound", link: 'https://arxiv.org/abs/2602.09999' }, {}],
    });
  });

  it('shows a user the papers they liked anywhere, their DM digest included, and counts those in their target only', async () => {
    const channelPapers = await digestPapers();
    await world.chat.command('me subscribe translation');
    const dmPapers = await digestPapers(TEST_USER);
    await world.chat.react(paper(dmPapers, '2602.01003'), { emoji: '+1' });
    now = new Date(now.getTime() + 60_000);
    await world.chat.react(paper(channelPapers, '2602.01002'), { emoji: '+1' });
    await world.chat.react(paper(channelPapers, '2602.01003'), { emoji: '+1', user: BOB });

    expect((await votes.inTarget(TEST_USER)).map((vote) => vote.paperId)).toEqual(['2602.01003']);
    const mine = await answer('me top');
    expect(mine.visibility).toBe('private');
    // The same counts: the newest vote first.
    expect(mine.text.split('\n').slice(0, 3)).toEqual([
      'Papers you liked in the last 7 days',
      '1. Distributed Training Without Parameter Servers <https://arxiv.org/abs/2602.01002>  👍 1',
      '2. Tokenizer-Free Translation of Low-Resource Languages <https://arxiv.org/abs/2602.01003>  👍 1',
    ]);
    // Bob's vote is his: not in my list; in the channel's.
    expect((await answer('me top', BOB)).text).toContain('Tokenizer-Free Translation');
    expect((await answer('top')).text).not.toContain('👍 2');
    expect((await answer('me top', 'test:@nobody')).text).toMatch(
      /^You have liked no paper in the last 7 days\./,
    );
  });
});
