/**
 * Slack refuses a call for its rate in two forms: HTTP 429 with Retry-After, and HTTP 200 with
 * `{ok: false, error: "ratelimited"}` (also spelt `rate_limited`), with or without Retry-After. Either is
 * waited out, posts and reads alike, and never counts as a failure: nothing lost, nothing posted twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channelTarget } from '../../../adapters/slack/ids.ts';
import type { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import type { OutboundMessage } from '../../../src/chat/types.ts';
import type { ApiCall } from '../../fakes/slack-server.ts';
import { Inbox, type Workspace, workspace } from './harness.ts';

let ws: Workspace;
let adapter: SlackAdapter | null = null;

afterEach(async () => {
  await adapter?.stop();
  adapter = null;
  await ws?.fake.close();
});

async function started(options: Parameters<Workspace['adapter']>[0] = {}): Promise<SlackAdapter> {
  adapter = ws.adapter(options);
  await adapter.start(new Inbox());
  return adapter;
}

const text = (t: string): OutboundMessage => ({ text: t, blocks: [{ kind: 'text', spans: [{ text: t }] }] });

/** The calls Slack refused for their rate, in either form. */
const refused = (calls: ApiCall[]) =>
  calls.filter((call) => call.error === 'ratelimited' || call.error === 'rate_limited');

describe('Slack adapter: rate limits answered with HTTP 200', () => {
  it('waits out {ok: false, error: "ratelimited"} on posts, per Retry-After when given, posting each message once', async () => {
    ws = await workspace();
    const other = ws.fake.addChannel({ name: 'other' });
    const adapter = await started();
    ws.fake.fail('chat.postMessage', {
      channel: ws.papers.id,
      status: 200,
      error: 'ratelimited',
      retryAfterSeconds: 1,
    });
    // More refusals in a row than the retries allowed for failures (3): a rate limit is not a failure.
    ws.fake.fail('chat.postMessage', { channel: other.id, status: 200, error: 'rate_limited', times: 5 });
    const three = adapter.post(channelTarget(ws.fake.teamId, other.id), text('three'), {
      idempotencyKey: 'three',
    });
    const one = adapter.post(ws.channel, text('one'), { idempotencyKey: 'one' });
    const papersCalls = () =>
      ws.fake.callsTo('chat.postMessage').filter((call) => call.params.channel === ws.papers.id);
    await ws.fake.waitFor(
      () => ws.logs.withMessage('Slack rate-limited a post; waiting').some((l) => l.channel === ws.papers.id),
      3000,
      'the adapter to take the refusal in #papers',
    );
    // A post that comes while #papers is held back waits too.
    const two = adapter.post(ws.channel, text('two'));
    const posts = await Promise.all([one, two, three]);
    expect(new Set(posts.map((p) => p.id)).size).toBe(3);
    expect(
      ws.fake
        .posts()
        .map((m) => m.text)
        .sort(),
    ).toEqual(['one', 'three', 'two']);
    const calls = ws.fake.callsTo('chat.postMessage');
    expect(refused(calls)).toHaveLength(6);
    expect(calls.every((call) => call.status === 200)).toBe(true);
    // After the refusal with Retry-After: 1, nothing went to #papers for a second.
    const [limited, ...after] = papersCalls();
    expect(limited?.error).toBe('ratelimited');
    expect(after.map((call) => call.params.text).sort()).toEqual(['one', 'two']);
    for (const call of after) expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('waits out a 429 however many times it comes, without counting it against the retries', async () => {
    ws = await workspace();
    const adapter = await started();
    ws.fake.fail('chat.postMessage', { status: 429, retryAfterSeconds: 0, times: 6 });
    const ref = await adapter.post(ws.channel, text('patient'), { idempotencyKey: 'patient' });
    expect(ws.fake.posts().map((m) => [m.ts, m.text])).toEqual([[ref.id, 'patient']]);
    expect(ws.fake.callsTo('chat.postMessage').filter((call) => call.status === 429)).toHaveLength(6);
  });

  it('waits out rate limits on reads in either form: finding a post, opening a DM, listing members', async () => {
    ws = await workspace();
    const first = await started();
    const posted = await first.post(ws.channel, text('keyed'), { idempotencyKey: 'digest:1' });
    const restarted = ws.adapter();
    await first.stop();
    adapter = restarted;
    await restarted.start(new Inbox());

    ws.fake.fail('conversations.history', { status: 200, error: 'ratelimited', retryAfterSeconds: 1 });
    ws.fake.fail('conversations.history', { status: 200, error: 'rate_limited', times: 4 });
    const begun = Date.now();
    expect(await restarted.findPosted(ws.channel, 'digest:1')).toEqual(posted);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(990);
    expect(refused(ws.fake.callsTo('conversations.history'))).toHaveLength(5);

    ws.fake.fail('conversations.open', { status: 200, error: 'ratelimited', times: 5 });
    ws.fake.fail('conversations.members', { status: 429, retryAfterSeconds: 0, times: 5 });
    await restarted.post(ws.user, text('direct'));
    expect(await restarted.canManageChannel(ws.user, ws.channel)).toBe(true);
    expect(ws.fake.posts().map((m) => m.text)).toEqual(['keyed', 'direct']);
  });
});
