import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeArxiv, rssListingXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { type ChatMessage, type FakeChat, startFakeChat } from '../../fakes/chat-server.ts';

/*
 * What the delivery tests and bench/exactly-once.bench.ts share: the fake arXiv with a listing the workers'
 * keyword (graph) matches whole, and the crash-and-resume run of delivery-worker.ts.
 */

/** The fake arXiv listing `papers` cs.LG papers titled "Graph paper N", ids from 2602.10001. */
export async function startGraphArxiv(papers: number): Promise<FakeArxiv> {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(
    rssListingXml(
      Array.from({ length: papers }, (_, index) => ({
        id: `2602.${String(10001 + index)}`,
        title: `Graph paper ${index + 1}`,
        categories: ['cs.LG'],
      })),
      { categories: ['cs.LG'] },
    ),
  );
  return arxiv;
}

const worker = join(import.meta.dirname, 'delivery-worker.ts');

/** Runs delivery-worker.ts once; a failed run (exit code other than 0) prints the worker's stderr. */
function runWorker(
  store: string,
  arxivUrl: string,
  chat: FakeChat,
): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, [worker, store, arxivUrl, chat.url], {
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

/** Whether the worker dies when the platform has stored post N but not yet answered it, or just after. */
export type KillMoment = 'before-answer' | 'after-answer';

export interface CrashAndResume {
  /** The first worker's exit code: null when the SIGKILL ended it. */
  firstExit: number | null;
  /** The second worker's exit code: 0 when it finished the delivery. */
  secondExit: number | null;
  /** Everything the chat platform holds at the end. */
  messages: readonly ChatMessage[];
}

/**
 * On a new store and a new fake chat, kills a delivery worker with SIGKILL at post `at` (counting the root),
 * then runs a second worker on the same store to the end.
 */
export async function crashAndResume(
  arxivUrl: string,
  at: number,
  moment: KillMoment,
): Promise<CrashAndResume> {
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
    const first = runWorker(store, arxivUrl, chat);
    kill = first.kill;
    const firstExit = await first.done;
    chat.onPost(null);
    const secondExit = await runWorker(store, arxivUrl, chat).done;
    return { firstExit, secondExit, messages: chat.messages };
  } finally {
    await chat.close();
  }
}
