/**
 * Memory under a command storm (issue 11, 6f): 10,000 mixed `/arxiv` commands (search, list, subscribe and
 * unsubscribe, me list / me subscribe / me unsubscribe, help, categories) from 2,000 distinct users in 400
 * channels, signed and POSTed by the fake Slack to the bot in HTTP mode. The bot runs in a child process (this
 * file with `--bot`, started with --expose-gc) as `npm start` builds it: the real SlackAdapter (given the store,
 * as adapters/index.ts does), the Bot core, the engine and a SQLite store, searching the fake arXiv.
 *
 * Printed: the bot's RSS and V8 heap at start, after a warm-up, at every 2,000 commands (as they are, and after
 * a forced GC: what is retained must level off), after the storm, after a forced GC, and after a forced GC
 * once the answers in flight are all in (what the bot keeps); and the entries of the bounded in-memory caches
 * (src/bounded-cache.ts), which stay at or under their limits however many users and channels come. Nothing
 * is asserted.
 *
 * What it showed (issue 11 reported 142 -> 355 MB, levelling off): the heap retained after a GC stays near its
 * warm-up size (37 MB after warm-up, 40 MB once the storm's answers are in); the RSS rise is V8's heap
 * high-water mark under 40 commands at a time (heap total ~240 MB while they run), which V8 keeps reserved
 * rather than hands back, so RSS levels off at ~355 MB instead of growing with the commands. A heap snapshot
 * diff right after the storm showed only work in flight (pending promises, suspended async functions, search
 * timeouts' timers and AbortSignals), gone once the answers are in.
 *
 *   npm run bench soak        (node --expose-gc bench/soak.bench.ts)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SlackConversations } from '../adapters/slack/conversations.ts';
import { SlackAdapter } from '../adapters/slack/slack-adapter.ts';
import { Bot } from '../src/bot/bot.ts';
import { validateConfig } from '../src/config/load.ts';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/index.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { type Delivery, FakeSlack } from '../test/fakes/slack-server.ts';

const COMMANDS = 10_000;
const WARM_UP = 500;
const CHECKPOINT = 2_000;
const SENDERS = 40;
const USERS = 2_000;
const CHANNELS = 400;
const ACK_WAIT_MS = 5000;
const TOPICS = [
  'diffusion models',
  'speculative decoding',
  'graph neural networks',
  'mixture of experts',
  'retrieval augmented generation',
  'protein folding',
  'state space models',
  'federated learning',
];
/** Words that make most searches and terms distinct, as real users' are. */
const WORDS = ['robust', 'sparse', 'efficient', 'scalable', 'causal', 'multimodal', 'quantum', 'private'];

interface Stats {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  caches: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------- the bot

/** The bot: core + Slack adapter in HTTP mode on a loopback server. Answers `stats` and `gc` on stdin. */
async function runBot(): Promise<void> {
  const spec = JSON.parse(process.env.SOAK_SPEC ?? '{}') as {
    config: unknown;
    storePath: string;
    slack: { botToken: string; signingSecret: string; apiUrl: string };
  };
  // The adapter keeps its SlackConversations private; the bench finds it when it is first used.
  let conversations: SlackConversations | undefined;
  const canManage = SlackConversations.prototype.canManage;
  SlackConversations.prototype.canManage = function (this: SlackConversations, ...args) {
    conversations = this;
    return canManage.apply(this, args);
  };

  const { config, issues } = validateConfig(spec.config);
  if (!config) throw new Error(issues.join('\n'));
  const store = await openStore(`sqlite://${spec.storePath}`);
  const engine = createEngine({ config, store, logger: silentLogger, env: {} });
  const adapter = new SlackAdapter({ ...spec.slack, store, logger: silentLogger });
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [adapter],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
  });
  await bot.start();
  const server = createServer(adapter.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));

  const stats = (): Stats => {
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      rssMb: mb(memory.rss),
      heapUsedMb: mb(memory.heapUsed),
      heapTotalMb: mb(memory.heapTotal),
      externalMb: mb(memory.external),
      caches: conversations?.cacheSizes() ?? {},
    };
  };
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'gc') {
      // Twice: the first pass frees what finalizers then let go.
      globalThis.gc?.();
      globalThis.gc?.();
    }
    if (line === 'stats' || line === 'gc') console.log(JSON.stringify(stats()));
  }
  server.close();
  await bot.stop();
  await engine.close();
  await store.close();
}

if (process.argv.includes('--bot')) {
  await runBot();
  process.exit(0);
}

// -------------------------------------------------------------------------------------------- the storm

