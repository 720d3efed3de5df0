/**
 * The scheduled digest end to end: the real core (Bot, engine, SQLite store) and the real SlackAdapter over
 * Socket Mode, against the fake Slack, the fake arXiv serving the listing fixture and the fake model.
 * Assertions are on what reached the fake Slack: the raw chat.postMessage parameters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channelTarget } from '../../../adapters/slack/ids.ts';
import { readMessage } from '../../fakes/slack/shown.ts';
import type { FakeMessage } from '../../fakes/slack-server.ts';
import { command, rawText } from './slack-steps.ts';
import { keyOf, listingWith, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

/** A matched paper whose title and abstract hold Slack's special characters. */
const AMPERSAND = {
  id: '2602.01077',
  title: 'Speech Translation & Alignment for <5k-Hour Languages',
  abstract: 'Gains of 3 < 4 & more on speech translation. Second sentence.',
  authors: ['Grace Hopper'],
  categories: ['cs.CL'],
};

/** A matched paper whose title, authors and abstract try to ping the channel and forge a link. */
const HOSTILE = {
  id: '2602.01066',
  title:
    'Translation for everyone <!channel> <!here> <@U0BOT0001> <https://evil.example/x|arxiv.org/abs/2602.01001>',
  abstract: 'We ping <!everyone> and <@U0FAKE123> from the abstract <https://evil.example|click>. Then more.',
  authors: ['Mallory <!channel>', 'Eve <@U0FAKE123>'],
  categories: ['cs.CL'],
};

const FORBIDDEN = ['<!channel>', '<!here>', '<!everyone>', '<@U', '<https://evil', '<http://evil'];

function expectHarmless(post: FakeMessage): void {
  const raw = rawText(post.sent);
  for (const construct of FORBIDDEN) expect(raw).not.toContain(construct);
  const shown = readMessage(post.sent as never);
  expect(shown.pings).toEqual([]);
  // Every link either goes to arXiv or shows its own address (a bare URL in a title is linked by the
  // client): no label hides where a link goes.
  for (const link of shown.links) {
    if (!link.url.startsWith('https://arxiv.org/')) expect(link.text).toBe(link.url);
  }
}

