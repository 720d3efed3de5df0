import type { Paper } from '../arxiv/paper.ts';
import { compareIdsNewestFirst } from '../digest/id-order.ts';
import type { ListingIndex, RankedPaper } from '../digest/listing-index.ts';
import type { KeywordQuery } from '../digest/query.ts';
import { type Engine, fetchListing, indexListing } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { PaperRepository } from '../store/repositories/papers.ts';

export interface CurrentListing {
  /** The announcement date, `YYYY-MM-DD`. */
  announced: string;
  categories: string[];
  index: ListingIndex;
  fetchedAt: Date;
}

export interface ListingServiceOptions {
  engine: Engine;
  papers: PaperRepository;
  /** Announcements kept for search (config `index_days`). */
  days: number;
  logger: Logger;
  now?: () => Date;
  /** A listing fetched this recently is reused for any categories it covers. Default 15 minutes. */
  reuseMs?: number;
}

/**
 * Today's listing and the recent papers. One combined request serves every target of a scheduled run: the
 * run asks for the union of its targets' categories, and the listing is reused (for 15 minutes, for any
 * subset of its categories) by on-demand digests. Every listing fetched is added to the paper store and to
 * the recent-paper search, which keeps one index per announcement: a new day is indexed once (the digest
 * already did it) and nothing older is analysed again.
 */
export class ListingService {
  readonly #engine: Engine;
  readonly #papers: PaperRepository;
  readonly #days: number;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #reuseMs: number;
  #current: CurrentListing | null = null;
  #inFlight: Promise<CurrentListing | null> | null = null;
  /** One index per kept announcement, by date. */
  readonly #recent = new Map<string, ListingIndex>();
  #loading: Promise<number> = Promise.resolve(0);

  constructor(options: ListingServiceOptions) {
    this.#engine = options.engine;
    this.#papers = options.papers;
    this.#days = options.days;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#reuseMs = options.reuseMs ?? 15 * 60_000;
  }

  /**
   * Reads the recent papers back from the store and indexes them, a day at a time, yielding between days so
   * the bot answers meanwhile (searches wait for it). Resolves with the number of papers.
   */
  loadRecent(): Promise<number> {
    this.#loading = (async () => {
      let count = 0;
      for (const { announced, papers } of await this.#papers.recent()) {
        if (!this.#recent.has(announced)) this.#recent.set(announced, indexListing(this.#engine, papers));
        count += papers.length;
        await new Promise((next) => setImmediate(next));
      }
      this.#prune();
      return count;
    })();
    return this.#loading;
  }

  /** The best recent papers for a query, across the kept announcements (each paper once, at its newest). */
  async searchRecent(query: KeywordQuery, max: number): Promise<Paper[]> {
    await this.#loading.catch(() => 0);
    const seen = new Set<string>();
    const ranked: RankedPaper[] = [];
    for (const date of [...this.#recent.keys()].sort().reverse()) {
      for (const entry of this.#recent.get(date)?.rank(query, { maxPapers: max }) ?? []) {
        if (!seen.has(entry.paper.id)) {
          seen.add(entry.paper.id);
          ranked.push(entry);
        }
      }
    }
    ranked.sort(
      (a, b) =>
        b.score - a.score || b.titleHits - a.titleHits || compareIdsNewestFirst(a.paper.id, b.paper.id),
    );
    return ranked.slice(0, max).map((entry) => entry.paper);
  }

  /**
   * The newest listing covering `categories`: reused when fetched recently enough, fetched otherwise (one
   * request at a time: concurrent callers share it). Null when arXiv's feed holds no announcement (a
   * weekend, a holiday).
   */
  async latest(categories: readonly string[]): Promise<CurrentListing | null> {
    const current = this.#current;
    if (current && this.#covers(current, categories)) return current;
    while (this.#inFlight) {
      const shared = await this.#inFlight;
      if (shared && this.#covers(shared, categories)) return shared;
      if (!this.#inFlight) break;
    }
    const fetching = this.#fetch(categories);
    this.#inFlight = fetching;
    try {
      return await fetching;
    } finally {
      this.#inFlight = null;
    }
  }

  /** A paper by id: the stored recent papers first, then arXiv. */
  async findPaper(id: string, version: number | null = null): Promise<Paper | null> {
    const local = await this.#papers.get(id);
    if (local && (version === null || local.version === version)) return local;
    const [found] = await this.#engine.client.lookup([version === null ? id : `${id}v${version}`]);
    return found ?? local ?? null;
  }

  #covers(listing: CurrentListing, categories: readonly string[]): boolean {
    const fresh = this.#now().getTime() - listing.fetchedAt.getTime() < this.#reuseMs;
    return fresh && categories.every((category) => listing.categories.includes(category));
  }

  async #fetch(categories: readonly string[]): Promise<CurrentListing | null> {
    const wanted = [...new Set(categories)].sort();
    const listing = await fetchListing(this.#engine, wanted);
    if (!listing.announced || listing.papers.length === 0) {
      this.#logger.info({ categories: wanted, url: listing.url }, 'the arXiv listing holds no announcement');
      return null;
    }
    const current: CurrentListing = {
      announced: listing.announced,
      categories: wanted,
      index: indexListing(this.#engine, listing.papers),
      fetchedAt: this.#now(),
    };
    this.#current = current;
    await this.#papers.addAnnouncement(listing.announced, listing.papers);
    // The day's search index holds what the store now holds for it: this listing, and any other fetched
    // the same day for other categories.
    const previous = this.#recent.get(listing.announced);
    const fetched = new Set(listing.papers.map((paper) => paper.id));
    const others = previous?.papers.filter((paper) => !fetched.has(paper.id)) ?? [];
    this.#recent.set(
      listing.announced,
      others.length === 0 ? current.index : indexListing(this.#engine, [...listing.papers, ...others]),
    );
    this.#prune();
    this.#logger.info(
      { announced: listing.announced, papers: listing.papers.length, categories: wanted.length },
      'arXiv listing fetched',
    );
    return current;
  }

  /** Drops the indexes of announcements more than the kept number of days older than the newest. */
  #prune(): void {
    const newest = [...this.#recent.keys()].sort().at(-1);
    if (!newest) return;
    const oldest = new Date(Date.parse(newest) - this.#days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    for (const date of this.#recent.keys()) if (date < oldest) this.#recent.delete(date);
  }
}