const fake = await FakeSlack.start({ pingIntervalMs: 0 });
const users = Array.from({ length: USERS }, (_, i) => fake.addUser(`user${i}`));
const channels = Array.from({ length: CHANNELS }, (_, c) => {
  const channel = fake.addChannel({ name: `papers-${c}` });
  // Each channel's members: the users whose number falls in it, so every command's sender is a member.
  for (let u = c; u < USERS; u += CHANNELS) channel.members.add(users[u]?.id as string);
  return channel;
});
const arxiv = await startFakeArxiv({ recordings: false });
arxiv.setListing(readFileSync(join(import.meta.dirname, '../test/fixtures/arxiv/listing.rss.xml')));
for (const [t, topic] of TOPICS.entries()) {
  arxiv.setSearch(
    topic,
    Array.from({ length: 10 }, (_, i) => ({
      id: `2602.${String(t * 100 + i + 1).padStart(5, '0')}`,
      title: `${topic} result ${i + 1}`,
      abstract: `A paper about ${topic}.`,
      authors: ['Ada Lovelace', 'Alan Turing'],
      categories: ['cs.LG', 'cs.CL'],
    })),
  );
}
const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-soak-'));
const spec = {
  config: {
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['translation'],
    ai_summary: { enabled: false },
    arxiv: { rss_url: arxiv.rssUrl, api_url: arxiv.apiUrl, min_interval_ms: 0, max_retries: 0 },
  },
  storePath: join(dir, 'state.sqlite'),
  slack: { botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
};

const bot = spawn(process.execPath, ['--expose-gc', process.argv[1] as string, '--bot'], {
  env: { ...process.env, SOAK_SPEC: JSON.stringify(spec) },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const replies = createInterface({ input: bot.stdout })[Symbol.asyncIterator]();
const reply = async <T>(): Promise<T> => {
  const next = await replies.next();
  if (next.done) throw new Error('the bot ended');
  return JSON.parse(next.value) as T;
};
const { port } = await reply<{ port: number }>();
fake.deliverOverHttp(`http://127.0.0.1:${port}/slack/events`);
const ask = async (what: 'stats' | 'gc'): Promise<Stats> => {
  bot.stdin.write(`${what}\n`);
  return reply<Stats>();
};

/** Command `n`: a mix of what users type, from user n mod USERS in their channel. */
function command(n: number): { user: string; channel: string; text: string } {
  const u = (n * 7919) % USERS;
  const user = users[u]?.id as string;
  const channel = channels[u % CHANNELS]?.id as string;
  const topic = TOPICS[n % TOPICS.length] as string;
  const word = `${WORDS[n % WORDS.length]}${Math.floor(n / 64)}`;
  const texts = [
    `search ${topic}`,
    `search ${word} ${topic}`,
    'list',
    `subscribe "${topic}", ${word}`,
    `unsubscribe ${word}`,
    'help',
    'me list',
    `me subscribe ${word}`,
    `me unsubscribe ${word}`,
    `${word} learning`,
    'categories cs.CL,cs.LG',
    'help subscribe',
  ];
  return { user, channel, text: texts[n % texts.length] as string };
}

let sent = 0;
let unanswered = 0;
const ackLatencies: number[] = [];
/** Sends commands [from, to) from SENDERS concurrent senders, each waiting for its acknowledgement. */
async function storm(from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < to) {
        const n = next++;
        const delivery: Delivery = await fake.slashCommand(command(n));
        sent++;
        try {
          await fake.acknowledged(delivery, ACK_WAIT_MS);
          ackLatencies.push((delivery.ackedAt as number) - delivery.sentAt);
        } catch {
          unanswered++;
        }
      }
    }),
  );
  // The fake keeps every command and answer; the bench forgets them so that only the bot is measured.
  fake.answers.length = 0;
  fake.deliveries.length = 0;
}

const rows: Array<[string, Stats]> = [];
rows.push(['at start', await ask('stats')]);
await storm(0, WARM_UP);
rows.push([`after ${WARM_UP} warm-up commands, GC`, await ask('gc')]);
const started = Date.now();
for (let done = WARM_UP; done < WARM_UP + COMMANDS; done += CHECKPOINT) {
  await storm(done, Math.min(done + CHECKPOINT, WARM_UP + COMMANDS));
  rows.push([`after ${done + CHECKPOINT - WARM_UP} commands`, await ask('stats')]);
  // What stays once garbage is collected: this must level off, not grow with the commands.
  if (done + CHECKPOINT < WARM_UP + COMMANDS) rows.push(['  and after a forced GC', await ask('gc')]);
}
const elapsed = Date.now() - started;
rows.push([`after ${COMMANDS} commands, forced GC`, await ask('gc')]);
// Acknowledged is not finished: answers still go to response_urls, and searches' timers run. Once the
// answers stop coming (1 s without one), what remains after a GC is what the bot keeps.
for (let quiet = 0, seen = -1, waited = 0; quiet < 4 && waited < 120; waited++) {
  await new Promise((wait) => setTimeout(wait, 250));
  quiet = fake.answers.length === seen ? quiet + 1 : 0;
  seen = fake.answers.length;
}
rows.push(['once the answers are all in, forced GC', await ask('gc')]);

const pad = (text: string | number, width: number) => String(text).padStart(width);
console.log(
  `${COMMANDS} mixed commands (+${WARM_UP} warm-up) from ${USERS} users in ${CHANNELS} channels, ${SENDERS} at a time, Slack HTTP mode, signed`,
);
console.log(
  `${'when'.padEnd(42)}${pad('RSS MB', 8)}${pad('heap MB', 9)}${pad('heap total', 11)}${pad('external', 10)}`,
);
for (const [when, stats] of rows) {
  console.log(
    `${when.padEnd(42)}${pad(stats.rssMb, 8)}${pad(stats.heapUsedMb, 9)}${pad(stats.heapTotalMb, 11)}${pad(stats.externalMb, 10)}`,
  );
}
const last = rows.at(-1)?.[1];
console.log(
  `bounded caches after the storm: ${Object.entries(last?.caches ?? {})
    .map(([name, size]) => `${name} ${size}`)
    .join(', ')} (limits: 10,000 entries each; membership answers live 60 s)`,
);
const sortedAcks = [...ackLatencies].sort((a, b) => a - b);
console.log(
  `acknowledged ${ackLatencies.length} of ${sent}; ack median ${sortedAcks[Math.floor(sortedAcks.length / 2)]} ms, max ${sortedAcks.at(-1)} ms; no acknowledgement ${unanswered}; ${Math.round((COMMANDS / elapsed) * 1000)} commands/s`,
);

bot.stdin.end();
await once(bot, 'exit');
await fake.close();
await arxiv.close();
rmSync(dir, { recursive: true, force: true });
