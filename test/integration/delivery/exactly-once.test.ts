import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../../src/limiter.ts';
import { type FakeArxiv, rssListingXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { type FakeChat, startFakeChat } from '../../fakes/chat-server.ts';

/*
 * Exactly once, across crashes: a bot process delivering a digest (a root and 12 thread replies) is killed
 * with SIGKILL at every post, either before the platform's answer reaches it (the post went out but the bot
 * never learned its id) or right after; then a new process runs on the same store. Every paper must be in
 * the thread exactly once, under the one root.
 */

const worker = join(import.meta.dirname, 'delivery-worker.ts');
const PAPERS = 12;

let arxiv: FakeArxiv;

beforeAll(async () => {
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(
    rssListingXml(
      Array.from({ length: PAPERS }, (_, index) => ({
        id: `2602.${String(10001 + index)}`,
        title: `Graph paper number ${index + 1}`,
        categories: ['cs.LG'],
      })),
      { categories: ['cs.LG'] },
    ),
  );
});

afterAll(async () => {
  await arxiv.close();
});

function runWorker(store: string, chat: FakeChat): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, [worker, store, arxiv.url, chat.url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<number | null>((finish) =>
    child.on('close', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      finish(code);
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

type KillMoment = 'before-answer' | 'after-answer';

/** Kills the first worker at post `at`, runs a second one to the end, and returns what the platform holds. */
async function crashAndResume(at: number, moment: KillMoment) {
  const chat = await startFakeChat();
  const store = join(mkdtempSync(join(tmpdir(), 'arxiv-digest-once-')), 'state.sqlite');
  try {
    let kill: () => void = () => {};
    chat.onPost(async (_message, count) => {
      if (count !== at) return 'answer';
      if (moment === 'before-answer') {
        kill();
        return 'hang';
      }
      setImmediate(() => kill());
      return 'answer';
    });
    const first = runWorker(store, chat);
    kill = first.kill;
    expect(await first.done).toBeNull(); // killed by the signal
    chat.onPost(null);
    const second = runWorker(store, chat);
    expect(await second.done).toBe(0);
    return chat.messages;
  } finally {
    await chat.close();
  }
}

describe('exactly-once delivery across SIGKILL', () => {
  // The root, the first reply, one in the middle and the last, each killed before and after the answer.
  // bench/exactly-once.bench.ts runs every post.
  const points: Array<[number, KillMoment]> = [1, 2, 7, PAPERS + 1].flatMap(
    (at): Array<[number, KillMoment]> => [
      [at, 'before-answer'],
      [at, 'after-answer'],
    ],
  );

  it(`delivers every paper once for each of ${points.length} kill points`, { timeout: 240_000 }, async () => {
    const limiter = new Limiter(3);
    const results = await Promise.all(
      points.map(([at, moment]) =>
        limiter.run(async () => ({ at, moment, messages: await crashAndResume(at, moment) })),
      ),
    );
    for (const { at, moment, messages } of results) {
      const where = `killed at post ${at}, ${moment}`;
      const roots = messages.filter((message) => message.thread === null);
      expect(roots, where).toHaveLength(1);
      const replies = messages.filter((message) => message.thread !== null);
      expect(
        replies.every((reply) => reply.thread === roots[0]?.id),
        where,
      ).toBe(true);
      const keys = replies.map((reply) => reply.key);
      expect(new Set(keys).size, `${where}: duplicates`).toBe(keys.length);
      expect(keys.length, `${where}: losses`).toBe(PAPERS);
    }
  });
});
