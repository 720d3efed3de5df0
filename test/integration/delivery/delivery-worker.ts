/**
 * A bot process for the exactly-once tests: it delivers one target's digest through the fake chat platform
 * and exits. The test kills it with SIGKILL in the middle, then runs it again on the same store.
 *   node delivery-worker.ts <store file> <arXiv base URL> <chat URL>
 */
import { Bot } from '../../../src/bot/bot.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { createEngine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { HttpChatAdapter } from '../../fakes/http-chat-adapter.ts';

const [storeFile, arxivUrl, chatUrl] = process.argv.slice(2);
const { config, issues } = validateConfig({
  categories: ['cs.LG'],
  keywords: ['graph'],
  max_papers: 50,
  ai_summary: { enabled: false },
  arxiv: { rss_url: `${arxivUrl}/rss`, api_url: `${arxivUrl}/api/query`, min_interval_ms: 0, max_retries: 0 },
});
if (!config) throw new Error(issues.join('\n'));
const store = await openStore(`sqlite://${storeFile}`);
const engine = createEngine({ config, store, env: {} });
const bot = new Bot({
  config,
  engine,
  store,
  adapters: [new HttpChatAdapter(chatUrl ?? '')],
  logger: silentLogger,
  publicUrl: 'http://bot.test',
  seedTargets: ['test:digest'],
  // A short lease, so a run after a kill does not wait long for the dead process's lease to expire.
  leaseTtlMs: 600,
});
await bot.start();
const subscription = await bot.subscriptions.get('test:digest');
// Like the scheduler's next tick: a target still leased by a process that died is tried again shortly.
let outcomes = await bot.deliverScheduled(subscription ? [subscription] : []);
for (let attempt = 0; attempt < 50 && outcomes.some((entry) => entry.outcome?.status === 'busy'); attempt++) {
  await new Promise((wait) => setTimeout(wait, 100));
  outcomes = await bot.deliverScheduled(subscription ? [subscription] : []);
}
process.stdout.write(
  `${JSON.stringify(outcomes.map(({ target, outcome, error }) => ({ target, outcome, error: error ? String(error) : null })))}\n`,
);
await bot.stop();
await store.close();
