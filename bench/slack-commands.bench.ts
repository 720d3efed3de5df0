/**
 * `/arxiv` over Slack's HTTP mode under load: 500 signed `/arxiv search` commands from 50 concurrent senders
 * (each sends its next command when the previous one is acknowledged), through the real Bolt HTTPReceiver
 * mounted on a Node HTTP server, against the fake Slack (which signs, posts and records the answers at each
 * command's response_url). The bot runs in a child process (this file with `--bot`), so the fake and the
 * senders do not share its event loop.
 *
 * Slack needs the acknowledgement within 3 s. Until the bot core lands, the handler is a stand-in for its
 * search: it waits SEARCH_MS (a search answered from the local index plus a slow live API) and answers
 * privately with ten papers rendered as Block Kit. Figures: acknowledgement latency (median, p99, max) over
 * all commands and without the first wave (the bot's first 50, while its code warms up), how many commands
 * got no acknowledgement, and how many never got their answer.
 *
 *   node_modules/.bin/node bench/slack-commands.bench.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackAdapter } from '../adapters/slack/slack-adapter.ts';
import type { Block, InboundHandlers } from '../adapters/types.ts';
import { FakeSlack } from '../test/fakes/slack-server.ts';

const COMMANDS = 500;
const SENDERS = 50;
const SEARCH_MS = 300;
const ACK_WAIT_MS = 3000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const results: Block[] = Array.from({ length: 10 }, (_, i) => ({
  kind: 'paper',
  paper: {
    id: `2401.${String(i + 1).padStart(5, '0')}`,
    version: 1,
    title: `A result about diffusion models, number ${i + 1}`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    abstract: 'An abstract.',
    categories: ['cs.LG', 'cs.AI'],
    primaryCategory: 'cs.LG',
    announceType: null,
    published: null,
    updated: null,
    announced: null,
    absUrl: `https://arxiv.org/abs/2401.${String(i + 1).padStart(5, '0')}`,
    pdfUrl: `https://arxiv.org/pdf/2401.${String(i + 1).padStart(5, '0')}`,
    doi: null,
    journalRef: null,
    comment: null,
  },
  rank: i + 1,
  score: 2,
  matchedTerms: ['diffusion'],
  tldr: 'It diffuses.',
}));

/** The bot: the adapter in HTTP mode on a loopback server; prints its port, stops on stdin's end. */
async function runBot(): Promise<void> {
  const adapter = new SlackAdapter({
    botToken: process.env.BENCH_BOT_TOKEN ?? '',
    signingSecret: process.env.BENCH_SIGNING_SECRET,
    apiUrl: process.env.BENCH_API_URL,
  });
  const server = createServer(adapter.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handlers: InboundHandlers = {
    async onCommand(event) {
      await new Promise((resolve) => setTimeout(resolve, SEARCH_MS));
      await event.respond({ text: `10 results for ${event.text}`, blocks: results }, 'private');
    },
    async onReaction() {},
  };
  await adapter.start(handlers);
  console.log((server.address() as AddressInfo).port);
  process.stdin.resume();
  await once(process.stdin, 'end');
  await adapter.stop();
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

const bot = spawn(process.execPath, [process.argv[1] as string, '--bot'], {
  env: {
    ...process.env,
    BENCH_BOT_TOKEN: fake.botToken,
    BENCH_SIGNING_SECRET: fake.signingSecret,
    BENCH_API_URL: fake.apiUrl,
  },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [portLine] = (await once(bot.stdout, 'data')) as [Buffer];
fake.deliverOverHttp(`http://127.0.0.1:${portLine.toString().trim()}/slack/events`);

const started = Date.now();
let next = 0;
const deliveries: Awaited<ReturnType<FakeSlack['slashCommand']>>[] = [];
await Promise.all(
  users.map(async (user) => {
    while (next < COMMANDS) {
      next += 1;
      const delivery = await fake.slashCommand({
        user: user.id,
        channel: channel.id,
        text: `search diffusion ${next}`,
      });
      deliveries.push(delivery);
      await fake.acknowledged(delivery, ACK_WAIT_MS).catch(() => {});
    }
  }),
);
await fake.waitFor(() => fake.answers.length >= COMMANDS, 30_000, 'every answer').catch(() => {});
const elapsed = Date.now() - started;

const acked = deliveries.filter((d) => d.ackedAt !== null && d.httpStatus === 200);
const latencyOf = (d: (typeof deliveries)[number]) => (d.ackedAt as number) - d.sentAt;
const latencies = acked.map(latencyOf).sort((a, b) => a - b);
const warm = acked
  .slice(SENDERS)
  .map(latencyOf)
  .sort((a, b) => a - b);
const answered = new Set(fake.answers.filter((a) => a.status === 200).map((a) => a.command.text));
const unanswered = deliveries.filter((d) => !answered.has(String(d.payload.text))).length;

console.log(`commands sent                 ${deliveries.length} from ${SENDERS} concurrent senders`);
console.log(`acknowledged (HTTP 200)       ${acked.length}`);
console.log(`ack latency median            ${percentile(latencies, 50)} ms`);
console.log(`ack latency p99               ${percentile(latencies, 99)} ms`);
console.log(`ack latency max               ${latencies.at(-1)} ms   (Slack's limit: 3000 ms)`);
console.log(
  `  after the first ${SENDERS}: median ${percentile(warm, 50)} ms, p99 ${percentile(warm, 99)} ms, max ${warm.at(-1)} ms`,
);
console.log(`no acknowledgement            ${deliveries.length - acked.length}`);
console.log(`no answer at response_url     ${unanswered}`);
console.log(`wall time                     ${elapsed} ms (stand-in search: ${SEARCH_MS} ms per command)`);

bot.stdin.end();
await once(bot, 'exit');
await fake.close();
