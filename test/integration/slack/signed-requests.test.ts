/**
 * HTTP mode's defences against signed requests used again: a timestamp more than five minutes from now, in
 * either direction, is refused; and a signed request is taken once: the same signature again is refused
 * with 401, by this adapter and by another replica sharing the store.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'node:querystring';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAdapters, planAdapters } from '../../../adapters/index.ts';
import type { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { Inbox, type Workspace, workspace } from './harness.ts';

let ws: Workspace;
const adapters: SlackAdapter[] = [];
const servers: Server[] = [];
const stores: Store[] = [];

afterEach(async () => {
  for (const adapter of adapters.splice(0)) await adapter.stop();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const store of stores.splice(0)) await store.close();
  await ws?.fake.close();
});

/** An adapter in HTTP mode, started, behind a server of its own; its URL and what it hands over. */
async function replica(adapter: SlackAdapter): Promise<{ url: string; inbox: Inbox }> {
  adapters.push(adapter);
  const inbox = new Inbox();
  await adapter.start(inbox);
  const server = createServer((request, response) => adapter.requestListener(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, inbox };
}

const httpAdapter = (store?: Store) =>
  ws.adapter({ appToken: undefined, signingSecret: ws.fake.signingSecret, ...(store ? { store } : {}) });

function commandBody(text: string): string {
  return stringify({
    team_id: ws.fake.teamId,
    channel_id: ws.papers.id,
    user_id: ws.ada.id,
    command: '/arxiv',
    text,
    response_url: `${ws.fake.url}/respond/none`,
  });
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  await response.text();
  return response.status;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('Slack adapter in HTTP mode: replays and timestamps', () => {
  it('refuses a timestamp more than five minutes ahead, as it does one more than five minutes old', async () => {
    ws = await workspace();
    const { url, inbox } = await replica(httpAdapter());
    const body = commandBody('list');
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now + 365 * 24 * 3600, now + 6 * 60, now - 6 * 60]) {
      expect(await post(url, body, ws.fake.sign(body, timestamp))).toBe(401);
    }
    await settle();
    expect(inbox.commands).toHaveLength(0);
    // Within five minutes either way, a clock a little off is no problem.
    expect(await post(url, body, ws.fake.sign(body, now + 4 * 60))).toBe(200);
    expect(await post(url, body, ws.fake.sign(body, now - 4 * 60))).toBe(200);
    await ws.fake.waitFor(() => inbox.commands.length === 2, 3000, 'the two commands');
  });

  it('takes a signed request once: the same signature again is refused with 401 (no store: in memory)', async () => {
    ws = await workspace();
    const { url, inbox } = await replica(httpAdapter());
    const body = commandBody('unsubscribe "scaling laws"');
    const headers = ws.fake.sign(body);
    expect(await post(url, body, headers)).toBe(200);
    expect(await post(url, body, headers)).toBe(401);
    expect(await post(url, body, headers)).toBe(401);
    await settle();
    expect(inbox.commands.map((c) => c.text)).toEqual(['unsubscribe "scaling laws"']);
    expect(ws.logs.withMessage('refused a replayed Slack request')).toHaveLength(2);
  });

  it('refuses a replay at another replica sharing the store, the registry passing the store to the adapter', async () => {
    ws = await workspace();
    const store = await openStore('sqlite://:memory:');
    stores.push(store);
    const settings = {
      slack: {
        botToken: ws.fake.botToken,
        appToken: undefined,
        signingSecret: ws.fake.signingSecret,
        apiUrl: ws.fake.apiUrl,
      },
      discord: null,
    };
    const built = () =>
      buildAdapters(planAdapters(settings, { terminal: false }), settings, {
        logger: ws.logger,
        terminal: {
          input: process.stdin,
          output: process.stdout,
          interactive: false,
        },
        outputDir: '/nonexistent/arxiv-digest-test',
        store,
      })[0]?.adapter as SlackAdapter;
    const first = await replica(built());
    const second = await replica(built());
    const body = commandBody('subscribe "scaling laws"');
    const headers = ws.fake.sign(body);
    expect(await post(first.url, body, headers)).toBe(200);
    expect(await post(second.url, body, headers)).toBe(401);
    // A new request (a new timestamp, so a new signature) is taken by either.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await post(second.url, body, ws.fake.sign(body))).toBe(200);
    await ws.fake.waitFor(() => second.inbox.commands.length === 1, 3000, 'the new command');
    expect(first.inbox.commands).toHaveLength(1);
  });

  it("still answers Slack's unsigned ssl_check", async () => {
    ws = await workspace();
    const { url } = await replica(httpAdapter());
    expect(await post(url, 'ssl_check=1&token=x', {})).toBe(200);
  });
});
