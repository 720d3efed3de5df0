import { validateConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { FakeArxiv } from '../fakes/arxiv-server.ts';

/**
 * The config of the bot tests on the listing fixture (test/fixtures/arxiv/listing.rss.xml): its categories,
 * three terms that match three of its papers, no model, and the fake arXiv without spacing or retries.
 */
export function botTestConfig(arxiv: FakeArxiv): Config {
  const { config, issues } = validateConfig({
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['mixture of experts', 'distributed training', 'translation'],
    ai_summary: { enabled: false },
    arxiv: {
      rss_url: arxiv.rssUrl,
      api_url: arxiv.apiUrl,
      min_interval_ms: 0,
      max_retries: 0,
      timeout_ms: 2000,
    },
  });
  if (!config) throw new Error(`test config invalid: ${issues.join('; ')}`);
  return config;
}
