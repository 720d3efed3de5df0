/**
 * The classic RSS service's URLs, for readers subscribed to them: `GET /rss` is the config's default
 * subscription (config.json's top-level keywords, exclude_keywords and categories) and `GET /rss/<category>`
 * the same for one arXiv category (`/rss/cs.AI`). Like the classic service they accumulate: the papers
 * announced in the last 30 days, at most 100 items, newest announcement first (by rank within one), with the
 * summaries made for them where there are any. Served only when config `rss.public` is true; otherwise the
 * paths answer like any unknown one.
 *
 * Made from the data the bot already keeps: the index of recent papers (what listings brought in; papers of
 * categories no subscription follows are not there), ranked with the config's keywords as a digest is, and
 * the summaries of the digests delivered to any target.
 */
import type { IncomingMessage } from 'node:http';
import { canonicalCategory } from '../arxiv/taxonomy.ts';
import { digestCategories } from '../chat/present.ts';
import type { Config } from '../config/schema.ts';
import type { Digest } from '../digest/digest.ts';
import { ListingIndex, type MatchMode, type RankedPaper } from '../digest/listing-index.ts';
import { formatKeywordQuery, type KeywordQuery, queryFromConfig } from '../digest/query.ts';
import { digestFromJson } from '../digest/render/json.ts';
import { announcedAt, renderRss } from '../digest/render/rss.ts';
import { type Logger, silentLogger } from '../log.ts';
import { addDays } from '../schedule/calendar.ts';
import { type DeliveryReader, recentDeliveries } from '../store/repositories/deliveries.ts';
import { PaperRepository } from '../store/repositories/papers.ts';
import type { SubscriptionRepository } from '../store/repositories/subscriptions.ts';
import type { Store } from '../store/store.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { VERSION } from '../version.ts';
import { conditionalReply, entityTag, type Reply } from './reply.ts';

export interface ClassicFeedOptions {
  /** The config's top-level keywords and exclude_keywords. */
  query: KeywordQuery;
  /** The config's top-level categories: what `/rss` covers. */
  categories: readonly string[];
  minScore: number;
  match: MatchMode;
  /** The index of recent papers. */
  papers: Pick<PaperRepository, 'recent'>;
  /** Days of announcements a feed accumulates. Default 30. */
  days?: number;
  /** Items in a feed. Default 100. */
  maxItems?: number;
  /** How long what the feeds are made from is reused before it is read again. Default 60 s; 0: every time. */
  cacheMs?: number;
  now?: () => Date;
  logger?: Logger;
}

/** The classic feeds' options from the config, or null when `rss.public` is not true. */
export function classicFeedOptions(config: Config, store: Store, logger?: Logger): ClassicFeedOptions | null {
  if (!config.rss.public) return null;
  return {
    query: queryFromConfig(config.keywords, config.exclude_keywords),
    categories: [...config.categories],
    minScore: config.min_score,
    match: config.match,
    papers: new PaperRepository(store, config.index_days, logger ?? silentLogger),
    ...(logger ? { logger } : {}),
  };
}

export interface ClassicFeedSources {
  options: ClassicFeedOptions;
  subscriptions: Pick<SubscriptionRepository, 'all'>;
  deliveries: DeliveryReader;
  /** The server's configured public base URL, for the self link; null: no self link. */
  publicUrl: () => string | null;
}

/** What the feeds are made from, read once per cacheMs and shared by every path. */
interface Snapshot {
  /** The papers of the last `days` days, each once (at its newest announcement), indexed. */
  index: ListingIndex;
  summaries: Map<string, PaperSummary>;
  /** Feeds made from this snapshot, by category ("" for /rss). */
  rendered: Map<string, { xml: string; etag: string }>;
}

