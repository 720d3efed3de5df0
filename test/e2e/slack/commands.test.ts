/**
 * `/arxiv` end to end: slash commands typed in the fake workspace reach the real Bolt app over Socket Mode,
 * are acknowledged, go through the core, and are answered at their response_url (privately or in the
 * channel) or posted with chat.postMessage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import { command } from './slack-steps.ts';
import { keyOf, MODEL, type SlackWorld, slackWorld, userOf } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

const shown = (body: Record<string, unknown>) => readMessage(body as never).text;

describe('Slack end to end: /arxiv', () => {
  it('searches arXiv and answers only the asking user, through the response_url', async () => {
    world = await slackWorld();
    world.arxiv.setSearch('speculative decoding', [
      { id: '2602.05001', title: 'Speculative Decoding at Scale', categories: ['cs.CL'] },
      { id: '2602.05002', title: 'Draft Models for Speculative Decoding', categories: ['cs.LG'] },
    ]);
    await world.boot();
    const run = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'search speculative decoding',
    });
    // Acknowledged with an empty body (no visible echo); the answer follows.
    expect(run.delivery.ack).toEqual({});
    expect(run.answers).toHaveLength(1);
    const answer = run.answers[0]?.body ?? {};
    expect(answer.response_type).toBe('ephemeral');
    const text = shown(answer);
    expect(text).toContain('2 papers for `speculative decoding`');
    expect(text).toContain('Speculative Decoding at Scale');
    expect(text).toContain('Draft Models for Speculative Decoding');
    expect(readMessage(answer as never).links.map((link) => link.url)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^https:\/\/arxiv\.org\/abs\/2602\.05001/)]),
    );
    // The search reached arXiv's API; nothing was posted in the channel.
    expect(world.arxiv.requests.some((r) => r.path === '/api/query' && r.query.search_query)).toBe(true);
    expect(world.fake.messagesIn(world.papers.id)).toHaveLength(0);
  });

  it('confirms subscribe in the channel, lists privately, and refuses a non-member', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    const subscribed = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'subscribe "scaling laws", -quantum',
    });
    expect(subscribed.answers[0]?.body.response_type).toBe('in_channel');
    // An in_channel answer is a message everyone in the channel sees.
    const inChannel = world.fake.messagesIn(world.papers.id).filter((m) => m.via === 'response_url');
    expect(inChannel).toHaveLength(1);
    expect(shown(inChannel[0]?.sent ?? {})).toContain(
      'This channel\'s digest now follows mixture of experts, distributed training, translation, "scaling laws", -quantum.',
    );

    const listed = await command(world, { user: world.bob.id, channel: world.papers.id, text: 'list' });
    expect(listed.answers[0]?.body.response_type).toBe('ephemeral');
    expect(shown(listed.answers[0]?.body ?? {})).toContain('"scaling laws", -quantum');
    expect(shown(listed.answers[0]?.body ?? {})).toContain('Categories: cs.CL, cs.LG');

    const carol = world.fake.addUser('carol');
    const refused = await command(world, {
      user: carol.id,
      channel: world.papers.id,
      text: 'unsubscribe all',
    });
    expect(refused.answers[0]?.body.response_type).toBe('ephemeral');
    expect(shown(refused.answers[0]?.body ?? {})).toContain('Only people who can manage this channel');
    const kept = await world.subscription(world.channel, bot);
    expect(kept.query?.terms.map((term) => term.text)).toContain('scaling laws');
  });

  it('takes a personal subscription with me subscribe; the next scheduled run sends it by direct message', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    const run = await command(world, {
      user: world.bob.id,
      channel: world.papers.id,
      text: 'me subscribe translation',
    });
    expect(run.answers[0]?.body.response_type).toBe('ephemeral');
    expect(shown(run.answers[0]?.body ?? {})).toContain('Your digest now follows translation.');
    expect(world.fake.messagesIn(world.papers.id)).toHaveLength(0);

    const mine = await world.subscription(userOf(world, world.bob), bot);
    const [outcome] = await bot.deliverScheduled([mine]);
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', papers: 1 });
    const dm = world.fake.imWith(world.bob.id);
    const posts = world.postsIn(dm.id);
    expect(posts.map(keyOf)).toEqual(['root', '2602.01003']);
    expect(posts[1]?.sent.thread_ts).toBe(posts[0]?.ts);
    expect(world.fake.callsTo('conversations.open')[0]?.params.users).toBe(world.bob.id);
    expect(world.postsIn(world.papers.id)).toHaveLength(0);
  });

  it('posts the digest in the channel on /arxiv digest, and says so privately', async () => {
    world = await slackWorld();
    await world.boot();
    const run = await command(world, { user: world.ada.id, channel: world.papers.id, text: 'digest' });
    expect(run.answers[0]?.body.response_type).toBe('ephemeral');
    expect(shown(run.answers[0]?.body ?? {})).toContain(
      'Posted the digest of 2026-02-04 (3 papers) in this channel.',
    );
    const posts = world.postsIn(world.papers.id);
    expect(posts.map(keyOf)).toEqual(['root', '2602.01003', '2602.01002', '2602.01001']);
    expect(posts.slice(1).every((post) => post.sent.thread_ts === posts[0]?.ts)).toBe(true);

    // Asked again the same day, it does not post the digest twice.
    const again = await command(world, { user: world.ada.id, channel: world.papers.id, text: 'digest' });
    expect(shown(again.answers[0]?.body ?? {})).toContain(
      'The digest of 2026-02-04 is already in this channel.',
    );
    expect(world.postsIn(world.papers.id)).toHaveLength(4);
  });

  it('answers /arxiv summary with the structured summary the model wrote', async () => {
    world = await slackWorld();
    world.arxiv.setSearch('unused', [
      {
        id: '2602.04242',
        title: 'Retrieval Heads in Long-Context Models',
        abstract: 'We find the heads that retrieve. They matter.',
        categories: ['cs.CL'],
      },
    ]);
    await world.boot();
    const run = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'summary https://arxiv.org/abs/2602.04242v1',
    });
    const answer = run.answers[0]?.body ?? {};
    expect(answer.response_type).toBe('in_channel');
    const text = shown(answer);
    expect(text).toContain('Retrieval Heads in Long-Context Models');
    for (const section of ['Contributions', 'Method and setup', 'Results', 'Conclusions']) {
      expect(text).toContain(section);
    }
    expect(text).toContain(`Summary by ${MODEL}`);
    // The model was asked for the structured summary of that paper, with the key it was given.
    const structured = world.openai.requests.filter((r) =>
      r.messages.some(
        (m) => m.role === 'user' && m.content.includes('Retrieval Heads in Long-Context Models'),
      ),
    );
    expect(structured.length).toBeGreaterThan(0);
    expect(structured[0]?.headers.authorization).toBe('Bearer sk-e2e');
  });

  it('answers a malformed command privately with the right form', async () => {
    world = await slackWorld();
    await world.boot();
    const run = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'schedule 25:99',
    });
    expect(run.answers[0]?.body.response_type).toBe('ephemeral');
    expect(shown(run.answers[0]?.body ?? {})).toContain('Usage:');
  });
});
