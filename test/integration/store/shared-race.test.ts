import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';
import { raceRounds, startWorker, type Worker } from './lockstep.ts';

/*
 * Replicas in separate processes racing on one Redis or PostgreSQL server, in lock-step rounds (see
 * shared-race-worker.ts): every add() and every takeover of an expired key has exactly one winner, and a
 * compare-and-set counter loses no increment.
 */

const WORKER = fileURLToPath(new URL('./shared-race-worker.ts', import.meta.url));
const PROCESSES = 4;
const ROUNDS = 100;

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `atomic primitives across processes sharing one ${kind} server`, (server) => {
    // The same replicas race in every test: starting a process costs more than a test's rounds.
    let workers: Worker[] = [];
    beforeAll(async () => {
      // The URL, password included, goes through the environment rather than the command line.
      workers = Array.from({ length: PROCESSES }, () => startWorker(WORKER, [], { STORE_URL: server().url }));
      for (const worker of workers) expect(await worker.line()).toBe('ready');
    });
    afterAll(async () => {
      for (const worker of workers) worker.child.stdin.end();
      await Promise.all(workers.map((worker) => worker.exited));
    });

    async function clearRace() {
      const store = await openStore(server().url);
      await store.namespace('race').clear();
      await store.namespace('leases').clear();
      return store;
    }

    it('lets exactly one process win each add()', async () => {
      await (await clearRace()).close();
      const winners = await raceRounds(workers, 'claim', ROUNDS);

      expect(winners.filter((pids) => pids.length !== 1)).toEqual([]);
      expect(new Set(winners.flat()).size).toBeGreaterThan(1);
      const store = await openStore(server().url);
      const claims = store.namespace<number>('race');
      for (const [round, [pid]] of winners.entries()) expect(await claims.get(`claim:${round}`)).toBe(pid);
      await store.close();
    });

    it('lets exactly one process take over each expired key', async () => {
      const setup = await clearRace();
      for (let round = 0; round < ROUNDS; round++) {
        await setup.atomic('race').add(`claim:${round}`, 'expired owner', 1);
      }
      await setup.close();
      await new Promise((resolve) => setTimeout(resolve, 20));

      const winners = await raceRounds(workers, 'claim', ROUNDS);
      expect(winners.filter((pids) => pids.length !== 1)).toEqual([]);
    });

    it('gives each expired lease of LeaseRepository to exactly one replica', async () => {
      const setup = await clearRace();
      for (let round = 0; round < ROUNDS; round++) {
        await setup.atomic('leases').add(`lease:${round}`, 'a dead replica', 1);
      }
      await setup.close();
      await new Promise((resolve) => setTimeout(resolve, 20));

      const winners = await raceRounds(workers, 'lease', ROUNDS);
      expect(winners.filter((pids) => pids.length !== 1)).toEqual([]);
    });

    it('loses no update to a compare-and-set counter', async () => {
      await (await clearRace()).close();
      const winners = await raceRounds(workers, 'count', ROUNDS);

      const increments = winners.flat().length;
      const store = await openStore(server().url);
      expect(await store.namespace('race').get('counter')).toBe(increments);
      await store.close();
      expect(increments).toBeLessThan(ROUNDS * PROCESSES);
    });
  });
}
