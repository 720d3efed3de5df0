/*
 * A child process of shared-gate.test.ts: one replica making arXiv requests. Usage:
 *   STORE_URL=<redis:// or postgres:// URL> RSS_URL=<fake>/rss API_URL=<fake>/api/query INTERVAL_MS=300 \
 *   GATE=shared|local node shared-gate-worker.ts
 *
 * It builds its ArxivClient as the bot does, through createEngine on the store. GATE=local hides that the
 * store is shared, so the engine keeps today's per-process gate (the test's control). It prints "ready" once
 * the store is open; on "go <n>" it makes n listing requests at once (a refused one retried once) and prints
 * "done"; it exits when its input ends.
 */
import { createInterface } from 'node:readline';
import { validateConfig } from '../../../src/config/load.ts';
import { createEngine } from '../../../src/engine.ts';
import { openStore } from '../../../src/store/index.ts';

const { STORE_URL: url, RSS_URL, API_URL, INTERVAL_MS, GATE } = process.env;
if (!url || !RSS_URL || !API_URL)
  throw new Error('usage: STORE_URL=... RSS_URL=... API_URL=... shared-gate-worker.ts');

const { config, issues } = validateConfig({
  categories: ['cs.AI'],
  keywords: ['agents'],
  ai_summary: { enabled: false },
  arxiv: {
    rss_url: RSS_URL,
    api_url: API_URL,
    min_interval_ms: Number(INTERVAL_MS ?? 300),
    // One retry, for the Retry-After test; the spacing test's answers all succeed.
    max_retries: 1,
    timeout_ms: 5000,
  },
});
if (!config) throw new Error(`config invalid: ${issues.join('; ')}`);

const store = await openStore(url);
const engine = createEngine({
  config,
  store: GATE === 'local' ? { ...store, shared: false } : store,
  env: {},
});

process.stdout.write('ready\n');
for await (const command of createInterface({ input: process.stdin })) {
  const [verb, count] = command.split(' ');
  if (verb !== 'go') throw new Error(`unknown command ${command}`);
  await Promise.all(Array.from({ length: Number(count) }, () => engine.client.fetchListing(['cs.AI'])));
  process.stdout.write('done\n');
}
await engine.close();
await store.close();
