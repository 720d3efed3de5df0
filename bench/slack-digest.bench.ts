/**
 * A scheduled digest to 100 Slack channels through the real core: the Bot (its exactly-once delivery, the
 * delivery log in a SQLite store) and the real SlackAdapter, against the fake Slack with Slack's
 * per-channel rate limit for chat.postMessage enforced (1 message per second per channel, bursts of 2;
 * beyond it 429 with Retry-After). The 100 channels are seeded from config.json's `channels`; the fake arXiv
 * serves a listing of PAPERS papers that all match, so each channel gets a root message and PAPERS replies.
 * The listing is fetched before the clock starts: the figure is the posting.
 *
 * Slack also limits chat.postMessage per workspace ("several hundred a minute"): the fake enforces the
 * same number the adapter is set to (SLACK_POSTS_PER_MINUTE), with bursts of a second's worth. Three runs,
 * each on a fresh workspace and store, with the core and adapter as shipped (every due target at once,
 * plans first, each channel paced by its burst-aware limiter): the shipped default of 600 a minute, where
 * the workspace limit binds; a workspace allowed 12,000 a minute, where the per-channel limit binds; and
 * that again with the SQLite store in memory, whose writes are not synced to disk (on a file each costs a
 * few ms and a digest makes about a dozen per target), to show what the pacing alone reaches.
 * Figures: total time against the lower bound the limits set (the larger of (posts per channel - burst) /
 * rate, every channel side by side, and (all posts - workspace burst) / workspace rate), 429s received,
 * posts lost or repeated, targets failed.
 *
 *   node_modules/.bin/node bench/slack-digest.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelTarget } from '../adapters/slack/ids.ts';
import { DEFAULT_WORKSPACE_POSTS_PER_MINUTE } from '../adapters/slack/slack-adapter.ts';
import { silentLogger } from '../src/log.ts';
import { bootBot } from '../test/e2e/slack/world.ts';
import { rssListingXml, startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { FakeSlack } from '../test/fakes/slack-server.ts';

const CHANNELS = 100;
const PAPERS = 5;
const PER_SECOND = 1;
const BURST = 2;

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

async function run(label: string, workspacePerMinute: number, store: 'file' | 'memory' = 'file') {
  const fake = await FakeSlack.start({ pingIntervalMs: 0 });
  const workspaceBurst = Math.floor(workspacePerMinute / 60);
  fake.rateLimit('chat.postMessage', PER_SECOND, BURST);
  fake.workspaceRateLimit('chat.postMessage', workspacePerMinute, workspaceBurst);
  const targets = Array.from({ length: CHANNELS }, (_, i) =>
    channelTarget(fake.teamId, fake.addChannel({ name: `team-${i}` }).id),
  );
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
      storePath: store === 'file' ? join(dir, 'state.sqlite') : ':memory:',
      slack: { botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
      adapter: { workspacePostsPerMinute: workspacePerMinute },
    },
    silentLogger,
  );
  const { bot } = running;
  const subscriptions = await Promise.all(targets.map((target) => bot.subscriptions.get(target)));
  await bot.listings.latest(['cs.LG']);

  const started = Date.now();
  const outcomes = await bot.deliverScheduled(subscriptions.filter((s) => s !== undefined));
  const elapsed = (Date.now() - started) / 1000;

  const perChannel = 1 + PAPERS;
  const expected = CHANNELS * perChannel;
  const bound = Math.max(
    (perChannel - BURST) / PER_SECOND,
    (expected - workspaceBurst) / (workspacePerMinute / 60),
  );
  const posted = fake.posts();
  const distinct = new Set(posted.map((m) => `${m.channel} ${m.metadata?.event_payload.key}`)).size;
  const limited = fake.callsTo('chat.postMessage').filter((call) => call.status === 429).length;
  const failed = outcomes.filter((o) => o.outcome?.status !== 'delivered').length;
  console.log(label);
  console.log(
    `  total time ${elapsed.toFixed(1)} s lower bound ${bound.toFixed(1)} s ratio ${(elapsed / bound).toFixed(2)}`,
  );
  console.log(
    `  posts                 ${posted.length} of ${expected} (${CHANNELS} channels x ${perChannel}), repeated ${posted.length - distinct}, lost ${expected - distinct}`,
  );
  const firstPost = Math.min(...fake.callsTo('chat.postMessage').map((call) => call.at));
  console.log(
    `  first post after      ${((firstPost - started) / 1000).toFixed(1)} s (every digest planned)`,
  );
  console.log(`  429 answers           ${limited}`);
  console.log(`  targets not delivered ${failed}`);
  await running.stop();
  await fake.close();
  await arxiv.close();
  rmSync(dir, { recursive: true, force: true });
}

await run(
  `as shipped: ${DEFAULT_WORKSPACE_POSTS_PER_MINUTE} posts a minute per workspace (the default), 1 a second per channel with bursts of 2`,
  DEFAULT_WORKSPACE_POSTS_PER_MINUTE,
);
await run('a workspace allowed 12,000 posts a minute: the per-channel limit binds', 12_000);
await run('the same with the store in memory (no fsync per store write): the pacing alone', 12_000, 'memory');
