/*
 * A child process of replicas.test.ts: one bot replica's scheduler on a shared SQLite file.
 * Usage: node replica-worker.ts <sqlite file> <holder> <lease ttl ms> <deliver|hang>
 *
 * It prints "ready", then answers each "tick <ISO instant>" line on stdin with one JSON line:
 * {"ran": ["<target> <scheduledFor>", ...]}, the runs its tick delivered (none unless it leads).
 * In "hang" mode, deliver() prints {"delivering": [...]} and never finishes, like a replica that dies mid-run.
 * Subscriptions are read from the store, as the bot reads them.
 */
import { createInterface } from 'node:readline';
import { silentLogger } from '../../../src/log.ts';
import { Scheduler } from '../../../src/schedule/scheduler.ts';
import { openStore } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import { SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import { describeRun } from '../../unit/schedule/helpers.ts';

const [path, holder, ttlText, mode] = process.argv.slice(2);
if (!path || !holder || !ttlText || (mode !== 'deliver' && mode !== 'hang')) {
  throw new Error('usage: replica-worker.ts <sqlite file> <holder> <lease ttl ms> <deliver|hang>');
}

const store = await openStore(`sqlite://${path}`);
const subscriptions = new SubscriptionRepository(store, silentLogger);
const scheduler = new Scheduler({
  subscriptions: () => subscriptions.all(),
  deliver: async (runs) => {
    if (mode === 'hang') {
      process.stdout.write(`${JSON.stringify({ delivering: runs.map(describeRun) })}\n`);
      return new Promise(() => {});
    }
    return { failed: [] };
  },
  store,
  leases: new LeaseRepository(store),
  holder,
  leaseTtlMs: Number(ttlText),
});

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, instant] = line.split(' ');
  if (command !== 'tick' || !instant) throw new Error(`unknown command: ${line}`);
  const ran = await scheduler.tick(new Date(instant));
  process.stdout.write(`${JSON.stringify({ ran: ran.map(describeRun) })}\n`);
}
await store.close();
