/**
 * The weekly rollup end to end on Slack (issue 14): `/arxiv weekly on` over Socket Mode, votes by reaction
 * on the week's digest, then the rollup posted once, as a root and thread replies, by the real Slack
 * adapter; a second run and a run by a restarted bot on the same store post nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextWeeklyInstant } from '../../../src/schedule/calendar.ts';
import { readMessage } from '../../fakes/slack/shown.ts';
import type { FakeMessage } from '../../fakes/slack-server.ts';
import { command } from './slack-steps.ts';
import { keyOf, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

const HOLDER = 'replica-1';
const textOf = (message: FakeMessage) => readMessage(message as never).text;

function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

describe('Slack end to end: the weekly rollup', () => {
  it('posts the week once as a thread, and not again after a restart', async () => {
    world = await slackWorld();
    const first = await world.boot({ holder: HOLDER });
    const channel = world.papers.id;
    const on = await command(world, { user: world.ada.id, channel, text: 'weekly on monday 09:00' });
    expect(readMessage(on.answers[0]?.body as never).text).toContain(
      'now gets a weekly rollup, Mondays at 09:00',
    );

    await first.bot.deliverScheduled([await world.subscription(world.channel, first.bot)]);
    const paper = world.postsIn(channel).find((post) => keyOf(post) === '2602.01002');
    if (!paper) throw new Error('paper 2602.01002 was not posted');
    const delivery = await world.fake.react({ user: world.bob.id, channel, ts: paper.ts, reaction: '+1' });
    if (delivery) await world.fake.acknowledged(delivery);
    await world.fake.waitFor(() => votes().length > 0, 10_000, 'the vote');

    // The Monday after this week: the rollup of this week is due.
    const subscription = await world.subscription(world.channel, first.bot);
    const scheduledFor = nextWeeklyInstant(new Date(), { day: 'monday', time: '09:00', timeZone: 'UTC' });
    const digestPosts = world.postsIn(channel).length;
    expect(await first.bot.runWeekly([{ subscription, scheduledFor }])).toEqual({ failed: [] });
    const rollup = world.postsIn(channel).slice(digestPosts);
    expect(rollup).toHaveLength(2);
    const [root, liked] = rollup;
    expect(root?.threadTs).toBeNull();
    expect(textOf(root as FakeMessage)).toMatch(
      /^Weekly rollup, .*\n1 digest delivered, 3 papers posted, 1 vote, 0 summaries\.$/,
    );
    expect(liked?.threadTs).toBe(root?.ts);
    expect(textOf(liked as FakeMessage)).toMatch(
      /^Liked most\n1\. Distributed Training Without Parameter Servers \(1 like\)/,
    );

    expect(await first.bot.runWeekly([{ subscription, scheduledFor }])).toEqual({ failed: [] });
    await first.stop();
    const restarted = await world.boot({ holder: HOLDER });
    expect(
      await restarted.bot.runWeekly([
        { subscription: await world.subscription(world.channel, restarted.bot), scheduledFor },
      ]),
    ).toEqual({ failed: [] });
    expect(world.postsIn(channel)).toHaveLength(digestPosts + 2);
  });
});
