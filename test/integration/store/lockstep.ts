import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/*
 * Worker processes raced in lock-step rounds, for race.test.ts and shared-race.test.ts: the parent writes one
 * line per round to every worker, in a shuffled order, and each worker makes one attempt and answers "won" or
 * "lost". So every worker tries the same key at the same moment, round after round, however loaded the
 * machine is.
 */

export interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** The next line the worker prints. */
  line(): Promise<string>;
  /** Resolves when the worker has exited with status 0, with everything it wrote to stderr otherwise. */
  exited: Promise<void>;
}

/** Runs `script` with this Node, its `args`, and `env` added to this process's environment. */
export function startWorker(script: string, args: string[], env: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`worker exited ${code}: ${stderr}`)),
    );
  });
  return {
    child,
    async line() {
      const next = await Promise.race([lines.next(), exited.then(() => ({ done: true, value: '' }))]);
      if (next.done) throw new Error(`worker ended before printing a line: ${stderr}`);
      return next.value;
    },
    exited,
  };
}

/** Runs `rounds` rounds, writing "<command> <round>", and returns for each the pids of the workers that won it. */
export async function raceRounds(workers: Worker[], command: string, rounds: number): Promise<number[][]> {
  const winners: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    // A different worker is released first each round, so the order of release favours none of them.
    for (const worker of shuffled(workers)) worker.child.stdin.write(`${command} ${round}\n`);
    const answers = await Promise.all(workers.map((worker) => worker.line()));
    winners.push(
      workers.filter((_, index) => answers[index] === 'won').map((worker) => worker.child.pid ?? 0),
    );
  }
  return winners;
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