/** Where `/rss` and `/rss/<category>` are answered; `reply` is null for a path that is not a feed. */
export function classicFeeds(sources: ClassicFeedSources): {
  reply(request: IncomingMessage, category: string | null): Promise<Reply | null>;
} {
  const { options } = sources;
  const days = options.days ?? 30;
  const maxItems = options.maxItems ?? 100;
  const cacheMs = options.cacheMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  let cached: { at: number; snapshot: Promise<Snapshot> } | null = null;

  const snapshot = (): Promise<Snapshot> => {
    const at = performance.now();
    if (cached && at - cached.at < cacheMs) return cached.snapshot;
    const made = read();
    made.catch(() => {
      if (cached?.snapshot === made) cached = null;
    });
    cached = { at, snapshot: made };
    return made;
  };

  const read = async (): Promise<Snapshot> => {
    const oldest = addDays(now().toISOString().slice(0, 10), -days);
    const papers = (await options.papers.recent())
      .filter(({ announced }) => announced >= oldest)
      .flatMap(({ papers }) => papers);
    return {
      index: new ListingIndex(papers, { mode: options.match, logger: options.logger ?? silentLogger }),
      summaries: await deliveredSummaries(sources, days),
      rendered: new Map(),
    };
  };

  return {
    async reply(request, requested) {
      const category = requested === null ? null : canonicalCategory(safeDecode(requested));
      if (requested !== null && category === null) return null;
      const made = await snapshot();
      const key = category ?? '';
      let feed = made.rendered.get(key);
      if (!feed) {
        const xml = render(made, category, sources, maxItems);
        feed = { xml, etag: entityTag(VERSION, xml) };
        made.rendered.set(key, feed);
      }
      const { xml, etag } = feed;
      return conditionalReply(request, {
        headers: {
          'content-type': 'application/rss+xml; charset=utf-8',
          'cache-control': 'public, max-age=300',
        },
        etag,
        lastModified: null,
        render: () => xml,
      });
    },
  };
}

function render(
  made: Snapshot,
  category: string | null,
  sources: ClassicFeedSources,
  maxItems: number,
): string {
  const { options } = sources;
  const categories = category === null ? [...options.categories] : [category];
  const ranked = made.index
    .rank(options.query, { categories, minScore: options.minScore })
    .map((entry) => withSummary(entry, made.summaries));
  // Newest announcement first; the sort is stable, so within one announcement the rank order stays.
  const byDay = new Map<string, RankedPaper[]>();
  for (const entry of ranked) {
    const day = entry.paper.announced ?? '';
    byDay.set(day, [...(byDay.get(day) ?? []), entry]);
  }
  const digests: Digest[] = [];
  let room = maxItems;
  for (const day of [...byDay.keys()].sort().reverse()) {
    if (room <= 0) break;
    const papers = (byDay.get(day) ?? []).slice(0, room);
    room -= papers.length;
    const announced = day || null;
    const base: Digest = {
      title: 'arXiv digest',
      target: null,
      announced,
      generatedAt: new Date(0).toISOString(),
      categories,
      query: options.query,
      listed: papers.length,
      papers,
    };
    // Each day's "digest" is dated when arXiv announced it: that orders the days and gives lastBuildDate.
    const released = papers[0] ? announcedAt(papers[0].paper, base) : new Date(0);
    digests.push({ ...base, generatedAt: released.toISOString() });
  }
  const terms = formatKeywordQuery(options.query) || 'every paper';
  const base = sources.publicUrl();
  return renderRss(digests, {
    // The classic service's titles, which readers show for these subscriptions.
    title: category === null ? 'arXiv Filtered Papers' : `arXiv ${category} Papers`,
    link: 'https://arxiv.org/',
    description: `arXiv papers in ${digestCategories(categories)} matching ${terms}, announced in the last ${options.days ?? 30} days; by arxiv-digest.`,
    selfUrl: base === null ? null : `${base}/rss${category === null ? '' : `/${category}`}`,
  });
}

function withSummary(entry: RankedPaper, summaries: ReadonlyMap<string, PaperSummary>): RankedPaper {
  const summary = summaries.get(entry.paper.id);
  const sameVersion =
    summary !== undefined &&
    (summary.version === null || entry.paper.version === null || summary.version === entry.paper.version);
  return sameVersion ? { ...entry, summary } : entry;
}

/** The summaries in the digests delivered to any target lately, by paper; a model's wins over an extract. */
async function deliveredSummaries(
  sources: ClassicFeedSources,
  days: number,
): Promise<Map<string, PaperSummary>> {
  const summaries = new Map<string, PaperSummary>();
  for (const subscription of await sources.subscriptions.all()) {
    for (const { record } of await recentDeliveries(sources.deliveries, subscription.target, days)) {
      for (const ranked of digestFromJson(record.digest).papers) {
        const summary = ranked.summary;
        if (!summary) continue;
        const known = summaries.get(ranked.paper.id);
        if (!known || (known.source !== 'model' && summary.source === 'model')) {
          summaries.set(ranked.paper.id, summary);
        }
      }
    }
  }
  return summaries;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
