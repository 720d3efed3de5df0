/**
 * A scheduled digest to 100 Discord channels through the real core: the Bot (its exactly-once delivery, the
 * delivery log in a SQLite store) and the real DiscordAdapter on discord.js, against the fake Discord with
 * Discord's limits enforced: 5 messages per 5 s per channel, 50 requests per second in all (the global
 * limit), per-route buckets with their headers, and 429s beyond them. The 100 channels are seeded from
 * config.json's `channels`; the fake arXiv serves a listing of PAPERS papers that all match, so each channel
 * gets a root message, a thread started from it, and PAPERS messages in the thread. The listing is fetched
 * before the clock starts: the figure is the posting.
 *
 * The bound the limits set is the larger of two: every channel side by side at 5 messages per 5 s (the
 * messages beyond the first window wait a window each), and every REST request the run made at 50 a second.
 * The core delivers to every target at once, every digest planned first; the adapter adds no pacing:
 * discord.js's REST queue keeps each route's bucket from the X-RateLimit headers of every answer, and the
 * global limit by counting its own requests (globalRequestsPerSecond, 50), so 429s here would mean it did
 * not. Figures: total time against that bound, 429s met, posts lost or doubled, targets failed.
 *
 *   node_modules/.bin/node bench/discord-digest.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelTarget } from '../adapters/discord/ids.ts';
import { silentLogger } from '../src/log.ts';
import { bootBot } from '../test/e2e/discord/world.ts';
import { rssListingXml, startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { FakeDiscord } from '../test/fakes/discord-server.ts';

const CHANNELS = 100;
const PAPERS = 5;
const CHANNEL_LIMIT = { limit: 5, windowMs: 5000 };
const GLOBAL_PER_SECOND = 50;

const listing = rssListingXml(
  Array.from({ length: PAPERS }, (_, i) => ({
    id: `2602.${String(i + 1).padStart(5, '0')}`,
    title: `Diffusion result ${i + 1}`,
    abstract: 'A paper about diffusion models.',
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    categories: ['cs.LG'],
  })),
  { categories: ['cs.LG'], pubDate: 'Wed, 04 Feb 2026 00:00:00 -0500' },
);

const fake = await FakeDiscord.start({
  rateLimits: { messagesPerChannel: CHANNEL_LIMIT, globalPerSecond: GLOBAL_PER_SECOND },
});
const guild = fake.addGuild({ name: 'Bench Lab' });
const channels = Array.from({ length: CHANNELS }, (_, i) =>
  fake.addChannel({ guild: guild.id, name: `team-${i}` }),
);
const targets = channels.map((channel) => channelTarget(guild.id, channel.id));
const arxiv = await startFakeArxiv({ recordings: false });
arxiv.setListing(listing);
const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
const running = await bootBot(
  {
    config: {
      categories: ['cs.LG'],
      keywords: ['diffusion'],
      channels: targets.map((target) => ({ target })),
      ai_summary: { enabled: false },
      arxiv: { rss_url: arxiv.rssUrl, api_url: arxiv.apiUrl, min_interval_ms: 0 },
    },
    storePath: join(dir, 'state.sqlite'),
    discord: { token: fake.token, apiUrl: fake.apiUrl },
  },
  silentLogger,
);
const { bot } = running;
const subscriptions = await Promise.all(targets.map((target) => bot.subscriptions.get(target)));
await bot.listings.latest(['cs.LG']);
const callsBefore = fake.calls.length;

const started = Date.now();
const outcomes = await bot.deliverScheduled(subscriptions.filter((s) => s !== undefined));
const elapsed = (Date.now() - started) / 1000;

const calls = fake.calls.slice(callsBefore);
const perChannel = 1 + PAPERS;
const windowsWaited = Math.ceil(perChannel / CHANNEL_LIMIT.limit) - 1;
const channelBound = (windowsWaited * CHANNEL_LIMIT.windowMs) / 1000;
const globalBound = calls.length / GLOBAL_PER_SECOND;
const bound = Math.max(channelBound, globalBound);

const expected = CHANNELS * perChannel;
const posted = channels.flatMap((channel) => [
  ...fake.messagesIn(channel.id),
  ...fake.threads(channel.id).flatMap((thread) => fake.messagesIn(thread.id)),
]);
const byBot = posted.filter((message) => message.authorId === fake.bot.id);
/** The poster's footer names what a message is (`arxiv-digest · ref …`, from its idempotency key). */
const footer = (embeds: Record<string, unknown>[]) =>
  (embeds.at(-1)?.footer as { text?: string } | undefined)?.text;
const markers = new Set(
  byBot.map((message) => `${message.channelId} ${footer(message.embeds) ?? message.id}`),
);
const failed = outcomes.filter((outcome) => outcome.outcome?.status !== 'delivered').length;

console.log(
  `a digest to ${CHANNELS} Discord channels, ${perChannel} messages each, Discord's limits enforced`,
);
console.log(
  `  total time ${elapsed.toFixed(1)} s lower bound ${bound.toFixed(1)} s ratio ${(elapsed / bound).toFixed(2)}`,
);
console.log(
  `  bound                 per channel ${channelBound} s; ${calls.length} requests at ${GLOBAL_PER_SECOND}/s: ${globalBound.toFixed(1)} s (global limit kept by discord.js's REST queue)`,
);
const firstPost = Math.min(...calls.filter((call) => call.method === 'POST').map((call) => call.at));
console.log(`  first post after      ${((firstPost - started) / 1000).toFixed(1)} s (every digest planned)`);
console.log(
  `  posts                 ${byBot.length} of ${expected} (${CHANNELS} channels x ${perChannel}), doubled ${byBot.length - markers.size}, lost ${expected - markers.size}`,
);
console.log(
  `  threads               ${channels.reduce((sum, channel) => sum + fake.threads(channel.id).length, 0)}`,
);
console.log(`  429 answers           ${fake.count429()}`);
console.log(`  targets not delivered ${failed}`);
await running.stop();
await fake.close();
await arxiv.close();
rmSync(dir, { recursive: true, force: true });
