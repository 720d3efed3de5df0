/**
 * Discord's global limit (50 requests a second per bot), against the fake Discord's limits
 * (test/fakes/discord/limits.ts), which answer 429 to the 51st request of its window of a second: posts to
 * 60 channels at once, two each, get no 429 and go out over more than one second. discord.js's REST
 * queue keeps it (it counts its requests against globalRequestsPerSecond, 50, before sending), so the
 * adapter adds no pacing of its own. It counts only its own requests, though: in the second after start-up
 * the world's command registration and GET /gateway/bot (other clients) made two of these posts meet 429s,
 * waited out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channelTarget } from '../../../adapters/discord/ids.ts';
import type { OutboundMessage } from '../../../src/chat/types.ts';
import { type DiscordWorld, discordWorld } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

const text = (t: string): OutboundMessage => ({ text: t, blocks: [{ kind: 'text', spans: [{ text: t }] }] });

describe('Discord: the global rate limit', () => {
  it('is kept when the bot posts to many channels at once', async () => {
    world = await discordWorld();
    const { adapter } = await world.boot();
    // The world's command registration and the gateway's GET /gateway/bot go by other REST clients, which
    // no limiter of the bot's counts: leave their second behind.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const channels = Array.from({ length: 60 }, (_, i) =>
      world.fake.addChannel({ guild: world.guild.id, name: `team-${i}` }),
    );
    const before = world.fake.calls.length;

    await Promise.all(
      channels.flatMap((channel, i) => {
        const target = channelTarget(world.guild.id, channel.id);
        return [adapter.post(target, text(`first ${i}`)), adapter.post(target, text(`second ${i}`))];
      }),
    );

    expect(channels.flatMap((channel) => world.postsIn(channel.id))).toHaveLength(120);
    expect(world.fake.rateLimitHits).toEqual([]);
    const times = world.fake.calls
      .slice(before)
      .map((call) => call.at)
      .sort((a, b) => a - b);
    expect(times.length).toBeGreaterThanOrEqual(120);
    // The fake counts as Discord does (a window of a second from its first request) and refused nothing
    // (above). A sliding window over arrival times is not the rule and, on a loaded machine, the arrivals'
    // jitter pushes it past 50 now and then; that the 120 went out over more than one window is.
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1000);
  }, 20_000);
});
