/**
 * `npm start` in Slack HTTP mode, as the red-team run found it: two replicas (two processes of src/main.ts)
 * on one SQLite store, behind whatever sends them Slack's signed requests. A signed command is taken once:
 * replayed to the other replica it is refused with 401 and changes nothing (a removed term does not come
 * back); a request signed for the future is refused; a command from a workspace the bot is not installed
 * in, or with a malformed id, is answered with a clear error and stores nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTarget } from '../../../adapters/slack/ids.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { type FakeChannel, FakeSlack, type FakeUser } from '../../fakes/slack-server.ts';

const MAIN = resolve(import.meta.dirname, '../../../src/main.ts');
const LISTING = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));

interface Replica {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
}

let fake: FakeSlack;
let arxiv: FakeArxiv;
let dir: string;
let store: Store;
let ada: FakeUser;
let papers: FakeChannel;
const replicas: Replica[] = [];

async function startReplica(): Promise<Replica> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_API_URL: fake.apiUrl,
      STORE_URL: `sqlite://${join(dir, 'state.sqlite')}`,
      ARXIV_RSS_URL: arxiv.rssUrl,
      ARXIV_API_URL: arxiv.apiUrl,
      ARXIV_MIN_INTERVAL_MS: '0',
      HTTP_HOST: '127.0.0.1',
      PORT: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const url = await new Promise<string>((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`the bot did not start:\n${stderr}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; http?: string };
        if (entry.msg === 'arxiv-digest running' && entry.http) {
          clearTimeout(timer);
          found(`${entry.http.replace(/\/$/, '')}/slack/events`);
        }
      }
    });
    void exit.then((code) => failed(new Error(`the bot exited with ${code}:\n${stderr}`)));
  });
  const replica = { child, url, exit };
  replicas.push(replica);
  return replica;
}

function commandBody(text: string, fields: Record<string, string> = {}): string {
  return stringify({
    token: 'fake-verification-token',
    team_id: fake.teamId,
    channel_id: papers.id,
    user_id: ada.id,
    command: '/arxiv',
    text,
    response_url: `${fake.url}/respond/unknown`,
    ...fields,
  });
}

async function send(
  replica: Replica,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; answer: string }> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, answer: await response.text() };
}

/** The #papers subscription's query as stored, '' when there is none. */
async function storedQuery(): Promise<string> {
  const subscription = await new SubscriptionRepository(store, silentLogger).get(
    channelTarget(fake.teamId, papers.id),
  );
  return JSON.stringify(subscription?.query ?? '');
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

beforeAll(async () => {
  fake = await FakeSlack.start({ pingIntervalMs: 0 });
  ada = fake.addUser('ada');
  papers = fake.addChannel({ name: 'papers', members: [ada.id] });
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(LISTING);
  dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-slack-replicas-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ categories: ['cs.CL'], keywords: ['translation'], ai_summary: { enabled: false } }),
  );
  await startReplica();
  await startReplica();
  store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
}, 60_000);

afterAll(async () => {
  for (const replica of replicas) {
    replica.child.kill('SIGTERM');
    await replica.exit;
  }
  await store?.close();
  await fake?.close();
  await arxiv?.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('npm start in Slack HTTP mode, two replicas on one store', () => {
  it('takes a signed command once: replayed to the other replica it is refused and a removed term stays removed', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const subscribe = commandBody('subscribe "scaling laws"');
    const signed = fake.sign(subscribe);
    expect((await send(a, subscribe, signed)).status).toBe(200);
    await eventually(async () => (await storedQuery()).includes('scaling laws'), 'the subscription');

    // A second later (a new timestamp), the term is removed.
    await new Promise((wait) => setTimeout(wait, 1000));
    const unsubscribe = commandBody('unsubscribe "scaling laws"');
    expect((await send(b, unsubscribe, fake.sign(unsubscribe))).status).toBe(200);
    await eventually(async () => !(await storedQuery()).includes('scaling laws'), 'the term removed');

    // The recorded subscribe, replayed byte for byte to either replica, is refused.
    expect((await send(b, subscribe, signed)).status).toBe(401);
    expect((await send(a, subscribe, signed)).status).toBe(401);
    await new Promise((wait) => setTimeout(wait, 300));
    expect(await storedQuery()).not.toContain('scaling laws');
  });

  it('refuses a request signed for a year from now', async () => {
    const [a] = replicas as [Replica];
    const body = commandBody('subscribe "time travel"');
    const nextYear = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    expect((await send(a, body, fake.sign(body, nextYear))).status).toBe(401);
    await new Promise((wait) => setTimeout(wait, 300));
    expect(await storedQuery()).not.toContain('time travel');
  });

  it('answers a command from a workspace the bot is not installed in with a clear error, storing nothing', async () => {
    const [a] = replicas as [Replica];
    const body = commandBody('subscribe "other workspace"', { team_id: 'T0OTHER01' });
    const answer = await send(a, body, fake.sign(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.answer)).toEqual({
      response_type: 'ephemeral',
      text: 'This bot is not installed in this Slack workspace, so it cannot answer commands here. Ask an admin to install the app in this workspace.',
    });
    await new Promise((wait) => setTimeout(wait, 300));
    const all = await new SubscriptionRepository(store, silentLogger).all();
    expect(all.map((subscription) => subscription.target)).not.toContain(
      channelTarget('T0OTHER01', papers.id),
    );
    expect(JSON.stringify(all)).not.toContain('other workspace');
  });

  it('answers a command with a malformed channel id with a clear error, storing nothing', async () => {
    const [a] = replicas as [Replica];
    const body = commandBody('subscribe "malformed"', { channel_id: 'C0<!channel>' });
    const answer = await send(a, body, fake.sign(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.answer)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('without a valid channel, user or workspace id'),
    });
    await new Promise((wait) => setTimeout(wait, 300));
    const all = await new SubscriptionRepository(store, silentLogger).all();
    expect(JSON.stringify(all)).not.toContain('malformed');
  });
});
