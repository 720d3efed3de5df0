import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { readSigningVector } from '../../fakes/slack/signing-vector.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';
import { Inbox, type Workspace, workspace } from './harness.ts';

let ws: Workspace;
let adapter: SlackAdapter | null = null;
let server: Server | null = null;

afterEach(async () => {
  vi.useRealTimers();
  await adapter?.stop();
  adapter = null;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  await ws?.fake.close();
});

/** The project's HTTP server, reduced to the one route: the adapter's listener at /slack/events. */
async function mounted(
  options: Parameters<Workspace['adapter']>[0] = {},
): Promise<{ adapter: SlackAdapter; inbox: Inbox; url: string }> {
  adapter = ws.adapter({ appToken: undefined, signingSecret: ws.fake.signingSecret, ...options });
  const listener = adapter.requestListener;
  server = createServer((request, response) => {
    if (request.url?.startsWith('/slack/events')) listener(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  return { adapter, inbox: new Inbox(), url };
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('Slack adapter in HTTP mode', () => {
  it('answers 503 until started, then takes signed commands, acknowledging them and answering through respond', async () => {
    ws = await workspace();
    const { adapter, inbox, url } = await mounted();
    expect((await post(url, 'x=1', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(
      503,
    );
    await adapter.start(inbox);
    expect(adapter.mode).toBe('http');
    expect(adapter.health().detail).toContain('HTTP events at /slack/events');
    expect(ws.fake.callsTo('apps.connections.open')).toHaveLength(0);
    inbox.onEachCommand = (event) => event.respond({ text: 'Here you go', blocks: [] }, 'private');
    ws.fake.deliverOverHttp(url);
    const delivery = await ws.fake.slashCommand({ user: ws.ada.id, channel: ws.papers.id, text: 'list' });
    await ws.fake.acknowledged(delivery);
    expect(delivery.httpStatus).toBe(200);
    await ws.fake.waitFor(() => ws.fake.answers.length === 1, 3000, 'the answer');
    expect(inbox.commands[0]).toMatchObject({ text: 'list', user: ws.user, channel: ws.channel });
    expect(ws.fake.answers[0]?.body).toMatchObject({ response_type: 'ephemeral', text: 'Here you go' });
  });

  it('refuses a bad signature and a timestamp older than five minutes, handing nothing over', async () => {
    ws = await workspace();
    const { adapter, inbox, url } = await mounted();
    await adapter.start(inbox);
    const body = `team_id=${ws.fake.teamId}&channel_id=${ws.papers.id}&user_id=${ws.ada.id}&command=%2Farxiv&text=list&response_url=${encodeURIComponent(`${ws.fake.url}/respond/x`)}`;
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const good = ws.fake.sign(body);
    const forged = {
      ...good,
      'X-Slack-Signature': String(good['X-Slack-Signature']).replace(/.$/, (c) => (c === '0' ? '1' : '0')),
    };
    expect((await post(url, body, { ...form, ...forged })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await post(url, body, { ...form, ...ws.fake.sign(body, sixMinutesAgo) })).status).toBe(401);
    expect((await post(url, body, { ...form })).status).toBe(401);
    expect(inbox.commands).toHaveLength(0);
    expect((await post(url, body, { ...form, ...good })).status).toBe(200);
    await ws.fake.waitFor(() => inbox.commands.length === 1, 3000, 'the signed command');
  });

  it('answers 404 for a Socket Mode adapter: its events come over the socket', async () => {
    ws = await workspace();
    const { url } = await mounted({ appToken: ws.fake.appToken });
    expect((await post(url, '{}', { 'Content-Type': 'application/json' })).status).toBe(404);
  });
});

describeWithSharedFixtures('Slack adapter in HTTP mode: the documented vectors and recorded payloads', () => {
  it("verifies Slack's documented signing example and hands its command over", async () => {
    const vector = readSigningVector();
    ws = await workspace({ teamId: 'T1DC2JH3J' });
    const { adapter, inbox, url } = await mounted({
      signingSecret: vector.secret,
      command: '/webhook-collect',
    });
    await adapter.start(inbox);
    const headers = {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': vector.timestamp,
      'X-Slack-Signature': vector.signature,
    };
    // Signed in 2018: today it is stale and refused.
    expect((await post(url, vector.body, headers)).status).toBe(401);
    // A minute after it was signed, it verifies.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((Number(vector.timestamp) + 60) * 1000);
    expect((await post(url, vector.body, headers)).status).toBe(200);
    // One changed byte of the body breaks it.
    expect((await post(url, vector.body.replace('roadrunner', 'roadrunnex'), headers)).status).toBe(401);
    vi.useRealTimers();
    await ws.fake.waitFor(() => inbox.commands.length === 1, 3000, 'the command');
    expect(inbox.commands[0]).toMatchObject({
      text: '',
      user: 'slack:T1DC2JH3J:@U2CERLKJA',
      channel: 'slack:T1DC2JH3J:G8PSS9T3V',
    });
  });

  it('answers the recorded url_verification challenge', async () => {
    ws = await workspace();
    const { adapter, inbox, url } = await mounted();
    await adapter.start(inbox);
    const body = readSharedFixture('slack/python-slack-events-api/url_challenge.json').toString('utf8');
    const answer = await post(url, body, { 'Content-Type': 'application/json', ...ws.fake.sign(body) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ challenge: 'valid_challenge_token' });
  });

  it('accepts the recorded reaction_added envelope over HTTP', async () => {
    ws = await workspace({ teamId: 'T0JFD6M53' });
    ws.fake.addUser('reactor', 'U27FFLNF4');
    ws.fake.imWith('U27FFLNF4', 'D2AQCJCQ2');
    const { adapter, inbox, url } = await mounted();
    await adapter.start(inbox);
    ws.fake.deliverOverHttp(url);
    const payload = JSON.parse(
      readSharedFixture('slack/python-slack-events-api/reaction_added.json').toString('utf8'),
    );
    await ws.fake.acknowledged(await ws.fake.deliver('events_api', payload));
    await ws.fake.waitFor(() => inbox.reactions.length === 1, 3000, 'the reaction');
    expect(inbox.reactions[0]).toMatchObject({ emoji: 'grinning', user: 'slack:T0JFD6M53:@U27FFLNF4' });
  });
});
