import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import type { PaperSummary } from '../../../src/summarize/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';
import { startWorker, type Worker } from '../store/lockstep.ts';

/*
 * One summary per paper across replicas (issue 12): two processes on one Redis or PostgreSQL store ask for
 * the same papers' TL;DRs at the same moment against one fake OpenAI endpoint. The replica that takes the
 * claim in the store calls the model; the other waits for the summary in the cache. A holder killed in the
 * middle of its call leaves a claim that expires, and the other replica takes the summary over.
 * SHARED_CLAIMS_TEST_CLAIMS=off runs the workers without claims, which this test fails (two calls per paper).
 */

const WORKER = fileURLToPath(new URL('./claim-worker.ts', import.meta.url));
const CLAIM_TTL_MS = 1000;
const PAPERS = ['2602.10001', '2602.10002', '2602.10003', '2602.10004', '2602.10005'];

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `summaries across processes sharing one ${kind} server`, (server) => {
    let openai: FakeOpenAIServer;
    let workers: Worker[] = [];
    const callsFor = (id: string) =>
      openai.requests.filter((request) => request.messages.some((m) => m.content.includes(`topic ${id}`)));
    const ask = async (worker: Worker, ids: readonly string[]) => {
      worker.child.stdin.write(`tldr ${ids.join(',')}\n`);
      return JSON.parse(await worker.line()) as PaperSummary[];
    };

    beforeAll(async () => {
      openai = await startFakeOpenAIServer();
      const store = await openStore(server().url);
      await store.namespace('summaries').clear();
      await store.namespace('claims').clear();
      await store.close();
      workers = Array.from({ length: 2 }, () =>
        startWorker(WORKER, [], {
          STORE_URL: server().url,
          OPENAI_URL: openai.baseUrl,
          CLAIM_TTL_MS: String(CLAIM_TTL_MS),
          CLAIMS: process.env.SHARED_CLAIMS_TEST_CLAIMS ?? 'on',
        }),
      );
      for (const worker of workers) expect(await worker.line()).toBe('ready');
    });
    afterAll(async () => {
      for (const worker of workers) worker.child.stdin.end();
      await Promise.all(workers.map((worker) => worker.exited.catch(() => {})));
      await openai?.close();
    });

    it('calls the model once per paper when both replicas ask at once, and both get that summary', async () => {
      // Answers take a while, so the second replica asks while the first one's call is in flight.
      openai.setDefault({ type: 'slow', delayMs: 300 });
      const [first, second] = await Promise.all(workers.map((worker) => ask(worker, PAPERS)));
      openai.setDefault({ type: 'summary' });

      const calls = PAPERS.map((id) => callsFor(id).length);
      console.info(`${kind}: model calls per paper with two replicas asking at once: ${calls.join(', ')}`);
      expect(calls).toEqual(PAPERS.map(() => 1));
      expect(first).toHaveLength(PAPERS.length);
      expect(second).toEqual(first);
      for (const summary of first ?? []) expect(summary.source).toBe('model');
    });

    it('takes over the summary of a replica killed in the middle of its model call, once its claim expired', async () => {
      const [holder, waiter] = workers as [Worker, Worker];
      const id = '2602.20001';
      openai.enqueue({ type: 'slow', delayMs: 60_000 });
      holder.child.stdin.write(`tldr ${id}\n`);
      while (callsFor(id).length === 0) await sleep(10);
      const waiting = ask(waiter, [id]);
      // Past several TTLs: the holder renews its claim while its call lasts, so nobody takes over yet.
      await sleep(CLAIM_TTL_MS * 3);
      expect(callsFor(id)).toHaveLength(1);

      const killedAt = Date.now();
      holder.child.kill('SIGKILL');
      const [summary] = await waiting;
      const calls = callsFor(id);
      const takenOverAfter = (calls[1]?.receivedAt ?? Number.NaN) - killedAt;
      console.info(
        `${kind}: the second call came ${takenOverAfter} ms after the holder was killed (claim TTL ${CLAIM_TTL_MS} ms)`,
      );
      expect(calls).toHaveLength(2);
      expect(summary?.source).toBe('model');
      expect(takenOverAfter).toBeGreaterThanOrEqual(0);
      expect(takenOverAfter).toBeLessThan(CLAIM_TTL_MS + 1000);
    });
  });
}
