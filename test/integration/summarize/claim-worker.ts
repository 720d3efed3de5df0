/*
 * A child process of shared-claims.test.ts: one replica making TL;DRs. Usage:
 *   STORE_URL=<redis:// or postgres:// URL> OPENAI_URL=<fake>/v1 CLAIM_TTL_MS=600 node claim-worker.ts
 *
 * It builds its summarizer as the engine does on a shared store: the store's summary cache and claims
 * (src/store/repositories/claims.ts); CLAIMS=off leaves the claims out (the test's control). It prints "ready" once the store is open; on "tldr <id>,<id>..." it asks
 * for those papers' TL;DRs at once and prints them as one JSON line; it exits when its input ends.
 */
import { createInterface } from 'node:readline';
import { validateConfig } from '../../../src/config/load.ts';
import { openStore } from '../../../src/store/index.ts';
import { ClaimRepository } from '../../../src/store/repositories/claims.ts';
import { createSummarizer } from '../../../src/summarize/index.ts';
import { makePaper } from './support.ts';

const { STORE_URL: url, OPENAI_URL, CLAIM_TTL_MS, CLAIMS } = process.env;
if (!url || !OPENAI_URL) throw new Error('usage: STORE_URL=... OPENAI_URL=... claim-worker.ts');

const { config, issues } = validateConfig({
  categories: ['cs.AI'],
  keywords: ['agents'],
  ai_summary: {
    base_url: OPENAI_URL,
    model: 'fake-model',
    api_key_env: 'OPENAI_API_KEY',
    max_retries: 0,
    request_timeout_seconds: 30,
  },
});
if (!config) throw new Error(`config invalid: ${issues.join('; ')}`);

const store = await openStore(url);
const summarizer = createSummarizer(config.ai_summary, {
  cache: store.namespace('summaries'),
  download: async () => {
    throw new Error('a TL;DR downloads nothing');
  },
  claims: CLAIMS === 'off' ? null : new ClaimRepository(store),
  claimTtlMs: Number(CLAIM_TTL_MS ?? 600),
  claimPollMs: 50,
  env: { OPENAI_API_KEY: 'sk-test' },
});

process.stdout.write('ready\n');
for await (const command of createInterface({ input: process.stdin })) {
  const [verb, ids = ''] = command.split(' ');
  if (verb !== 'tldr') throw new Error(`unknown command ${command}`);
  const summaries = await Promise.all(ids.split(',').map((id) => summarizer.tldr(makePaper(id))));
  process.stdout.write(`${JSON.stringify(summaries)}\n`);
}
await summarizer.close();
await store.close();
