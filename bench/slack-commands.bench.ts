/**
 * `/arxiv search` over Slack's HTTP mode under load, through the real core: 500 signed commands from 50
 * concurrent senders (each sends its next command when the previous one is acknowledged) against the fake
 * Slack, which signs them, POSTs them to the bot and records the answers at each command's response_url.
 * The bot runs in a child process (this file with `--bot`): the real SlackAdapter (Bolt's HTTPReceiver on a
 * Node HTTP server), the Bot core with its search, the engine and a SQLite store, searching the fake arXiv
 * (run in this process) with arXiv's minimum interval between requests lowered to MIN_INTERVAL_MS.
 *
 * Slack needs the acknowledgement within 3 s. Figures: acknowledgement latency (median, p99, max) over all
 * commands and without the first wave (while the bot's code warms up), commands with no acknowledgement,
 * commands never answered, the time from a command to its answer, and answers that came from the local
 * index alone because arXiv's API, one request at a time, did not answer in time.
 *
 *   node_modules/.bin/node bench/slack-commands.bench.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log.ts';
import { type BotSpec, bootBot } from '../test/e2e/slack/world.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { type Delivery, FakeSlack } from '../test/fakes/slack-server.ts';

const COMMANDS = 500;
const SENDERS = 50;
const ACK_WAIT_MS = 3000;
/** arXiv asks for 3,000 ms between requests; the bench lowers it so 500 searches finish in seconds. */
const MIN_INTERVAL_MS = 5;
const TOPICS = [
  'diffusion models',
  'speculative decoding',
  'graph neural networks',
  'mixture of experts',
  'retrieval augmented generation',
  'protein folding',
  'reinforcement learning from human feedback',
  'state space models',
  'neural radiance fields',
  'federated learning',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/** The bot: the core with the Slack adapter in HTTP mode on a loopback server; prints its port. */
async function runBot(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_BOT_SPEC ?? '{}') as BotSpec;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const running = await bootBot(spec, silentLogger);
  server.on('request', running.adapter.requestListener);
  console.log((server.address() as AddressInfo).port);
  process.stdin.resume();
  await once(process.stdin, 'end');
  await running.stop();
  server.close();
}

if (process.argv.includes('--bot')) {
  await runBot();
  process.exit(0);
}

const fake = await FakeSlack.start({ pingIntervalMs: 0 });
const channel = fake.addChannel({ name: 'papers' });
const users = Array.from({ length: SENDERS }, (_, i) => fake.addUser(`sender${i}`));
for (const user of users) channel.members.add(user.id);
const arxiv = await startFakeArxiv({ recordings: false });
for (const [t, topic] of TOPICS.entries()) {
  arxiv.setSearch(
    topic,
    Array.from({ length: 10 }, (_, i) => ({
      id: `2602.${String(t * 100 + i + 1).padStart(5, '0')}`,
      title: `${topic} result ${i + 1}`,
      abstract: `A paper about ${topic}.`,
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
      categories: ['cs.LG', 'cs.AI'],
    })),
  );
}
const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
const spec: BotSpec = {
  config: {
    categories: ['cs.LG'],
    ai_summary: { enabled: false },
    arxiv: { rss_url: arxiv.rssUrl, api_url: arxiv.apiUrl, min_interval_ms: MIN_INTERVAL_MS, max_retries: 0 },
  },
  storePath: join(dir, 'state.sqlite'),
  slack: { botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
};

const bot = spawn(process.execPath, [process.argv[1] as string, '--bot'], {
  env: { ...process.env, BENCH_BOT_SPEC: JSON.stringify(spec) },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [portLine] = (await once(bot.stdout, 'data')) as [Buffer];
fake.deliverOverHttp(`http://127.0.0.1:${portLine.toString().trim()}/slack/events`);

const started = Date.now();
let next = 0;
const deliveries: Delivery[] = [];
await Promise.all(
  users.map(async (user) => {
    while (next < COMMANDS) {
      const topic = TOPICS[next % TOPICS.length] as string;
      next += 1;
      const delivery = await fake.slashCommand({
        user: user.id,
        channel: channel.id,
        text: `search ${topic}`,
      });
      deliveries.push(delivery);
      await fake.acknowledged(delivery, ACK_WAIT_MS).catch(() => {});
    }
  }),
);
const answerOf = (delivery: Delivery) =>
  fake.answers.find((a) => a.responseUrl === delivery.payload.response_url && a.status === 200);
await fake
  .waitFor(() => deliveries.every((d) => answerOf(d) !== undefined), 60_000, 'every answer')
  .catch(() => {});
const elapsed = Date.now() - started;

const acked = deliveries.filter((d) => d.ackedAt !== null && d.httpStatus === 200);
const ackLatency = (d: Delivery) => (d.ackedAt as number) - d.sentAt;
const latencies = sorted(acked.map(ackLatency));
const warm = sorted(acked.slice(SENDERS).map(ackLatency));
const answered = deliveries.flatMap((d) => {
  const answer = answerOf(d);
  return answer ? [{ delivery: d, answer }] : [];
});
const answerLatencies = sorted(answered.map(({ delivery, answer }) => answer.at - delivery.sentAt));
const localOnly = answered.filter(({ answer }) =>
  JSON.stringify(answer.body).includes('arXiv did not answer'),
);
const apiRequests = arxiv.requests.filter((r) => r.path === '/api/query').length;

console.log(
  `commands sent                 ${deliveries.length} from ${SENDERS} concurrent senders (HTTP mode, signed)`,
);
console.log(`acknowledged (HTTP 200)       ${acked.length}`);
console.log(`ack latency median            ${percentile(latencies, 50)} ms`);
console.log(`ack latency p99               ${percentile(latencies, 99)} ms`);
console.log(`ack latency max               ${latencies.at(-1)} ms   (Slack's limit: 3000 ms)`);
console.log(
  `  after the first ${SENDERS}: median ${percentile(warm, 50)} ms, p99 ${percentile(warm, 99)} ms, max ${warm.at(-1)} ms`,
);
console.log(`no acknowledgement            ${deliveries.length - acked.length}`);
console.log(`no answer at response_url     ${deliveries.length - answered.length}`);
console.log(
  `command to answer             median ${percentile(answerLatencies, 50)} ms, p99 ${percentile(answerLatencies, 99)} ms, max ${answerLatencies.at(-1)} ms`,
);
console.log(`answered from the local index ${localOnly.length} (arXiv's API did not answer in time)`);
console.log(
  `arXiv API requests            ${apiRequests} (one at a time, ${MIN_INTERVAL_MS} ms apart at least)`,
);
console.log(`wall time                     ${elapsed} ms`);

bot.stdin.end();
await once(bot, 'exit');
await fake.close();
await arxiv.close();
rmSync(dir, { recursive: true, force: true });
