/**
 * Digests under Slack's rate limit in its HTTP 200 form (`{ok: false, error: "ratelimited"}`), end to end:
 * the real core, the real SlackAdapter over Socket Mode, the fake Slack enforcing a per-channel limit of one
 * post a second (bursts of three) and answering beyond it with HTTP 200. Every refusal is waited out: the
 * digest arrives whole, each paper once, in its thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channelTarget } from '../../../adapters/slack/ids.ts';
import type { FeedPaper } from '../../fakes/arxiv-server.ts';
import { readMessage } from '../../fakes/slack/shown.ts';
import { command } from './slack-steps.ts';
import { keyOf, listingWith, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

/** Six more papers on translation, so a digest is longer than the fake's burst of three posts. */
const MORE: FeedPaper[] = Array.from({ length: 6 }, (_, n) => ({
  id: `2602.0109${n}`,
  title: `Speech Translation Study ${n + 1}`,
  abstract: `Translation results, part ${n + 1}. More words.`,
  authors: ['Grace Hopper'],
  categories: ['cs.CL'],
}));

/** Each channel's digest: its root first, then every paper once, each in the root's thread. */
function expectWhole(channel: string, papers: number): void {
  const posts = world.postsIn(channel);
  const keys = posts.map(keyOf);
  expect(keys[0]).toBe('root');
  expect(keys).toHaveLength(papers + 1);
  expect(new Set(keys).size).toBe(keys.length);
  expect(posts.slice(1).every((post) => post.threadTs === posts[0]?.ts)).toBe(true);
}

const refusals = () =>
  world.fake
    .callsTo('chat.postMessage')
    .filter((call) => call.error === 'ratelimited' || call.error === 'rate_limited');

describe('Slack end to end: digests under a rate limit answered with HTTP 200', () => {
  it('posts the whole on-demand digest, waiting each refusal out per its Retry-After', async () => {
    world = await slackWorld({ listing: listingWith(...MORE) });
    world.fake.rateLimit('chat.postMessage', 1, 3, { form: 'ok-false', error: 'ratelimited' });
    await world.boot({ adapter: { minPostIntervalMs: 0 } });
    const begun = Date.now();
    // Two answers: the digest outlasts the core's progress delay, so it first says it is under way.
    const run = await command(world, { user: world.ada.id, channel: world.papers.id, text: 'digest' }, 2);
    const seconds = (Date.now() - begun) / 1000;

    expect(readMessage(run.answers[0]?.body as never).text).toContain('Preparing the digest of 2026-02-04');
    const answer = readMessage(run.answers.at(-1)?.body as never).text;
    expect(answer).toContain('Posted the digest of 2026-02-04 (9 papers) in this channel.');
    expectWhole(world.papers.id, 9);
    const calls = world.fake.callsTo('chat.postMessage');
    expect(refusals().length).toBeGreaterThan(0);
    expect(calls.every((call) => call.status === 200)).toBe(true);
    // After each refusal the channel was not called again before its Retry-After (1 s) had passed.
    for (const refused of refusals()) {
      const next = calls.find((call) => call.at > refused.at);
      expect(next && next.at - refused.at).toBeGreaterThanOrEqual(990);
    }
    console.info(
      `on-demand digest under a 200 "ratelimited" limit: ${world.postsIn(world.papers.id).length - 1} of 9 papers out in ${seconds.toFixed(1)} s, ${refusals().length} refusals waited out`,
    );
  }, 60_000);

  it('delivers the scheduled digest to three channels whole, backing off when no Retry-After is given', async () => {
    world = await slackWorld({ listing: listingWith(...MORE) });
    const lab = world.fake.addChannel({ name: 'lab', members: [world.ada.id] });
    const team = world.fake.addChannel({ name: 'team', members: [world.ada.id] });
    const { bot } = await world.boot({ adapter: { minPostIntervalMs: 0 } });
    for (const channel of [lab, team]) {
      await command(world, { user: world.ada.id, channel: channel.id, text: 'subscribe translation' });
    }
    world.fake.rateLimit('chat.postMessage', 1, 3, {
      form: 'ok-false',
      error: 'rate_limited',
      retryAfter: false,
    });

    const targets = [world.channel, ...[lab, team].map((c) => channelTarget(world.fake.teamId, c.id))];
    const begun = Date.now();
    const outcomes = await bot.deliverScheduled(
      await Promise.all(targets.map((target) => world.subscription(target, bot))),
    );
    const seconds = (Date.now() - begun) / 1000;
    expect(outcomes.map((o) => o.outcome?.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(outcomes.map((o) => o.error ?? null)).toEqual([null, null, null]);
    expectWhole(world.papers.id, 9);
    expectWhole(lab.id, 7);
    expectWhole(team.id, 7);
    expect(refusals().length).toBeGreaterThan(0);
    console.info(
      `scheduled digest to 3 channels under a 200 "rate_limited" limit without Retry-After: ${world.fake.posts().length - 3} of 23 papers out in ${seconds.toFixed(1)} s, ${refusals().length} refusals waited out`,
    );
  }, 60_000);
});
