import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InboundHandlers, MessageRef } from '../../src/chat/types.ts';
import { ExternalError } from '../../src/errors.ts';
import { MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../fakes/memory-adapter.ts';

const message = (text: string) => ({ text, blocks: [] });
const idle: InboundHandlers = { onCommand: async () => {}, onReaction: async () => {} };

async function started(adapter = new MemoryAdapter(), handlers: InboundHandlers = idle) {
  await adapter.start(handlers);
  return adapter;
}

/** Whether a promise has settled by the time the event loop has turned once. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('MemoryAdapter: what it records', () => {
  it('records posts with their thread, key and whether they are DMs, by target and by thread', async () => {
    const adapter = await started();
    const root = await adapter.post('test:c1', message('root'), { idempotencyKey: 'k:root' });
    const reply = await adapter.post('test:c1', message('reply'), {
      thread: root,
      idempotencyKey: 'k:reply',
    });
    await adapter.post('test:c2', message('elsewhere'));
    const dm = await adapter.post('test:@u1', message('dm'));

    expect(adapter.posts.map((post) => post.message.text)).toEqual(['root', 'reply', 'elsewhere', 'dm']);
    expect(adapter.postsTo('test:c1').map((post) => post.ref)).toEqual([root, reply]);
    expect(adapter.threadOf(root).map((post) => post.ref)).toEqual([reply]);
    expect(adapter.threadOf(reply).map((post) => post.ref)).toEqual([reply]);
    expect(adapter.postById(reply.id)).toMatchObject({
      idempotencyKey: 'k:reply',
      direct: false,
      author: 'bot',
    });
    expect(adapter.postById(dm.id)?.direct).toBe(true);
  });

  it('hands a command to the core and returns its answers; a failing handler rejects', async () => {
    const adapter = await started(new MemoryAdapter(), {
      onReaction: async () => {},
      onCommand: async (event) => {
        if (event.text === 'boom') throw new Error('handler bug');
        await event.respond(message(`you said ${event.text} in ${event.channel}`), 'private');
      },
    });
    const answers = await adapter.command('list', { channel: 'test:c9' });
    expect(answers).toEqual([
      {
        command: { text: 'list', user: TEST_USER, channel: 'test:c9' },
        message: message('you said list in test:c9'),
        visibility: 'private',
      },
    ]);
    await expect(adapter.command('boom')).rejects.toThrow('handler bug');
    expect(adapter.answers).toHaveLength(1);
  });

  it('hands reactions over, and reads the text of messages people wrote', async () => {
    const reactions: unknown[] = [];
    const adapter = await started(new MemoryAdapter(), {
      onCommand: async () => {},
      onReaction: async (event) => void reactions.push(event),
    });
    const theirs = adapter.addMessage(TEST_CHANNEL, 'look: https://arxiv.org/abs/2401.00001', {
      user: 'test:@u2',
    });
    await adapter.react(theirs);
    await adapter.react(theirs, { emoji: '📝', user: 'test:@u3' });
    await adapter.react(theirs, { emoji: '📝', user: 'test:@u3', action: 'removed' });
    expect(reactions).toEqual([
      { platform: 'test', action: 'added', emoji: 'memo', user: TEST_USER, message: theirs },
      { platform: 'test', action: 'added', emoji: '📝', user: 'test:@u3', message: theirs },
      { platform: 'test', action: 'removed', emoji: '📝', user: 'test:@u3', message: theirs },
    ]);
    expect(await adapter.fetchMessageText(theirs)).toBe('look: https://arxiv.org/abs/2401.00001');
    expect(await adapter.fetchMessageText({ target: 'test:c2', id: theirs.id })).toBeNull();
    expect(adapter.postById(theirs.id)?.author).toBe('test:@u2');
  });

  it('answers canManageChannel as set per user and channel, with a default', async () => {
    const adapter = new MemoryAdapter({ canManageByDefault: false });
    adapter.setPermission('test:@admin', 'test:c1', true);
    expect(await adapter.canManageChannel('test:@admin', 'test:c1')).toBe(true);
    expect(await adapter.canManageChannel('test:@admin', 'test:c2')).toBe(false);
    expect(await adapter.canManageChannel('test:@u1', 'test:c1')).toBe(false);
    const open = new MemoryAdapter();
    open.setPermission('test:@u1', 'test:c1', false);
    expect(await open.canManageChannel('test:@u1', 'test:c1')).toBe(false);
    expect(await open.canManageChannel('test:@u2', 'test:c1')).toBe(true);
  });

  it('keeps everything across stop and start, like a workspace outliving the bot', async () => {
    const adapter = await started();
    const ref = await adapter.post('test:c1', message('before'), { idempotencyKey: 'k:before' });
    await adapter.stop();
    await expect(adapter.post('test:c1', message('while stopped'))).rejects.toThrow('stopped');
    await expect(adapter.command('help')).rejects.toThrow('nothing would receive a command');
    await adapter.start(idle);
    expect(await adapter.findPosted('test:c1', 'k:before')).toEqual(ref);
    expect((await adapter.post('test:c1', message('after'))).id).not.toBe(ref.id);
  });

  it('refuses targets of other platforms and threads in another target', async () => {
    const adapter = await started();
    await expect(adapter.post('slack:T1:C2', message('x'))).rejects.toThrow('not a test: target');
    const root = await adapter.post('test:c1', message('root'));
    await expect(adapter.post('test:c2', message('x'), { thread: root })).rejects.toThrow(
      'cannot hold a reply',
    );
  });

  it('keeps 100 targets × 30 papers apart, each found by its key in its thread', async () => {
    const adapter = await started();
    const roots = await Promise.all(
      Array.from({ length: 100 }, (_, t) =>
        adapter.post(`test:c${t}`, message('root'), { idempotencyKey: 'root' }),
      ),
    );
    await Promise.all(
      roots.flatMap((root, t) =>
        Array.from({ length: 30 }, (_, p) =>
          adapter.post(`test:c${t}`, message(`paper ${p}`), { thread: root, idempotencyKey: `paper:${p}` }),
        ),
      ),
    );
    expect(adapter.posts).toHaveLength(3100);
    const found = await adapter.findPosted('test:c42', 'paper:17', roots[42]);
    expect(found && adapter.postById(found.id)?.message.text).toBe('paper 17');
    expect(adapter.threadOf(roots[99] as MessageRef).map((post) => post.message.text)).toEqual(
      Array.from({ length: 30 }, (_, p) => `paper ${p}`),
    );
  });
});

describe('MemoryAdapter: injected trouble', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails the next post to a target with a retryable ExternalError, and records nothing', async () => {
    const adapter = await started();
    adapter.failNextPost('test:c1');
    await adapter.post('test:c2', message('other target'));
    const failed = adapter.post('test:c1', message('lost'), { idempotencyKey: 'k:lost' });
    await expect(failed).rejects.toBeInstanceOf(ExternalError);
    await expect(failed).rejects.toMatchObject({ code: 'PLATFORM_HTTP', retryable: true });
    expect(await adapter.findPosted('test:c1', 'k:lost')).toBeNull();
    await expect(adapter.post('test:c1', message('next'))).resolves.toMatchObject({ target: 'test:c1' });
    expect(adapter.posts.map((post) => post.message.text)).toEqual(['other target', 'next']);
  });

  it('can fail a post after it went out, so findPosted finds what the caller thinks failed', async () => {
    const adapter = await started();
    adapter.failNextPost(undefined, { delivered: true, error: new Error('connection reset') });
    await expect(adapter.post('test:c7', message('went out'), { idempotencyKey: 'k:out' })).rejects.toThrow(
      'connection reset',
    );
    const found = await adapter.findPosted('test:c7', 'k:out');
    expect(found && adapter.postById(found.id)?.message.text).toBe('went out');
  });

  it('holds posts to a target in flight until released, letting others through', async () => {
    const adapter = await started();
    const hold = adapter.holdPosts('test:c1');
    const held = adapter.post('test:c1', message('held'));
    await hold.reached();
    expect(hold.waiting).toBe(1);
    await adapter.post('test:c2', message('free'));
    expect(await settledYet(held)).toBe(false);
    expect(adapter.posts.map((post) => post.message.text)).toEqual(['free']);
    hold.release();
    await expect(held).resolves.toMatchObject({ target: 'test:c1' });
    await adapter.post('test:c1', message('after release'));
    expect(adapter.posts.map((post) => post.message.text)).toEqual(['free', 'held', 'after release']);
  });

  it('delays every post by the injected latency', async () => {
    vi.useFakeTimers();
    const adapter = await started(new MemoryAdapter({ latencyMs: 1_000 }));
    const posting = adapter.post('test:c1', message('slow'));
    await vi.advanceTimersByTimeAsync(999);
    expect(adapter.posts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await expect(posting).resolves.toMatchObject({ target: 'test:c1' });
    adapter.setLatency(0);
    await expect(adapter.post('test:c1', message('fast'))).resolves.toMatchObject({ target: 'test:c1' });
  });
});
