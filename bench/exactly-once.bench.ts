/**
 * Exactly once, every kill point: a bot process delivering a digest (a root and 12 thread replies) through
 * the fake chat platform is killed with SIGKILL at each post, before the platform's answer reaches it and
 * right after, and a new process finishes on the same store. Prints the kill points run and the duplicates
 * and losses found (the test suite runs a subset; see test/integration/delivery/exactly-once.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Limiter } from '../src/limiter.ts';
import { rssListingXml, startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { type FakeChat, startFakeChat } from '../test/fakes/chat-server.ts';

const PAPERS = 12;
const worker = join(import.meta.dirname, '../test/integration/delivery/delivery-worker.ts');
const arxiv = await startFakeArxiv({ recordings: false });
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

function run(store: string, chat: FakeChat) {
  const child = spawn(process.execPath, [worker, store, arxiv.url, chat.url], { stdio: 'ignore' });
  return {
    done: new Promise<number | null>((finish) => child.on('close', finish)),
    kill: () => child.kill('SIGKILL'),
  };
}

async function scenario(at: number, moment: 'before-answer' | 'after-answer') {
  const chat = await startFakeChat();
  const store = join(mkdtempSync(join(tmpdir(), 'arxiv-digest-once-')), 'state.sqlite');
  let kill = () => {};
  chat.onPost(async (_message, count) => {
    if (count !== at) return 'answer';
    if (moment === 'before-answer') {
      kill();
      return 'hang';
    }
    setImmediate(() => kill());
    return 'answer';
  });
  const first = run(store, chat);
  kill = first.kill;
  const killed = (await first.done) === null;
  chat.onPost(null);
  const finished = (await run(store, chat).done) === 0;
  const replies = chat.messages.filter((message) => message.thread !== null);
  const roots = chat.messages.filter((message) => message.thread === null).length;
  const keys = new Set(replies.map((reply) => reply.key));
  await chat.close();
  return {
    killed,
    finished,
    duplicates: replies.length - keys.size + Math.max(0, roots - 1),
    losses: PAPERS - keys.size + (roots === 0 ? 1 : 0),
    strayReplies: replies.filter((reply) => reply.thread !== chat.messages.find((m) => m.thread === null)?.id)
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
