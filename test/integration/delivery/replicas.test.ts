import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import type { FakeArxiv } from '../../fakes/arxiv-server.ts';
import { type ChatMessage, type FakeChat, startFakeChat } from '../../fakes/chat-server.ts';
import { describeWithServer } from '../../support/servers.ts';
import { makeSubscription } from '../../support/subscriptions.ts';
import { startGraphArxiv } from './support.ts';

/*
 * Two bot replicas (real Bot and Scheduler, each in its own process) on one shared store: each digest is
 * delivered once, and when the replica delivering is killed with SIGKILL in the middle of a digest, the
 * other takes over and finishes it, under the same root, without repeating a paper.
 */

const worker = join(import.meta.dirname, 'replica-worker.ts');
const PAPERS = 8;
const TARGETS = ['test:alpha', 'test:beta', 'test:gamma'];

let arxiv: FakeArxiv;

beforeAll(async () => {
  arxiv = await startGraphArxiv(PAPERS);
});

afterAll(async () => {
  await arxiv.close();
});

async function seed(storeUrl: string): Promise<void> {
  const store = await openStore(storeUrl);
  const repository = new SubscriptionRepository(store, silentLogger);
  const yesterday = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000).toISOString();
  for (const target of TARGETS) {
    await repository.put(
      makeSubscription(target, {
        query: parseKeywordQuery('graph'),
        // Due since midnight UTC today.
        schedule: { time: '00:00', timeZone: 'UTC' },
        createdAt: yesterday,
      }),
    );
  }
  await store.close();
}

function startReplica(storeUrl: string, chat: FakeChat, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [worker, storeUrl, arxiv.url, chat.url, name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ready, fail) => {
    child.stdout?.once('data', () => ready(child));
    child.once('exit', (code) => fail(new Error(`replica ${name} exited with ${code} before it was ready`)));
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

function checkExactlyOnce(messages: readonly ChatMessage[]): void {
  for (const target of TARGETS) {
    const posts = messages.filter((message) => message.target === target);
    const roots = posts.filter((message) => message.thread === null);
    expect(roots, `${target}: one root`).toHaveLength(1);
    const replies = posts.filter((message) => message.thread !== null);
    expect(
      replies.every((reply) => reply.thread === roots[0]?.id),
      `${target}: replies under the root`,
    ).toBe(true);
    expect(new Set(replies.map((reply) => reply.key)).size, `${target}: no duplicate`).toBe(replies.length);
    expect(replies.length, `${target}: no loss`).toBe(PAPERS);
  }
}

async function replicaRun(storeUrl: string): Promise<void> {
  await seed(storeUrl);
  const chat = await startFakeChat();
  const replicas = new Map<string, ChildProcess>();
  try {
    // The replica that posts the 5th message (in the middle of the first digest) dies before its answer.
    let killed: string | null = null;
    chat.onPost((message, count) => {
      if (count !== 5 || !message.from) return 'answer';
      killed = message.from;
      replicas.get(message.from)?.kill('SIGKILL');
      return 'hang';
    });
    for (const name of ['replica-a', 'replica-b'])
      replicas.set(name, await startReplica(storeUrl, chat, name));
    const expected = TARGETS.length * (PAPERS + 1);
    await waitFor(() => new Set(chat.messages.map((m) => m.key)).size >= expected, 40_000);
    // Let any late duplicate show up before counting.
    await new Promise((wait) => setTimeout(wait, 1500));

    checkExactlyOnce(chat.messages);
    expect(killed).not.toBeNull();
    const survivors = [...replicas.keys()].filter((name) => name !== killed);
    // The survivor finished the digest the killed replica had started.
    expect(chat.messages.filter((message) => message.from === survivors[0]).length).toBeGreaterThan(0);
  } finally {
    for (const child of replicas.values()) child.kill('SIGKILL');
    await chat.close();
  }
}

it('two replicas on one SQLite file deliver each digest once, and one takes over when the other is killed', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-replicas-'));
  await replicaRun(`sqlite://${join(dir, 'state.sqlite')}`);
});

describeWithServer('redis', 'replicas on Redis', (server) => {
  it('two replicas on one Redis deliver each digest once, and one takes over when the other is killed', {
    timeout: 60_000,
  }, async () => {
    await replicaRun(server().url);
  });
});
