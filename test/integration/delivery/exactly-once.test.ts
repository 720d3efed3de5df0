import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../../src/limiter.ts';
import type { FakeArxiv } from '../../fakes/arxiv-server.ts';
import { crashAndResume, type KillMoment, startGraphArxiv } from './support.ts';

/*
 * Exactly once, across crashes: a bot process delivering a digest (a root and 12 thread replies) is killed
 * with SIGKILL at every post, either before the platform's answer reaches it (the post went out but the bot
 * never learned its id) or right after; then a new process runs on the same store. Every paper must be in
 * the thread exactly once, under the one root.
 */

const PAPERS = 12;

let arxiv: FakeArxiv;

beforeAll(async () => {
  arxiv = await startGraphArxiv(PAPERS);
});

afterAll(async () => {
  await arxiv.close();
});

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
        limiter.run(async () => ({ at, moment, ...(await crashAndResume(arxiv.url, at, moment)) })),
      ),
    );
    for (const { at, moment, firstExit, secondExit, messages } of results) {
      const where = `killed at post ${at}, ${moment}`;
      expect(firstExit, `${where}: the first process killed by the signal`).toBeNull();
      expect(secondExit, `${where}: the second process done`).toBe(0);
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