describe('Slack end to end: the scheduled digest', () => {
  it('arrives as a root message with one threaded reply per paper, escaped, links not unfurled', async () => {
    world = await slackWorld({ listing: listingWith(AMPERSAND) });
    const { bot } = await world.boot();
    const outcomes = await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    expect(outcomes).toMatchObject([
      { target: world.channel, outcome: { status: 'delivered', announced: '2026-02-04', papers: 4 } },
    ]);

    const posts = world.postsIn(world.papers.id);
    expect(posts).toHaveLength(5);
    const [root, ...replies] = posts;
    if (!root) throw new Error('no root');
    expect(root.sent.thread_ts).toBeUndefined();
    expect(keyOf(root)).toBe('root');
    const rootShown = readMessage(root.sent as never).text;
    expect(rootShown).toContain('arXiv digest · 2026-02-04');
    expect(rootShown).toContain('*4 papers*');
    expect(rootShown).toContain('mixture of experts, distributed training, translation');
    expect(rootShown).toContain('React with 📝 on one to get its summary');

    // Every reply in the root's thread, one per paper, best first.
    expect(replies.map((reply) => reply.sent.thread_ts)).toEqual(replies.map(() => root.ts));
    expect(replies.map((reply) => reply.threadTs)).toEqual(replies.map(() => root.ts));
    expect(new Set(replies.map(keyOf))).toEqual(
      new Set(['2602.01001', '2602.01002', '2602.01003', AMPERSAND.id]),
    );
    expect(replies.map((reply) => /^(\d+)\. /.exec(String(reply.sent.text))?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    for (const post of posts) {
      expect(post.sent).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
      expect(post.blocks?.length).toBeGreaterThan(0);
      expectHarmless(post);
    }

    // One reply, as Slack shows it: title linking to the abstract page, authors, categories, score, terms,
    // and the TL;DR the model wrote from the abstract.
    const tokenizer = replies.find((reply) => keyOf(reply) === '2602.01003');
    const shown = readMessage(tokenizer?.sent as never);
    expect(shown.links).toEqual([
      {
        text: 'Tokenizer-Free Translation of Low-Resource Languages',
        url: 'https://arxiv.org/abs/2602.01003',
      },
    ]);
    expect(shown.text).toContain('Noam Chomsky · cs.CL, cs.AI, cs.LG, stat.ML');
    expect(shown.text).toMatch(/score 1\.5 · matched: translation/);
    expect(shown.text).toContain(
      '*TL;DR* Tokenizer-Free Translation of Low-Resource Languages - Byte-level translation for languages with little data.',
    );

    // "&" and "<" from arXiv reach Slack as entities, in the blocks and in the fallback text, and show as
    // the characters themselves.
    const ampersand = replies.find((reply) => keyOf(reply) === AMPERSAND.id);
    if (!ampersand) throw new Error('the ampersand paper was not posted');
    expect(String(ampersand.sent.text)).toContain(
      'Speech Translation &amp; Alignment for &lt;5k-Hour Languages',
    );
    expect(JSON.stringify(ampersand.sent.blocks)).toContain(
      '|Speech Translation &amp; Alignment for &lt;5k-Hour Languages>',
    );
    expect(JSON.stringify(ampersand.sent.blocks)).toContain('Gains of 3 &lt; 4 &amp; more');
    expect(readMessage(ampersand.sent as never).text).toContain(
      'Speech Translation & Alignment for <5k-Hour Languages',
    );
  });

  it('posts nothing when run again with nothing new', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    const subscription = await world.subscription(world.channel, bot);
    await bot.deliverScheduled([subscription]);
    const again = await bot.deliverScheduled([subscription]);
    expect(again[0]?.outcome).toMatchObject({ status: 'already-delivered' });
    expect(world.postsIn(world.papers.id)).toHaveLength(4);
  });

  it('lets a paper whose title holds <!channel>, a mention and a forged link ping nobody', async () => {
    world = await slackWorld({ listing: listingWith(HOSTILE) });
    const { bot } = await world.boot();
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const posts = world.postsIn(world.papers.id);
    expect(posts).toHaveLength(5);
    for (const post of posts) expectHarmless(post);

    const hostile = posts.find((post) => keyOf(post) === HOSTILE.id);
    if (!hostile) throw new Error('the hostile paper was not posted');
    const shown = readMessage(hostile.sent as never).text;
    expect(readMessage(hostile.sent as never).links.map((link) => link.url)).toContain(
      'https://arxiv.org/abs/2602.01066',
    );
    // The reader sees what arXiv sent, as text.
    expect(shown).toContain('Translation for everyone <!channel> <!here> <@U0BOT0001>');
    expect(shown).toContain('Mallory <!channel>, Eve <@U0FAKE123>');
    // The model's TL;DR quoted the abstract; the summarizer dropped the mentions from it.
    expect(shown).toContain('*TL;DR* Translation for everyone');
    expect(String(hostile.sent.text)).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOT0001&gt;');
  });

  it('waits out 429s per Retry-After and loses nothing, in every channel', async () => {
    world = await slackWorld();
    const lab = world.fake.addChannel({ name: 'lab', members: [world.ada.id] });
    // Slack's per-channel limit, with no pacing in the adapter: every channel runs into 429s.
    world.fake.rateLimit('chat.postMessage', 1, 2);
    const { bot } = await world.boot({ adapter: { minPostIntervalMs: 0 } });
    await command(world, {
      user: world.ada.id,
      channel: lab.id,
      text: 'subscribe translation, "mixture of experts"',
    });

    const labTarget = channelTarget(world.fake.teamId, lab.id);
    const outcomes = await bot.deliverScheduled([
      await world.subscription(world.channel, bot),
      await world.subscription(labTarget, bot),
    ]);
    expect(outcomes.map((o) => o.outcome?.status)).toEqual(['delivered', 'delivered']);

    const calls = world.fake.callsTo('chat.postMessage');
    const limited = calls.filter((call) => call.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    // After a 429 the same channel was not called again before Retry-After (1 s) had passed.
    for (const refused of limited) {
      const next = calls.find(
        (call) => call.at > refused.at && call.params.channel === refused.params.channel,
      );
      expect(next && next.at - refused.at).toBeGreaterThanOrEqual(990);
    }
    // Nothing lost, nothing repeated: each channel has its root and every paper once, in order, threaded.
    for (const [channel, papers] of [
      [world.papers.id, ['2602.01003', '2602.01002', '2602.01001']],
      [lab.id, ['2602.01003', '2602.01001']],
    ] as const) {
      const posts = world.postsIn(channel);
      expect(posts.map(keyOf)).toEqual(['root', ...papers]);
      expect(posts.slice(1).every((post) => post.threadTs === posts[0]?.ts)).toBe(true);
    }
  });

  it('delivers to the other channels when the bot is not in one, and logs how to fix it', async () => {
    world = await slackWorld();
    const outside = world.fake.addChannel({ name: 'outside', members: [world.ada.id], bot: false });
    const { bot } = await world.boot();
    await command(world, { user: world.ada.id, channel: outside.id, text: 'subscribe translation' });
    const outsideTarget = channelTarget(world.fake.teamId, outside.id);

    const outcomes = await bot.deliverScheduled([
      await world.subscription(outsideTarget, bot),
      await world.subscription(world.channel, bot),
    ]);
    expect(outcomes[0]).toMatchObject({ target: outsideTarget, outcome: null });
    expect(outcomes[0]?.error).toBeTruthy();
    expect(outcomes[1]?.outcome).toMatchObject({ status: 'delivered', papers: 3 });
    expect(world.postsIn(outside.id)).toHaveLength(0);
    expect(world.postsIn(world.papers.id)).toHaveLength(4);
    expect(
      world.logs.lines.some((line) => String(line.msg).startsWith(`cannot post to ${outsideTarget}`)),
    ).toBe(true);
  });
});
