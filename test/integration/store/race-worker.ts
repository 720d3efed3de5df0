/*
 * A child process of race.test.ts. Usage: node race-worker.ts <mode> <sqlite file> [<hold ms>]
 *
 * The parent drives the workers in lock-step rounds: it writes "go <round>" to every worker (in a shuffled
 * order), and each worker makes one attempt and answers one line, "won" or "lost". So every worker tries the
 * same key at the same moment, round after round, however loaded the machine is.
 *
 *   claim    round r: add("claim:<r>", pid).
 *   count    round r: one compare-and-set increment of "counter" (getVersioned, then setIfVersion or add).
 *   hold     on "go": holds SQLite's write lock for <hold ms> through its own connection, printing "locked"
 *            when it has it and then {"releasingAt": <epoch ms just before COMMIT>}.
 *
 * Every worker prints "ready" once the database is open.
 */
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../../../src/store/index.ts';

const [mode, path, holdText] = process.argv.slice(2);
if (!path) throw new Error('usage: race-worker.ts <claim|count|hold> <file> [<hold ms>]');
const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function nextRound(): Promise<number | undefined> {
  const next = await commands.next();
  return next.done ? undefined : Number(next.value.split(' ')[1]);
}

if (mode === 'hold') {
  const holder = new DatabaseSync(path);
  process.stdout.write('ready\n');
  await nextRound();
  holder.exec('BEGIN IMMEDIATE');
  holder.exec("INSERT INTO keyv (key, value, version) VALUES ('held:row', '{}', 'hold')");
  process.stdout.write('locked\n');
  await new Promise((resolve) => setTimeout(resolve, Number(holdText)));
  const releasingAt = Date.now();
  holder.exec('COMMIT');
  holder.close();
  process.stdout.write(`${JSON.stringify({ releasingAt })}\n`);
} else {
  const store = await openStore(`sqlite://${path}`);
  const atomic = store.atomic('race');
  const attempt = async (round: number): Promise<boolean> => {
    if (mode === 'claim') return atomic.add(`claim:${round}`, process.pid);
    if (mode === 'count') {
      const current = await atomic.getVersioned<number>('counter');
      return current
        ? atomic.setIfVersion('counter', current.value + 1, current.version)
        : atomic.add('counter', 1);
    }
    throw new Error(`unknown mode ${mode}`);
  };
  process.stdout.write('ready\n');
  for (let round = await nextRound(); round !== undefined; round = await nextRound()) {
    process.stdout.write((await attempt(round)) ? 'won\n' : 'lost\n');
  }
  await store.close();
}
