/**
 * The weekly rollup end to end on Discord (issue 14): `/arxiv weekly` as a typed subcommand through the
 * real discord.js client, a vote by reaction on the week's digest, then the rollup posted once by the real
 * Discord adapter, a root in the channel and the lists in its thread; a second run and a run by a restarted
 * bot on the same store post nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextWeeklyInstant } from '../../../src/schedule/calendar.ts';
import { command } from './steps.ts';
import { type DiscordWorld, discordWorld, paperOf, shownText } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

describe('Discord end to end: the weekly rollup', () => {
  it('posts the week once, root and thread, and not again after a restart', async () => {
    world = await discordWorld();
    const first = await world.boot({ holder: 'replica-1' });
    // Bob may manage the channel (the world gives him ManageChannels).
    const on = await command(world, {
      user: world.bob.id,
      channel: world.papers.id,
      subcommand: 'weekly',
      options: { enabled: true, day: 'Monday', time: '9am' },
    });
    expect(shownText(on.reply)).toContain('now gets a weekly rollup, Mondays at 09:00');

    await first.bot.deliverScheduled([await world.subscription(world.channel, first.bot)]);
    const digestRoot = world.postsIn(world.papers.id)[0];
    if (!digestRoot) throw new Error('the digest was not posted');
    const training = world.postsIn(digestRoot.id).find((message) => paperOf(message) === '2602.01002');
    if (!training) throw new Error('paper 2602.01002 was not posted');
    world.fake.react({ user: world.bob.id, channel: training.channelId, message: training.id, emoji: '👍' });
    await world.fake.waitFor(() => votes().length > 0, 15_000, 'the vote');

    const scheduledFor = nextWeeklyInstant(new Date(), { day: 'monday', time: '09:00', timeZone: 'UTC' });
    const subscription = await world.subscription(world.channel, first.bot);
    expect(await first.bot.runWeekly([{ subscription, scheduledFor }])).toEqual({ failed: [] });
    const roots = world.postsIn(world.papers.id);
    expect(roots).toHaveLength(2);
    const root = roots[1];
    if (!root) throw new Error('no rollup');
    expect(shownText(root)).toMatch(
      /Weekly rollup, .*1 digest delivered, 3 papers posted, 1 vote, 0 summaries\./s,
    );
    const replies = world.postsIn(root.id);
    expect(replies).toHaveLength(1);
    expect(shownText(replies[0] as (typeof replies)[number])).toMatch(
      /Liked most.*1\. Distributed Training Without Parameter Servers \(1 like\)/s,
    );

    expect(await first.bot.runWeekly([{ subscription, scheduledFor }])).toEqual({ failed: [] });
    await first.stop();
    const restarted = await world.boot({ holder: 'replica-1' });
    const again = await world.subscription(world.channel, restarted.bot);
    expect(await restarted.bot.runWeekly([{ subscription: again, scheduledFor }])).toEqual({ failed: [] });
    expect(world.postsIn(world.papers.id)).toHaveLength(2);
    expect(world.postsIn(root.id)).toHaveLength(1);
  });
});
