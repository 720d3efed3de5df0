/**
 * The scheduled digest end to end on Discord: the real core (Bot, engine, SQLite store) and the real
 * DiscordAdapter (discord.js over the Gateway and REST) against the fake Discord, the fake arXiv serving the
 * listing fixture and the fake model. Assertions are on what reached the fake Discord: the messages, threads
 * and forum posts it stored, as a Discord client shows them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { markerOf } from '../../../adapters/discord/posting.ts';
import { shownOf, wouldPing } from '../../fakes/discord/contract-driver.ts';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { ANNOUNCED, type DiscordWorld, discordWorld, listingWith, MATCHED, paperOf } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

const MESSAGE_CREATE = 'POST /channels/:channel/messages';
const ZWSP = /\u200b/g;

/** Sent the way every bot message must be: nobody notified, whatever the text says. */
function expectHarmless(message: FakeMessage): void {
  expect(message.allowedMentions).toEqual({ parse: [] });
  expect(message.pinged).toEqual({ users: [], roles: [], everyone: false });
  expect(wouldPing(shownOf(message))).toBe(false);
  // Every link goes to arXiv or shows its own address.
  for (const link of shownOf(message).links) {
    if (!link.url.startsWith('https://arxiv.org/')) expect(link.text).toBe(link.url);
  }
}

/** The digest in a channel: the root there, its thread holding one message per paper, best first. */
function digestIn(channel: string): { root: FakeMessage; papers: FakeMessage[] } {
  const roots = world.postsIn(channel);
  expect(roots).toHaveLength(1);
  const root = roots[0] as FakeMessage;
  expect(root.threadId).toBe(root.id);
  return { root, papers: world.postsIn(root.id) };
}

