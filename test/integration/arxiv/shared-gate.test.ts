import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { type FakeArxiv, faults, rssListingXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';
import { startWorker, type Worker } from '../store/lockstep.ts';

/*
 * arXiv etiquette across replicas (issue 12): two processes on one Redis or PostgreSQL store make arXiv
 * requests at the same moment against one fake arXiv. With the store-backed gate (src/arxiv/shared-gate.ts)
 * the fake sees one request at a time, each arriving at least the interval after the previous one ended, and
 * a 503 with Retry-After given to one replica holds every replica off until it has passed.
 * SHARED_GATE_TEST_GATE=local runs the workers with the per-process gate instead, which this test fails.
 */

const WORKER = fileURLToPath(new URL('./shared-gate-worker.ts', import.meta.url));
const PROCESSES = 2;
const REQUESTS_EACH = 3;
const INTERVAL_MS = 300;
/** Timers and the two clocks (the store server's expiry, this process's performance.now()) may differ a little. */
const TOLERANCE_MS = 10;
const SLOW_MS = 150;
const RETRY_AFTER_S = 1;
const GATE = process.env.SHARED_GATE_TEST_GATE ?? 'shared';

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `the arXiv rate gate across processes sharing one ${kind} server`, (server) => {
    let fake: FakeArxiv;
    let workers: Worker[] = [];
    beforeAll(async () => {
      fake = await startFakeArxiv({ recordings: false });
      fake.setListing(rssListingXml([{ id: '2602.00001', title: 'Agents' }], { categories: ['cs.AI'] }));
      const store = await openStore(server().url);
      await store.namespace('arxiv').clear();
      await store.close();
      workers = Array.from({ length: PROCESSES }, () =>
        startWorker(WORKER, [], {
          STORE_URL: server().url,
          RSS_URL: fake.rssUrl,
          API_URL: fake.apiUrl,
          INTERVAL_MS: String(INTERVAL_MS),
          GATE,
        }),
      );
      for (const worker of workers) expect(await worker.line()).toBe('ready');
    });
    afterAll(async () => {
      for (const worker of workers) worker.child.stdin.end();
      await Promise.all(workers.map((worker) => worker.exited));
      await fake?.close();
    });

    it('spaces the requests of all replicas by the interval, one at a time', async () => {
      // Every answer takes a while, so a replica that let go of the slot before its answer came would overlap.
      fake.fail(...Array.from({ length: PROCESSES * REQUESTS_EACH }, () => faults.slow(SLOW_MS)));
      for (const worker of workers) worker.child.stdin.write(`go ${REQUESTS_EACH}\n`);
      for (const answer of await Promise.all(workers.map((worker) => worker.line())))
        expect(answer).toBe('done');

      const requests = [...fake.requests].sort((a, b) => a.arrivedAt - b.arrivedAt);
      expect(requests).toHaveLength(PROCESSES * REQUESTS_EACH);
      const gaps = requests
        .slice(1)
        .map((request, index) => request.arrivedAt - (requests[index]?.arrivedAt ?? 0));
      const idle = requests
        .slice(1)
        .map(
          (request, index) => request.arrivedAt - (requests[index]?.completedAt ?? Number.POSITIVE_INFINITY),
        );
      console.info(
        `${kind}, ${GATE} gate: smallest spacing of arrivals ${Math.min(...gaps).toFixed(1)} ms, ` +
          `smallest pause after an answer ${Math.min(...idle).toFixed(1)} ms (interval ${INTERVAL_MS} ms)`,
      );
      expect(fake.maxInFlight).toBe(1);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_MS - TOLERANCE_MS);
      expect(Math.min(...idle)).toBeGreaterThanOrEqual(INTERVAL_MS - TOLERANCE_MS);
    });

    it('holds every replica off until a Retry-After that one of them was given has passed', async () => {
      const seen = fake.requests.length;
      fake.fail(faults.unavailable(RETRY_AFTER_S));
      for (const worker of workers) worker.child.stdin.write('go 1\n');
      for (const answer of await Promise.all(workers.map((worker) => worker.line())))
        expect(answer).toBe('done');

      // The first request got the 503; the other replica's request and the retry come after it.
      const [refused, ...later] = fake.requests.slice(seen).sort((a, b) => a.arrivedAt - b.arrivedAt);
      expect(later).toHaveLength(PROCESSES);
      const refusedAt = refused?.completedAt ?? Number.POSITIVE_INFINITY;
      const waited = later.map((request) => request.arrivedAt - refusedAt);
      console.info(
        `${kind}, ${GATE} gate: after a 503 with Retry-After: ${RETRY_AFTER_S}, the next requests arrived ` +
          `${waited.map((ms) => ms.toFixed(0)).join(' and ')} ms later`,
      );
      expect(Math.min(...waited)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - TOLERANCE_MS);
    });
  });
}
