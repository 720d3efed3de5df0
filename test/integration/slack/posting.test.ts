import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../../adapters/slack/blocks.ts';
import { channelTarget, userTarget } from '../../../adapters/slack/ids.ts';
import { NotInChannelError, type SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { findArxivId, type Paper } from '../../../src/arxiv/paper.ts';
import type { Block, OutboundMessage } from '../../../src/chat/types.ts';
import { readMessage } from '../../fakes/slack/shown.ts';
import { makePaper } from '../../support/papers.ts';
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

function paper(n: number, title = `Paper ${n}`): Paper {
  return makePaper(`2401.${String(n).padStart(5, '0')}`, { title });
}

function hugeDigest(papers: number): OutboundMessage {
  const blocks: Block[] = [{ kind: 'header', text: 'All of them' }];
  for (let n = 1; n <= papers; n++) {
    blocks.push({ kind: 'paper', paper: paper(n), rank: n, score: 1, matchedTerms: ['x'], tldr: 'Short.' });
  }
  return { text: `${papers} papers`, blocks };
}

describe('Slack adapter: posting', () => {
  it('sends every post with links not unfurled and its idempotency key in the message metadata', async () => {
    ws = await workspace();
    const adapter = await started();
    const root = await adapter.post(ws.channel, text('root'), { idempotencyKey: 'digest:2024-01-02' });
    await adapter.post(ws.channel, text('reply'), { thread: root });
    const calls = ws.fake.callsTo('chat.postMessage');
    expect(calls).toHaveLength(2);
    for (const call of calls)
      expect(call.params).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    expect(calls[0]?.params.metadata).toEqual({
      event_type: 'arxiv_digest_post',
      event_payload: { key: 'digest:2024-01-02', part: 1, parts: 1 },
    });
    expect(calls[1]?.params.metadata).toBeUndefined();
    expect(calls[1]?.params.thread_ts).toBe(root.id);
  });

  it('escapes a title holding <!channel>: what reaches Slack pings nobody', async () => {
    ws = await workspace();
    const adapter = await started();
    const hostile = paper(1, 'Attention <!channel> <!here> <@U0BOT0001> <https://evil.example|arxiv.org>');
    await adapter.post(ws.channel, {
      text: hostile.title,
      blocks: [
        {
          kind: 'paper',
          paper: hostile,
          rank: 1,
          score: 2,
          matchedTerms: ['<!everyone>'],
          tldr: '<!channel>',
        },
      ],
    });
    const sent = ws.fake.posts()[0]?.sent ?? {};
    const raw = JSON.stringify(sent);
    expect(raw).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U0BOT0001>/);
    expect(raw).toContain('&lt;!channel&gt;');
    expect(readMessage(sent as { text?: string; blocks?: unknown[] }).pings).toEqual([]);
  });

  it('waits out 429s per Retry-After and loses nothing', async () => {
    ws = await workspace();
    const other = ws.fake.addChannel({ name: 'other' });
    const adapter = await started();
    ws.fake.fail('chat.postMessage', { channel: ws.papers.id, status: 429, retryAfterSeconds: 1, times: 2 });
    const posts = await Promise.all([
      adapter.post(ws.channel, text('one')),
      adapter.post(ws.channel, text('two')),
      adapter.post(channelTarget(ws.fake.teamId, other.id), text('three')),
    ]);
    expect(new Set(posts.map((p) => p.id)).size).toBe(3);
    expect(
      ws.fake
        .posts()
        .map((m) => m.text)
        .sort(),
    ).toEqual(['one', 'three', 'two']);
    const calls = ws.fake.callsTo('chat.postMessage');
    const limited = calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(2);
    // Each 429 was followed by a retry no sooner than its Retry-After (one second) allowed.
    for (const refusal of limited) {
      const retry = calls.find((c) => c.at > refusal.at && c.params.text === refusal.params.text);
      expect(retry).toBeDefined();
      expect((retry?.at ?? 0) - refusal.at).toBeGreaterThanOrEqual(1000);
    }
  });

  it('fails one channel without stopping the others, with a clear log line and an invite hint', async () => {
    ws = await workspace();
    const outside = ws.fake.addChannel({ name: 'outside', bot: false });
    const second = ws.fake.addChannel({ name: 'second' });
    const adapter = await started();
    const outsideTarget = channelTarget(ws.fake.teamId, outside.id);
    const results = await Promise.allSettled(
      [ws.channel, outsideTarget, channelTarget(ws.fake.teamId, second.id)].map((t) =>
        adapter.post(t, text('digest')),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (results[1] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(NotInChannelError);
    expect(error.userMessage).toContain('/invite @arxiv-digest');
    const line = ws.logs.lines.find((l) => String(l.msg).startsWith(`cannot post to ${outsideTarget}`));
    expect(line).toMatchObject({ level: 40, error: 'not_in_channel' });
  });

  it('posts a huge digest as parts within the limits, the rest in the first part’s thread', async () => {
    ws = await workspace();
    const adapter = await started();
    const message = hugeDigest(60);
    const parts = renderMessage(message).length;
    expect(parts).toBeGreaterThan(1);
    const ref = await adapter.post(ws.channel, message, { idempotencyKey: 'huge' });
    const posted = ws.fake.posts();
    expect(posted).toHaveLength(parts);
    expect(ws.fake.calls.every((call) => call.error === null)).toBe(true);
    expect(posted[0]?.ts).toBe(ref.id);
    expect(posted.slice(1).every((m) => m.threadTs === ref.id)).toBe(true);
    expect(await adapter.findPosted(ws.channel, 'huge')).toEqual({ target: ws.channel, id: ref.id });
  });

  it('resumes a multi-part post cut short: found only when whole, and the missing parts posted once', async () => {
    ws = await workspace();
    const first = await started();
    const message = hugeDigest(60);
    const parts = renderMessage(message).length;
    ws.fake.fail('chat.postMessage', { skip: 1, error: 'fatal_error' });
    await expect(first.post(ws.channel, message, { idempotencyKey: 'huge' })).rejects.toThrow(/fatal_error/);
    expect(ws.fake.posts()).toHaveLength(1);
    await first.stop();
    // A restart: a new adapter, knowing nothing but what Slack keeps.
    const second = await started();
    expect(await second.findPosted(ws.channel, 'huge')).toBeNull();
    const ref = await second.post(ws.channel, message, { idempotencyKey: 'huge' });
    const posted = ws.fake.posts();
    expect(posted).toHaveLength(parts);
    expect(posted[0]?.ts).toBe(ref.id);
    const partNumbers = posted.map((m) => m.metadata?.event_payload.part);
    expect(partNumbers).toEqual(Array.from({ length: parts }, (_, i) => i + 1));
    expect(await second.findPosted(ws.channel, 'huge')).toEqual({ target: ws.channel, id: ref.id });
  });

  it('opens a direct message once per user and finds its posts there after a restart', async () => {
    ws = await workspace();
    const first = await started();
    const dm = await first.post(ws.user, text('for you'), { idempotencyKey: 'dm:1' });
    await first.post(ws.user, text('and this'));
    expect(ws.fake.callsTo('conversations.open')).toHaveLength(1);
    expect(ws.fake.posts().every((m) => ws.fake.channels.get(m.channel)?.isIm)).toBe(true);
    await first.stop();
    const second = await started();
    expect(await second.findPosted(ws.user, 'dm:1')).toEqual({ target: ws.user, id: dm.id });
  });

  it('paces posts to one channel after its burst, leaving other channels free', async () => {
    ws = await workspace();
    const other = ws.fake.addChannel({ name: 'other' });
    const adapter = await started({ minPostIntervalMs: 200, postBurst: 2 });
    await Promise.all([
      adapter.post(ws.channel, text('a1')),
      adapter.post(ws.channel, text('a2')),
      adapter.post(ws.channel, text('a3')),
      adapter.post(ws.channel, text('a4')),
      adapter.post(channelTarget(ws.fake.teamId, other.id), text('b1')),
    ]);
    const at = (t: string) => ws.fake.callsTo('chat.postMessage').find((c) => c.params.text === t)?.at ?? 0;
    expect(at('a2') - at('a1')).toBeLessThan(190);
    expect(at('a3') - at('a1')).toBeGreaterThanOrEqual(190);
    expect(at('a4') - at('a3')).toBeGreaterThanOrEqual(190);
    expect(at('b1') - at('a1')).toBeLessThan(190);
  });

  it('keeps to the workspace-wide limit across channels', async () => {
    ws = await workspace();
    const others = Array.from({ length: 4 }, (_, i) =>
      channelTarget(ws.fake.teamId, ws.fake.addChannel({ name: `other-${i}` }).id),
    );
    // 300 a minute: bursts of 5, then one every 200 ms (plus the margin) whichever channel.
    const adapter = await started({ workspacePostsPerMinute: 300 });
    await Promise.all(
      [ws.channel, ...others].flatMap((target, i) => [
        adapter.post(target, text(`c${i}-1`)),
        adapter.post(target, text(`c${i}-2`)),
      ]),
    );
    const times = ws.fake
      .callsTo('chat.postMessage')
      .map((c) => c.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(10);
    expect((times[9] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(5 * 190);
  });
});

describe('Slack adapter: reading and permissions', () => {
  it("reads a person's message with an arXiv link, and a thread reply, as text", async () => {
    ws = await workspace();
    const adapter = await started();
    const root = ws.fake.postAsUser(
      ws.ada.id,
      ws.papers.id,
      'look at <https://arxiv.org/abs/2401.00042|this one>',
    );
    const reply = ws.fake.postAsUser(ws.ada.id, ws.papers.id, 'and arXiv:2312.01234v2', root);
    expect(findArxivId((await adapter.fetchMessageText({ target: ws.channel, id: root })) ?? '')?.id).toBe(
      '2401.00042',
    );
    expect(findArxivId((await adapter.fetchMessageText({ target: ws.channel, id: reply })) ?? '')?.id).toBe(
      '2312.01234',
    );
    const outside = ws.fake.addChannel({ name: 'outside', bot: false });
    expect(
      await adapter.fetchMessageText({ target: channelTarget(ws.fake.teamId, outside.id), id: root }),
    ).toBeNull();
  });

  it('lets members of a channel manage it, reads a long member list page by page, and remembers the answer', async () => {
    ws = await workspace();
    const many = Array.from({ length: 1500 }, (_, i) => `U9${String(i).padStart(7, '0')}`);
    const big = ws.fake.addChannel({ name: 'big', members: many });
    const bob = ws.fake.addUser('bob');
    const adapter = await started();
    const bigTarget = channelTarget(ws.fake.teamId, big.id);
    const last = userTarget(ws.fake.teamId, many.at(-1) as string);
    expect(await adapter.canManageChannel(last, bigTarget)).toBe(true);
    expect(ws.fake.callsTo('conversations.members')).toHaveLength(2);
    expect(await adapter.canManageChannel(last, bigTarget)).toBe(true);
    expect(ws.fake.callsTo('conversations.members')).toHaveLength(2);
    expect(await adapter.canManageChannel(userTarget(ws.fake.teamId, bob.id), ws.channel)).toBe(false);
    expect(await adapter.canManageChannel(ws.user, ws.channel)).toBe(true);
    // A user's own direct-message target is theirs; someone else's is not.
    expect(await adapter.canManageChannel(ws.user, ws.user)).toBe(true);
    expect(await adapter.canManageChannel(userTarget(ws.fake.teamId, bob.id), ws.user)).toBe(false);
    const secret = ws.fake.addChannel({ name: 'secret', private: true, bot: false, members: [ws.ada.id] });
    await expect(
      adapter.canManageChannel(ws.user, channelTarget(ws.fake.teamId, secret.id)),
    ).rejects.toBeInstanceOf(NotInChannelError);
  });
});
