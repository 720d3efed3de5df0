/**
 * Do `/arxiv` commands keep being acknowledged quickly while the bot reads PDFs? The bot runs in a child
 * process (this file with `--bot`) as npm start builds it: the real SlackAdapter in HTTP mode, the core, the
 * engine and a SQLite store, against the fake Slack, the fake arXiv and the fake OpenAI endpoint run here.
 * Ten `/arxiv summary <id>` commands ask for the structured summaries of ten papers whose only full text is
 * a PDF (the shared 8-page fixture pdf/1111.2011v2.pdf, served by the fake arXiv under ten ids), so the bot
 * downloads and reads ten PDFs at once. Meanwhile SENDERS users keep sending `/arxiv help`, each the next
 * one PROBE_GAP_MS after the previous was acknowledged, until every summary is answered.
 *
 * The same run starts the bot twice: first reading PDFs inline on its main thread (extractPdfInline, as
 * before issue 12), then on the worker pool (extractPdf). Each bot first reads the PDF once (PDF.js loaded,
 * the workers started) and answers probes with nothing else to do (idle), so the figures are steady state.
 * Figures: acknowledgement latency p50/p99/max of the probes, idle and while the PDFs are read, inline
 * (before) and on workers (after), and the ratio of the p99s.
 *
 *   node_modules/.bin/node bench/pdf-acks.bench.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../src/log.ts';
import { extractPdf, inlinePdfReader, usePdfReader } from '../src/summarize/pdf.ts';
import { type BotSpec, bootBot } from '../test/e2e/slack/world.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { startFakeOpenAIServer } from '../test/fakes/openai-server.ts';
import { type Delivery, FakeSlack } from '../test/fakes/slack-server.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';

const PDFS = 10;
const SENDERS = 4;
const PROBE_GAP_MS = 20;
const IDLE_MS = 2000;
const ACK_WAIT_MS = 10_000;
const FIXTURE = sharedFixturePath('pdf/1111.2011v2.pdf');
type Reader = 'inline' | 'workers';

/** The bot: the core with the Slack adapter in HTTP mode, reading PDFs as BENCH_PDF_READER says; prints its port. */
async function runBot(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_BOT_SPEC ?? '{}') as BotSpec;
  const pdf = new Uint8Array(readFileSync(FIXTURE));
  if (process.env.BENCH_PDF_READER === 'inline') {
    await usePdfReader(inlinePdfReader);
    await inlinePdfReader.extract(pdf);
  } else {
    await Promise.all([extractPdf(pdf), extractPdf(pdf)]);
  }
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

