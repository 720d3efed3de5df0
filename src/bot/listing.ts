import type { Paper } from '../arxiv/paper.ts';
import type { ListingIndex } from '../digest/listing-index.ts';
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
  logger: Logger;
  now?: () => Date;
  /** A listing fetched this recently is reused for any categories it covers. Default 15 minutes. */
  reuseMs?: number;
}

/**
 * Today's listing and the recent papers. One combined request serves every target of a scheduled run: the
 * run asks for the union of its targets' categories, and the listing is reused (for 15 minutes, for any
 * subset of its categories) by on-demand digests. Every listing fetched is added to the paper index that
 * `/arxiv search` and reactions read.
 */
export class ListingService {
  readonly #engine: Engine;
  readonly #papers: PaperRepository;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #reuseMs: number;
  #current: CurrentListing | null = null;
  #inFlight: Promise<CurrentListing | null> | null = null;
  #recent: ListingIndex;

  constructor(options: ListingServiceOptions) {
    this.#engine = options.engine;
    this.#papers = options.papers;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#reuseMs = options.reuseMs ?? 15 * 60_000;
    this.#recent = indexListing(options.engine, []);
  }

  /** Reads the recent papers back from the store (at start). */
  async loadRecent(): Promise<number> {
    const papers = await this.#papers.recent();
    this.#recent = indexListing(this.#engine, papers);
    return papers.length;
  }

  /** The index of the recent papers (all kept announcements), for search. */
  get recent(): ListingIndex {
    return this.#recent;
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

  /** A paper by id: the recent index first, then arXiv. */
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
    this.#recent = indexListing(this.#engine, await this.#papers.recent());
    this.#logger.info(
      { announced: listing.announced, papers: listing.papers.length, categories: wanted.length },
      'arXiv listing fetched',
    );
    return current;
  }
}
