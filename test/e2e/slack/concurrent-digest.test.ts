/**
 * Ten people typing /arxiv digest in one channel at once, end to end: the real core and the real
 * SlackAdapter over Socket Mode against the fake Slack (which paces chat.postMessage as Slack does). Every
 * paper is posted once, in the root's thread, the digest completes without being asked again, and each of
 * the ten is told what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import { command } from './slack-steps.ts';
import { keyOf, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

describe('Slack end to end: overlapping /arxiv digest in one channel', () => {
  it('ten at once post every paper once, and each of the ten is told the digest is there', {
    timeout: 60_000,
  }, async () => {
    world = await slackWorld();
    const people = Array.from({ length: 10 }, (_, i) => {
      const user = world.fake.addUser(`reader${i}`);
      world.papers.members.add(user.id);
      return user;
    });
    const { bot } = await world.boot();
    const runs = await Promise.all(
      people.map((user) => command(world, { user: user.id, channel: world.papers.id, text: 'digest' })),
    );

    const posts = world.fake.posts().filter((post) => post.channel === world.papers.id);
    const keys = posts.map(keyOf);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(4);
    expect(posts.slice(1).every((post) => post.threadTs === posts[0]?.ts)).toBe(true);
    expect((await bot.deliveries.get(world.channel, '2026-02-04'))?.record.completedAt).toBeTruthy();

    // The final answer of each (a slow run first says it is under way).
    const final =
      /Posted the digest of 2026-02-04 \(3 papers\)|already being posted here when you asked; it is complete now \(3 papers\)/;
    const answered = (url: unknown) =>
      world.fake.answers.some(
        (answer) => answer.responseUrl === String(url) && final.test(readMessage(answer.body as never).text),
      );
    await world.fake.waitFor(
      () => runs.every((run) => answered(run.delivery.payload.response_url)),
      20_000,
      'every answer',
    );
    const posted = world.fake.answers.filter((answer) =>
      readMessage(answer.body as never).text.includes('Posted the digest'),
    );
    expect(posted).toHaveLength(1);
  });
});
