/**
 * Summaries on reaction end to end: `reaction_added` events from the fake workspace reach the real Bolt app
 * over Socket Mode; the core finds the paper (its own digest post, or an arXiv link in a person's message),
 * asks the fake model, and the summary is posted once in the message's thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import type { FakeMessage } from '../../fakes/slack-server.ts';
import { rawText } from './slack-steps.ts';
import { keyOf, MODEL, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

/** The reactions the core has handled so far, with their outcome. */
function handled(): string[] {
  return world.logs.withMessage('reaction handled').map((line) => String(line.outcome));
}

async function react(user: string, channel: string, ts: string, reaction = 'memo'): Promise<void> {
  const before = handled().length;
  await world.fake.acknowledged(await world.fake.react({ user, channel, ts, reaction }));
  await world.fake.waitFor(() => handled().length > before, 10_000, `the bot to handle :${reaction}:`);
}

const summaries = (channel: string): FakeMessage[] =>
  world.postsIn(channel).filter((post) => String(post.metadata?.event_payload.key).includes('|summary|'));

describe('Slack end to end: summaries on reaction', () => {
  it('posts one summary in the digest thread, however many react', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const [root, ...replies] = world.postsIn(world.papers.id);
    const paper = replies.find((reply) => keyOf(reply) === '2602.01002');
    if (!root || !paper) throw new Error('the digest was not posted');
    // The model answers this paper's summary with mentions and a forged link in it.
    world.openai.enqueue({
      type: 'content',
      content: [
        '## Contributions',
        'Decentralized training <!channel> without servers; ask <@U0BOT0001>.',
        '## Method and setup',
        'Gossip averaging, see <https://evil.example|arxiv.org/abs/2602.01002> & [the code](https://evil.example/code).',
        '## Results',
        'Within 2% of the baseline.',
        '## Conclusions',
        'Parameter servers are not needed.',
      ].join('\n'),
    });

    await react(world.bob.id, world.papers.id, paper.ts, 'thumbsup');
    expect(handled()).toEqual(['other-emoji']);
    await react(world.ada.id, world.papers.id, paper.ts);
    await react(world.bob.id, world.papers.id, paper.ts);
    expect(handled()).toEqual(['other-emoji', 'posted', 'already-posted']);

    const posted = summaries(world.papers.id);
    expect(posted).toHaveLength(1);
    const summary = posted[0] as FakeMessage;
    // In the digest's thread (the reply's root), links not unfurled.
    expect(summary.sent.thread_ts).toBe(root.ts);
    expect(summary.sent).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    const shown = readMessage(summary.sent as never);
    expect(shown.text).toContain('Distributed Training Without Parameter Servers');
    expect(shown.text).toContain('Contributions');
    expect(shown.text).toContain('Within 2% of the baseline.');
    expect(shown.text).toContain(`Summary by ${MODEL}`);
    // What the model wrote pings nobody, and its Slack-syntax link is text: a label naming arxiv.org never
    // leads elsewhere. Its Markdown link is shown with its real address, never behind its label.
    expect(shown.pings).toEqual([]);
    const raw = rawText(summary.sent);
    for (const construct of ['<!channel>', '<@U', '<https://evil.example|', '|the code>'])
      expect(raw).not.toContain(construct);
    for (const link of shown.links) {
      if (link.text.includes('arxiv.org')) expect(new URL(link.url).hostname).toBe('arxiv.org');
      if (new URL(link.url).hostname !== 'arxiv.org') expect(link.text).toBe(link.url);
    }
    expect(shown.text).toContain('the code (https://evil.example/code)');
  });

  it('summarizes the paper linked in a person message, in that message thread', async () => {
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
    // As Slack stores a message whose link the client recognized.
    const ts = world.fake.postAsUser(
      world.bob.id,
      world.papers.id,
      'Has anyone read <https://arxiv.org/abs/2602.04242v1|arxiv.org/abs/2602.04242v1>? Looks relevant.',
    );
    await react(world.ada.id, world.papers.id, ts);
    await react(world.bob.id, world.papers.id, ts);
    expect(handled()).toEqual(['posted', 'already-posted']);

    const posted = summaries(world.papers.id);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.sent.thread_ts).toBe(ts);
    const shown = readMessage(posted[0]?.sent as never).text;
    expect(shown).toContain('Retrieval Heads in Long-Context Models');
    expect(shown).toContain('Contributions');
  });

  it('ignores a reaction on a message about no paper', async () => {
    world = await slackWorld();
    await world.boot();
    const ts = world.fake.postAsUser(world.bob.id, world.papers.id, 'Lunch at noon?');
    await react(world.ada.id, world.papers.id, ts);
    expect(handled()).toEqual(['no-paper']);
    expect(world.postsIn(world.papers.id)).toHaveLength(0);
  });
});
