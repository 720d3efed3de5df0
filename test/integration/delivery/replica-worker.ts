/**
 * One bot replica for the replica tests: the real Bot and Scheduler on a shared store, posting through the
 * fake chat platform. It ticks every 200 ms instead of every minute, with short leases, and runs until killed.
 *   node replica-worker.ts <store URL> <arXiv base URL> <chat URL> <name>
 */
import { Bot } from '../../../src/bot/bot.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { createEngine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { Scheduler } from '../../../src/schedule/scheduler.ts';
import { openStore } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import { HttpChatAdapter } from '../../fakes/http-chat-adapter.ts';

const [storeUrl = '', arxivUrl = '', chatUrl = '', name = 'replica'] = process.argv.slice(2);
const { config, issues } = validateConfig({
  categories: ['cs.LG'],
  keywords: ['graph'],
  ai_summary: { enabled: false },
  arxiv: { rss_url: `${arxivUrl}/rss`, api_url: `${arxivUrl}/api/query`, min_interval_ms: 0, max_retries: 0 },
});
if (!config) throw new Error(issues.join('\n'));
const store = await openStore(storeUrl);
const engine = createEngine({ config, store, env: {} });
const bot = new Bot({
  config,
  engine,
  store,
  adapters: [new HttpChatAdapter(chatUrl, name)],
  logger: silentLogger,
  publicUrl: 'http://bot.test',
  holder: name,
  leaseTtlMs: 800,
});
await bot.start();
const scheduler = new Scheduler({
  subscriptions: () => bot.subscriptions.all(),
  deliver: (runs) => bot.runScheduled(runs),
  store,
  leases: new LeaseRepository(store),
  holder: name,
  leaseTtlMs: 1200,
});
process.stdout.write('ready\n');
setInterval(() => {
  scheduler.tick().catch(() => {});
}, 200);