if (!existsSync(FIXTURE)) {
  console.log(`skipped: the shared fixture ${FIXTURE} is missing`);
  process.exit(0);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Figures {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function figures(latencies: number[]): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const fake = await FakeSlack.start({ pingIntervalMs: 0 });
const channel = fake.addChannel({ name: 'papers' });
const users = Array.from({ length: SENDERS + 1 }, (_, i) => fake.addUser(`sender${i}`));
for (const user of users) channel.members.add(user.id);
const asker = users[SENDERS] as (typeof users)[number];
const arxiv = await startFakeArxiv({ recordings: false });
const openai = await startFakeOpenAIServer();
const pdf = readFileSync(FIXTURE);
const ids = (reader: Reader) =>
  Array.from({ length: PDFS }, (_, i) => `2603.${reader === 'inline' ? 1 : 2}${String(i).padStart(4, '0')}`);
const papers = [...ids('inline'), ...ids('workers')];
arxiv.setSearch(
  'pdf bench',
  papers.map((id) => ({ id, title: `A long paper ${id}`, abstract: 'A paper only a PDF has the text of.' })),
);
for (const id of papers) arxiv.setPdf(id, pdf);

/** One bot process reading PDFs as `reader` says: probe latencies while idle and while ten PDFs are read. */
async function run(reader: Reader): Promise<{ idle: Figures; reading: Figures; wallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
  const spec: BotSpec = {
    config: {
      categories: ['cs.LG'],
      ai_summary: {
        base_url: openai.baseUrl,
        model: 'fake-model',
        api_key_env: 'OPENAI_API_KEY',
        max_retries: 0,
        request_timeout_seconds: 60,
      },
      arxiv: {
        rss_url: arxiv.rssUrl,
        api_url: arxiv.apiUrl,
        html_url: `${arxiv.url}/html`,
        pdf_url: `${arxiv.url}/pdf`,
        min_interval_ms: 0,
        max_retries: 0,
      },
    },
    storePath: join(dir, 'state.sqlite'),
    slack: { botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
  };
  const bot = spawn(process.execPath, [process.argv[1] as string, '--bot'], {
    env: { ...process.env, BENCH_BOT_SPEC: JSON.stringify(spec), BENCH_PDF_READER: reader },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [portLine] = (await once(bot.stdout, 'data')) as [Buffer];
  fake.deliverOverHttp(`http://127.0.0.1:${portLine.toString().trim()}/slack/events`);

  /** Each sender sends `/arxiv help` until `until` says stop; the acknowledgement latencies. */
  const probe = async (until: () => boolean): Promise<number[]> => {
    const latencies: number[] = [];
    await Promise.all(
      users.slice(0, SENDERS).map(async (user) => {
        while (!until()) {
          const delivery = await fake.slashCommand({ user: user.id, channel: channel.id, text: 'help' });
          await fake.acknowledged(delivery, ACK_WAIT_MS);
          latencies.push((delivery.ackedAt as number) - delivery.sentAt);
          await sleep(PROBE_GAP_MS);
        }
      }),
    );
    return latencies;
  };

  // The first commands warm the bot's code; they are not counted.
  const warmUntil = Date.now() + 500;
  await probe(() => Date.now() >= warmUntil);
  const idleUntil = Date.now() + IDLE_MS;
  const idle = await probe(() => Date.now() >= idleUntil);

  const started = Date.now();
  const summaries: Delivery[] = await Promise.all(
    ids(reader).map((id) =>
      fake.slashCommand({ user: asker.id, channel: channel.id, text: `summary ${id}` }),
    ),
  );
  const answered = (delivery: Delivery) =>
    fake.answers.some(
      (answer) =>
        answer.responseUrl === delivery.payload.response_url &&
        !JSON.stringify(answer.body).includes('Summarizing arXiv:'),
    );
  const reading = await probe(() => summaries.every(answered));
  const wallMs = Date.now() - started;
  const unanswered = summaries.filter((delivery) => !answered(delivery)).length;
  if (unanswered > 0) throw new Error(`${unanswered} summaries were not answered`);

  bot.stdin.end();
  await once(bot, 'exit');
  rmSync(dir, { recursive: true, force: true });
  return { idle: figures(idle), reading: figures(reading), wallMs };
}

const line = (label: string, f: Figures) =>
  `${label.padEnd(34)} p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   max ${String(f.max).padStart(4)} ms   (${f.count} acks)`;

const before = await run('inline');
const after = await run('workers');
const pdfRequests = arxiv.requests.filter((r) => r.path.startsWith('/pdf/')).length;
console.log(
  `/arxiv help acknowledgements (HTTP mode), ${SENDERS} senders, ${PDFS} PDF summaries at once (8-page PDF, ${Math.round(pdf.length / 1024)} kB)`,
);
console.log(line('before (inline), idle', before.idle));
console.log(line('before (inline), reading PDFs', before.reading));
console.log(line('after (workers), idle', after.idle));
console.log(line('after (workers), reading PDFs', after.reading));
console.log(
  `p99 while reading: before/after ${(before.reading.p99 / after.reading.p99).toFixed(1)}x   ` +
    `(max ${(before.reading.max / after.reading.max).toFixed(1)}x)`,
);
console.log(
  `ten summaries answered in ${(before.wallMs / 1000).toFixed(1)} s (inline), ${(after.wallMs / 1000).toFixed(1)} s (workers); ` +
    `${pdfRequests} PDF downloads, ${openai.requests.length} model calls`,
);

await fake.close();
await arxiv.close();
await openai.close();
