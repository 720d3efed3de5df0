/**
 * Exactly once, every kill point: a bot process delivering a digest (a root and 12 thread replies) through
 * the fake chat platform is killed with SIGKILL at each post, before the platform's answer reaches it and
 * right after, and a new process finishes on the same store. Prints the kill points run and the duplicates
 * and losses found (the test suite runs a subset; see test/integration/delivery/exactly-once.test.ts).
 */
import { Limiter } from '../src/limiter.ts';
import { crashAndResume, type KillMoment, startGraphArxiv } from '../test/integration/delivery/support.ts';

const PAPERS = 12;
const arxiv = await startGraphArxiv(PAPERS);

async function scenario(at: number, moment: KillMoment) {
  const { firstExit, secondExit, messages } = await crashAndResume(arxiv.url, at, moment);
  const replies = messages.filter((message) => message.thread !== null);
  const roots = messages.filter((message) => message.thread === null).length;
  const keys = new Set(replies.map((reply) => reply.key));
  return {
    killed: firstExit === null,
    finished: secondExit === 0,
    duplicates: replies.length - keys.size + Math.max(0, roots - 1),
    losses: PAPERS - keys.size + (roots === 0 ? 1 : 0),
    strayReplies: replies.filter((reply) => reply.thread !== messages.find((m) => m.thread === null)?.id)
      .length,
  };
}

const limiter = new Limiter(3);
const points = Array.from({ length: PAPERS + 1 }, (_, index) => index + 1).flatMap((at) => [
  [at, 'before-answer'] as const,
  [at, 'after-answer'] as const,
]);
const started = performance.now();
const results = await Promise.all(points.map(([at, moment]) => limiter.run(() => scenario(at, moment))));
await arxiv.close();

const sum = (pick: (result: (typeof results)[number]) => number) =>
  results.reduce((total, r) => total + pick(r), 0);
console.log(
  `kill points run:       ${results.length} (every post of ${PAPERS + 1}, before and after the answer)`,
);
console.log(`first process killed:  ${results.filter((r) => r.killed).length} of ${results.length}`);
console.log(`second process done:   ${results.filter((r) => r.finished).length} of ${results.length}`);
console.log(`duplicate posts:       ${sum((r) => r.duplicates)}`);
console.log(`lost papers:           ${sum((r) => r.losses)}`);
console.log(`replies off the root:  ${sum((r) => r.strayReplies)}`);
console.log(`wall time:             ${((performance.now() - started) / 1000).toFixed(1)} s`);
