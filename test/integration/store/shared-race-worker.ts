/*
 * A child process of shared-race.test.ts: one replica on a shared store. Usage:
 *   STORE_URL=<redis:// or postgres:// URL> node shared-race-worker.ts
 *
 * Lock-step rounds, as in race-worker.ts: the parent writes "<mode> <round>", the worker makes one attempt
 * and answers "won" or "lost". It prints "ready" once the store is open, and exits when its input ends.
 *
 *   claim   round r: add("claim:<r>", pid).
 *   count   round r: one compare-and-set increment of "counter" (getVersioned, then setIfVersion or add).
 *   lease   round r: LeaseRepository.acquire("lease:<r>", pid) while it is held by an expired holder.
 */
import { createInterface } from 'node:readline';
import { openStore } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';

const url = process.env.STORE_URL;
if (!url) throw new Error('usage: STORE_URL=<url> shared-race-worker.ts');

const store = await openStore(url);
const atomic = store.atomic('race');
const leases = new LeaseRepository(store);
const holder = String(process.pid);

async function attempt(mode: string | undefined, round: number): Promise<boolean> {
  if (mode === 'claim') return atomic.add(`claim:${round}`, process.pid);
  if (mode === 'count') {
    const current = await atomic.getVersioned<number>('counter');
    return current
      ? atomic.setIfVersion('counter', current.value + 1, current.version)
      : atomic.add('counter', 1);
  }
  if (mode === 'lease') return (await leases.acquire(`lease:${round}`, holder, 60_000)) !== null;
  throw new Error(`unknown mode ${mode}`);
}

process.stdout.write('ready\n');
for await (const command of createInterface({ input: process.stdin })) {
  const [mode, round] = command.split(' ');
  process.stdout.write((await attempt(mode, Number(round))) ? 'won\n' : 'lost\n');
}
await store.close();