describe('Discord end to end: the scheduled digest', () => {
  it('arrives as a root message and a thread holding one embed message per paper, best first', async () => {
    world = await discordWorld();
    const { bot } = await world.boot();
    const [outcome] = await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    expect(outcome).toMatchObject({
      target: world.channel,
      outcome: { status: 'delivered', announced: ANNOUNCED, papers: 3, resumed: false },
    });

    const { root, papers } = digestIn(world.papers.id);
    const rootShown = shownOf(root).text;
    expect(rootShown).toContain(`arXiv digest · ${ANNOUNCED}`);
    expect(rootShown).toContain('3 papers');
    expect(rootShown).toContain('mixture of experts, distributed training, translation');
    expect(rootShown).toContain('React with 📝 on one to get its summary');
    // The thread was started from the root, named after it, and is the only one.
    const threads = world.fake.threads(world.papers.id);
    expect(threads.map((thread) => thread.id)).toEqual([root.id]);
    expect(threads[0]?.name).toBe(`arXiv digest · ${ANNOUNCED}`);
    // One message per paper, each one embed whose title links to the abstract page.
    expect(papers.map(paperOf)).toEqual(MATCHED);
    for (const [index, paper] of papers.entries()) {
      expect(paper.embeds).toHaveLength(1);
      expect(paper.embeds[0]?.url).toBe(`https://arxiv.org/abs/${MATCHED[index]}`);
      expect(String(paper.embeds[0]?.title)).toMatch(new RegExp(`^${index + 1}\\\\?\\. `));
    }
    for (const message of [root, ...papers]) expectHarmless(message);

    const tokenizer = shownOf(papers[0] as FakeMessage);
    expect(tokenizer.links).toEqual([
      {
        text: '1. Tokenizer-Free Translation of Low-Resource Languages',
        url: 'https://arxiv.org/abs/2602.01003',
      },
    ]);
    expect(tokenizer.text).toContain('Noam Chomsky · cs.CL, cs.AI, cs.LG, stat.ML');
    expect(tokenizer.text).toMatch(/score 1\.5 · matched: translation/);
    expect(tokenizer.text).toContain(
      'TL;DR Tokenizer-Free Translation of Low-Resource Languages - Byte-level translation for languages with little data.',
    );
    // Each post carries its idempotency marker, so a restarted bot can find it.
    expect(root.embeds.at(-1)?.footer).toEqual({
      text: `arxiv-digest · ${markerOf(`${world.channel}|${ANNOUNCED}|root`, 0)}`,
    });

    // Run again: nothing new, nothing posted.
    const [again] = await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    expect(again?.outcome).toMatchObject({ status: 'already-delivered' });
    expect(world.fake.posts()).toHaveLength(4);
  });

  it('puts each digest of a forum channel in a forum post of its own', async () => {
    world = await discordWorld();
    const today = await world.boot();
    const [first] = await today.bot.deliverScheduled([
      await world.subscription(world.forumTarget, today.bot),
    ]);
    expect(first?.outcome).toMatchObject({ status: 'delivered', papers: 3 });
    await today.stop();
    // The next day's announcement (the same papers, for brevity), delivered by the next day's process.
    world.arxiv.setListing(listingWith().replaceAll('Wed, 04 Feb 2026', 'Thu, 05 Feb 2026'));
    const tomorrow = await world.boot();
    const [second] = await tomorrow.bot.deliverScheduled([
      await world.subscription(world.forumTarget, tomorrow.bot),
    ]);
    expect(second?.outcome).toMatchObject({ status: 'delivered', announced: '2026-02-05', papers: 3 });

    const posts = world.fake.threads(world.forum.id);
    expect(posts).toHaveLength(2);
    for (const [index, post] of posts.entries()) {
      const messages = world.postsIn(post.id);
      // The forum post opens with the digest's root (its id is the post's), the papers follow in it.
      expect(messages[0]?.id).toBe(post.id);
      expect(shownOf(messages[0] as FakeMessage).text).toContain(
        `arXiv digest · ${index === 0 ? ANNOUNCED : '2026-02-05'}`,
      );
      expect(messages.slice(1).map(paperOf)).toEqual(MATCHED);
      expect(post.name).toContain('arXiv digest');
      for (const message of messages) expectHarmless(message);
    }
    // Nothing went to the forum as a plain message (Discord refuses that) and no thread was made elsewhere.
    expect(world.fake.callsTo(MESSAGE_CREATE).filter((call) => call.path.includes(world.forum.id))).toEqual(
      [],
    );
    expect(world.fake.threads(world.papers.id)).toEqual([]);
  });

  it('lets @everyone, @here, a role and a user mention in a title ping nobody', async () => {
    world = await discordWorld();
    const role = world.fake.addRole({ guild: world.guild.id, name: 'reviewers', permissions: [] });
    const title = `Translation for @everyone and @here, by <@&${role.id}> with <@${world.ada.id}>`;
    world.arxiv.setListing(
      listingWith({
        id: '2602.01066',
        title,
        abstract: `Pinging @everyone and <@&${role.id}> from the abstract. More text.`,
        authors: [`Mallory <@&${role.id}>`, '@everyone'],
        categories: ['cs.CL'],
      }),
    );
    const { bot } = await world.boot();
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const { root, papers } = digestIn(world.papers.id);
    expect(papers).toHaveLength(4);
    for (const message of [root, ...papers]) expectHarmless(message);

    const hostile = papers.find((paper) => paperOf(paper) === '2602.01066');
    if (!hostile) throw new Error('the hostile paper was not posted');
    // The reader sees what arXiv sent, as text (the @ of @everyone carries an invisible break).
    const shown = shownOf(hostile).text.replace(ZWSP, '');
    expect(shown).toContain(title);
    expect(shown).toContain(`Mallory <@&${role.id}>, @everyone`);
    // Nothing of it notified anyone on Discord.
    for (const message of world.fake.posts())
      expect(message.pinged).toEqual({ users: [], roles: [], everyone: false });
  });

  it('waits out 429s (per route and global) and loses or repeats no post', async () => {
    world = await discordWorld();
    const { bot } = await world.boot();
    // The root's post, the thread's creation and two paper posts are each refused once with a 429.
    world.fake.fail(MESSAGE_CREATE, { retryAfter: 0.2 });
    world.fake.fail('POST /channels/:channel/messages/:message/threads', { retryAfter: 0.2 });
    world.fake.fail(MESSAGE_CREATE, { retryAfter: 0.2, skip: 1 });
    world.fake.fail(MESSAGE_CREATE, { retryAfter: 0.3, global: true, skip: 1 });
    const [outcome] = await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', papers: 3 });
    expect(world.fake.count429()).toBe(4);
    expect(world.fake.rateLimitHits.filter((hit) => hit.global)).toHaveLength(1);

    const { papers } = digestIn(world.papers.id);
    expect(papers.map(paperOf)).toEqual(MATCHED);
    expect(world.fake.posts()).toHaveLength(4);
    // Every refused call was made again, and went through.
    const posts = world.fake.callsTo(MESSAGE_CREATE);
    expect(posts.filter((call) => call.status === 429)).toHaveLength(3);
    expect(posts.filter((call) => call.status === 200)).toHaveLength(4);
  });
});
