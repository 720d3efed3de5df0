/**
 * Summaries on reaction end to end on Discord: MESSAGE_REACTION_ADD dispatches from the fake Discord reach
 * the real discord.js client; the core finds the paper (its own digest message, or an arXiv link in a
 * person's message), asks the fake model, and the summary is posted once in the message's thread, which is
 * started from the message when it has none. Also: the recorded MESSAGE_REACTION_ADD payloads of
 * ../shared/fixtures/discord (serenity, remora), dispatched through the fake, reach the bot as reactions.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { markerOf } from '../../../adapters/discord/posting.ts';
import type { ReactionEvent } from '../../../src/chat/types.ts';
import { shownOf, wouldPing } from '../../fakes/discord/contract-driver.ts';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';
import { handled, react } from './steps.ts';
import { type DiscordWorld, discordWorld, MODEL, paperOf, type RunningBot, userOf } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

/** The bot's summaries of `paper` in the thread `thread` of `channel` (found by their idempotency marker). */
function summaries(channel: string, thread: string, paper: string): FakeMessage[] {
  const marker = markerOf(`${channel}|${thread}|summary|${paper}`, 0);
  return world
    .postsIn(thread)
    .filter((message) =>
      message.embeds.some((embed) =>
        (embed.footer as { text?: string } | undefined)?.text?.endsWith(` · ${marker}`),
      ),
    );
}

/** Delivers the digest to #papers; its root and paper messages. */
async function digest(running: RunningBot): Promise<{ root: FakeMessage; papers: FakeMessage[] }> {
  await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
  const root = world.postsIn(world.papers.id)[0];
  if (!root) throw new Error('the digest was not posted');
  return { root, papers: world.postsIn(root.id) };
}

const RETRIEVAL = {
  id: '2602.04242',
  title: 'Retrieval Heads in Long-Context Models',
  abstract: 'We find the heads that retrieve. They matter.',
  categories: ['cs.CL'],
};

describe('Discord end to end: summaries on reaction', () => {
  it('posts one summary in the digest thread for a 📝 on a paper, however many react', async () => {
    world = await discordWorld();
    const running = await world.boot();
    const { root, papers } = await digest(running);
    const paper = papers.find((message) => paperOf(message) === '2602.01002');
    if (!paper) throw new Error('the paper was not posted');
    world.openai.enqueue({
      type: 'content',
      content: [
        '## Contributions',
        'Decentralized training @everyone without servers; ask <@1234567890123456789>.',
        '## Method and setup',
        'Gossip averaging, see [arxiv.org/abs/2602.01002](https://evil.example/code).',
        '## Results',
        'Within 2% of the baseline.',
      ].join('\n'),
    });

    await react(world, { user: world.bob.id, message: paper, emoji: '👍' });
    expect(handled(world)).toEqual(['other-emoji']);
    await react(world, { user: world.ada.id, message: paper });
    await react(world, { user: world.bob.id, message: paper });
    expect(handled(world)).toEqual(['other-emoji', 'posted', 'already-posted']);

    const posted = summaries(world.channel, root.id, '2602.01002');
    expect(posted).toHaveLength(1);
    const summary = posted[0] as FakeMessage;
    // In the digest's thread, the only thread there is.
    expect(summary.channelId).toBe(root.id);
    expect(world.fake.threads(world.papers.id)).toHaveLength(1);
    const shown = shownOf(summary);
    expect(shown.text).toContain('Distributed Training Without Parameter Servers');
    expect(shown.text).toContain('Contributions');
    expect(shown.text).toContain('Within 2% of the baseline.');
    expect(shown.text).toContain(MODEL);
    // What the model wrote pings nobody, and a label naming arxiv.org never leads elsewhere.
    expect(summary.pinged).toEqual({ users: [], roles: [], everyone: false });
    expect(wouldPing(shown)).toBe(false);
    for (const link of shown.links) {
      if (link.text.includes('arxiv.org')) expect(new URL(link.url).hostname).toBe('arxiv.org');
    }
    expect(shown.text).toContain('https://evil.example/code');
  });

  it('posts the summary of a paper in a forum post inside that post', async () => {
    world = await discordWorld();
    const running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.forumTarget, running.bot)]);
    const post = world.fake.threads(world.forum.id)[0];
    if (!post) throw new Error('no forum post');
    const paper = world.postsIn(post.id).find((message) => paperOf(message) === '2602.01003');
    if (!paper) throw new Error('the paper was not posted');
    await react(world, { user: world.ada.id, message: paper });
    await react(world, { user: world.bob.id, message: paper });
    expect(handled(world)).toEqual(['posted', 'already-posted']);
    expect(summaries(world.forumTarget, post.id, '2602.01003')).toHaveLength(1);
    expect(world.fake.threads(world.forum.id)).toHaveLength(1);
  });

  it("starts a thread from a person's message with an arXiv link, and summarizes the paper there once", async () => {
    world = await discordWorld();
    world.arxiv.setSearch('unused', [RETRIEVAL]);
    await world.boot({ adapter: { messageContent: true } });
    const message = world.fake.postAsUser({
      user: world.bob.id,
      channel: world.papers.id,
      content: 'Has anyone read https://arxiv.org/abs/2602.04242v1 ? Looks relevant.',
    });
    await react(world, { user: world.ada.id, message });
    await react(world, { user: world.bob.id, message });
    expect(handled(world)).toEqual(['posted', 'already-posted']);

    // Discord's thread from a message has the message's id.
    const threads = world.fake.threads(world.papers.id);
    expect(threads.map((thread) => thread.id)).toEqual([message.id]);
    expect(world.fake.message(message.id)?.threadId).toBe(message.id);
    const posted = summaries(world.channel, message.id, RETRIEVAL.id);
    expect(posted).toHaveLength(1);
    expect(world.postsIn(message.id)).toHaveLength(1);
    const shown = shownOf(posted[0] as FakeMessage).text;
    expect(shown).toContain('Retrieval Heads in Long-Context Models');
    expect(shown).toContain('Contributions');
    // Nothing else was posted in the channel itself.
    expect(world.postsIn(world.papers.id)).toEqual([]);
  });

  it("cannot read a person's link when the app lacks the Message Content intent, and posts nothing", async () => {
    // Not enabled for the application (Developer Portal): Discord's REST API leaves others' content empty.
    world = await discordWorld({ fake: { privilegedIntents: [] } });
    world.arxiv.setSearch('unused', [RETRIEVAL]);
    await world.boot();
    const message = world.fake.postAsUser({
      user: world.bob.id,
      channel: world.papers.id,
      content: 'Has anyone read https://arxiv.org/abs/2602.04242v1 ?',
    });
    await react(world, { user: world.ada.id, message });
    expect(handled(world)).toEqual(['no-paper']);
    expect(world.fake.threads(world.papers.id)).toEqual([]);
    expect(world.fake.posts()).toEqual([]);
  });
});

