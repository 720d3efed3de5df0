/**
 * 500 `/arxiv search` interactions from 50 users at once, through the real core and the real
 * DiscordAdapter on discord.js, against the fake Discord (which refuses an acknowledgement later than 3 s,
 * or a second one). Each user types 10 searches one after another, with a query of their own each time
 * (distinct words, so no answer is a cached one); the 50 users go side by side. The fake arXiv API answers
 * every search (with the local index of the listing, as in production).
 *
 * Figures: the time from Discord's dispatch to the acknowledgement (the deferral) and to the answer (the
 * deferred reply edited), median and p99; acknowledgements refused or missing; answers missing.
 *
 *   node_modules/.bin/node bench/discord-commands.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelTarget } from '../adapters/discord/ids.ts';
import { registerCommands } from '../adapters/discord/register.ts';
import { silentLogger } from '../src/log.ts';
import { bootBot } from '../test/e2e/discord/world.ts';
import { rssListingXml, startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { FakeDiscord } from '../test/fakes/discord-server.ts';

const USERS = 50;
const EACH = 10;
const WORDS = ['diffusion', 'transformer', 'graph', 'quantum', 'protein', 'robot', 'language', 'vision'];

const fake = await FakeDiscord.start();
const guild = fake.addGuild({ name: 'Bench Lab' });
const channel = fake.addChannel({ guild: guild.id, name: 'papers' });
const users = Array.from({ length: USERS }, (_, i) => {
  const user = fake.addUser({ username: `reader-${i}` });
  fake.addMember({ guild: guild.id, user: user.id });
  return user;
});
await registerCommands({
  settings: {
    token: fake.token,
    applicationId: fake.applicationId,
    devGuildId: guild.id,
    apiUrl: fake.apiUrl,
  },
});
const arxiv = await startFakeArxiv({ recordings: false });
arxiv.setListing(
  rssListingXml(
    Array.from({ length: 200 }, (_, i) => ({
      id: `2602.${String(i + 1).padStart(5, '0')}`,
      title: `${WORDS[i % WORDS.length]} result ${i + 1}`,
      abstract: `A paper about ${WORDS[(i * 3) % WORDS.length]} and ${WORDS[(i * 5) % WORDS.length]}.`,
      authors: ['Ada Lovelace', 'Alan Turing'],
      categories: ['cs.LG'],
    })),
    { categories: ['cs.LG'], pubDate: 'Wed, 04 Feb 2026 00:00:00 -0500' },
  ),
);
const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
const running = await bootBot(
  {
    config: {
      categories: ['cs.LG'],
      keywords: ['diffusion'],
      channels: [{ target: channelTarget(guild.id, channel.id) }],
      ai_summary: { enabled: false },
      arxiv: { rss_url: arxiv.rssUrl, api_url: arxiv.apiUrl, min_interval_ms: 0 },
    },
    storePath: join(dir, 'state.sqlite'),
    discord: { token: fake.token, apiUrl: fake.apiUrl },
  },
  silentLogger,
);
await running.bot.listings.latest(['cs.LG']);

/** From dispatch to the answer (the deferred reply edited), as the user waits for it. */
const answerMs: number[] = [];
const started = Date.now();
await Promise.all(
  users.map(async (user, u) => {
    for (let n = 0; n < EACH; n++) {
      const query = `${WORDS[(u + n) % WORDS.length]} ${WORDS[(u * 7 + n) % WORDS.length]} q${u}x${n}`;
      const handle = fake.interact({
        user: user.id,
        channel: channel.id,
        subcommand: 'search',
        options: { query },
      });
      const sent = Date.now();
      await handle.acknowledged(10_000).catch(() => null);
      if (await handle.reply(60_000).catch(() => null)) answerMs.push(Date.now() - sent);
    }
  }),
);
const elapsed = (Date.now() - started) / 1000;

const records = fake.interactions.filter((record) => record.type === 2);
const ackMs = records.flatMap((record) => (record.ack ? [record.ack.at - record.dispatchedAt] : []));
const refused = records
  .flatMap((record) => record.attempts)
  .filter((attempt) => attempt.status !== 204).length;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

console.log(`${records.length} /arxiv search interactions from ${USERS} users at once, ${EACH} each`);
console.log(`  total time                 ${elapsed.toFixed(1)} s`);
console.log(
  `  acknowledged               median ${quantile(ackMs, 0.5)} ms   p99 ${quantile(ackMs, 0.99)} ms   max ${Math.max(...ackMs)} ms   (Discord's limit 3000 ms)`,
);
console.log(
  `  answered                   median ${quantile(answerMs, 0.5)} ms   p99 ${quantile(answerMs, 0.99)} ms`,
);
console.log(
  `  not acknowledged ${records.length - ackMs.length}, callbacks refused ${refused}, not answered ${records.length - answerMs.length}`,
);
await running.stop();
await fake.close();
await arxiv.close();
rmSync(dir, { recursive: true, force: true });