describeWithSharedFixtures('Discord end to end: recorded MESSAGE_REACTION_ADD payloads', () => {
  const recorded = (name: string): Record<string, unknown> =>
    JSON.parse(readSharedFixture(`discord/${name}`).toString('utf8')) as Record<string, unknown>;

  it('reach the bot as reactions: serenity without a guild (a DM) and with one, remora with its member', async () => {
    world = await discordWorld();
    const running = await world.boot();
    const { root, papers } = await digest(running);
    const paper = papers[0] as FakeMessage;
    const dmRef = await running.adapter.post(userOf(world.ada), {
      text: 'Your digest: https://arxiv.org/abs/2602.01001',
      blocks: [{ kind: 'text', spans: [{ text: 'Your digest' }] }],
    });
    const dm = world.fake.dmWith(world.ada.id);
    if (!dm) throw new Error('no DM channel');
    const seen: ReactionEvent[] = [];
    const onReaction = running.bot.onReaction.bind(running.bot);
    vi.spyOn(running.bot, 'onReaction').mockImplementation(async (event) => {
      seen.push(event);
      await onReaction(event);
    });
    /** Dispatches a recorded `d` with the fake's ids in place of the recorded ones; waits for the bot. */
    const dispatch = async (d: Record<string, unknown>, expectHandled = true) => {
      const before = handled(world).length;
      const sessions = world.fake.events.reaction('MESSAGE_REACTION_ADD', d);
      expect(sessions).toBe(1);
      if (expectHandled)
        await world.fake.waitFor(() => handled(world).length > before, 10_000, 'the reaction');
    };

    // serenity 1 and 2: recorded when Discord sent no guild_id; without one it is a reaction in a DM.
    const one = recorded('serenity/message_reaction_add_1.json');
    await dispatch({ ...one, user_id: world.ada.id, channel_id: dm.id, message_id: dmRef.id });
    const two = recorded('serenity/message_reaction_add_2.json');
    await dispatch({ ...two, user_id: world.ada.id, channel_id: dm.id, message_id: dmRef.id });
    // serenity 3: the same with a guild_id, on the digest's root in #papers.
    const three = recorded('serenity/message_reaction_add_3.json');
    await dispatch({
      ...three,
      user_id: world.bob.id,
      channel_id: world.papers.id,
      message_id: root.id,
      guild_id: world.guild.id,
    });
    expect(seen).toEqual([
      {
        platform: 'discord',
        action: 'added',
        emoji: 'AkaShrug',
        user: userOf(world.ada),
        message: { target: userOf(world.ada), id: dmRef.id },
      },
      {
        platform: 'discord',
        action: 'added',
        emoji: '👍',
        user: userOf(world.ada),
        message: { target: userOf(world.ada), id: dmRef.id },
      },
      {
        platform: 'discord',
        action: 'added',
        emoji: '👍',
        user: userOf(world.bob),
        message: { target: world.channel, id: root.id },
      },
    ]);
    expect(handled(world)).toEqual(['other-emoji', 'other-emoji', 'other-emoji']);

    // remora: a whole dispatch envelope, its member without a user; placeholder ids (999…) made the fake's.
    const envelope = recorded('remora/MESSAGE_REACTION_ADD.json');
    expect(envelope.t).toBe('MESSAGE_REACTION_ADD');
    const remora = {
      ...(envelope.d as Record<string, unknown>),
      user_id: world.ada.id,
      channel_id: root.id,
      message_id: paper.id,
      guild_id: world.guild.id,
      message_author_id: world.fake.bot.id,
    };
    // As recorded, its emoji is `{}`: no emoji to act on, so the adapter drops it (and nothing breaks).
    await dispatch(remora, false);
    // With the summary emoji in its place, it brings the paper's summary into the digest thread.
    await dispatch({ ...remora, emoji: { id: null, name: '📝' } });
    expect(seen.slice(3)).toEqual([
      {
        platform: 'discord',
        action: 'added',
        emoji: '📝',
        user: userOf(world.ada),
        message: { target: world.channel, id: paper.id, threadId: root.id },
      },
    ]);
    expect(handled(world).at(-1)).toBe('posted');
    expect(summaries(world.channel, root.id, paperOf(paper) ?? '')).toHaveLength(1);
    expect(running.adapter.health().connected).toBe(true);
  });
});
