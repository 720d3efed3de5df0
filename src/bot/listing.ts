import type { Paper } from '../arxiv/paper.ts';
import { DayIndex, RECENT_CACHE_LISTS } from '../digest/day-index.ts';
import { compareIdsNewestFirst } from '../digest/id-order.ts';
import { ListingIndex } from '../digest/listing-index.ts';
import type { KeywordQuery } from '../digest/query.ts';
import { Vocabulary } from '../digest/vocabulary.ts';
import { type Engine, fetchListing } from '../engine.ts';
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

/** A kept announcement's index, and its rows that a newer kept announcement lists again (so skipped). */
interface RecentDay {
  index: DayIndex;
  superseded: Uint8Array | null;
}

/** The vocabulary is rebuilt once fewer than this share of its words are used by the kept days. */
const LIVE_WORDS = 0.75;

/**
 * Today's listing and the recent papers. One combined request serves every target of a scheduled run: the
 * run asks for the union of its targets' categories, and the listing is reused (for 15 minutes, for any
 * subset of its categories) by on-demand digests. Every listing fetched is added to the paper store and to
 * the recent-paper search.
 *
 * The search keeps one day index per announcement (day-index.ts), all numbering words in one shared
 * vocabulary, and no papers: a search ranks ids and reads the papers it shows from the store. Each day's
 * index is stored beside its announcement when made, so a restart reads it back rather than analysing the
 * papers again; one that is missing, stale or damaged is rebuilt from the stored papers (and logged).
 * Only today's listing, which digests are made from, keeps its papers in memory.
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
  readonly #recent = new Map<string, RecentDay>();
  #vocabulary = new Vocabulary();
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
   * Reads the kept announcements' indexes back from the store (or rebuilds them from the stored papers), a
   * day at a time, yielding between days so the bot answers meanwhile (searches wait for it). Resolves with
   * the number of papers searchable.
   */
  loadRecent(): Promise<number> {
    this.#loading = (async () => {
      const announcements = await this.#papers.announcements();
      const newest = [announcements[0]?.announced, ...this.#recent.keys()].sort().at(-1);
      const oldest = newest === undefined ? '' : this.#oldestKept(newest);
      for (const { announced, ids } of announcements) {
        if (announced < oldest) break;
        if (!this.#recent.has(announced)) await this.#loadDay(announced, ids);
        await new Promise((next) => setImmediate(next));
      }
      this.#settle();
      let count = 0;
      for (const { index, superseded } of this.#recent.values())
        count += index.size - (superseded?.reduce((sum, skip) => sum + skip, 0) ?? 0);
      return count;
    })();
    return this.#loading;
  }

  /** The best recent papers for a query, across the kept announcements (each paper once, at its newest). */
  async searchRecent(query: KeywordQuery, max: number): Promise<Paper[]> {
    await this.#loading.catch(() => 0);
    const ranked: Array<{ id: string; score: number; titleHits: number }> = [];
    for (const { index, superseded } of this.#recent.values()) {
      for (const entry of index.rank(query, { maxPapers: max }, superseded)) {
        ranked.push({ id: index.id(entry.row), score: entry.score, titleHits: entry.titleHits });
      }
    }
    ranked.sort(
      (a, b) => b.score - a.score || b.titleHits - a.titleHits || compareIdsNewestFirst(a.id, b.id),
    );
    return this.#papers.getMany(ranked.slice(0, max).map((entry) => entry.id));
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
    const ids = await this.#papers.addAnnouncement(listing.announced, listing.papers);
    // The day's search index holds what the store now holds for it: this listing, and any other fetched
    // the same day for other categories.
    const fetched = new Set(listing.papers.map((paper) => paper.id));
    const others = await this.#papers.getMany(ids.filter((id) => !fetched.has(id)));
    // From here to the end no await: the indexes are numbered in the vocabulary #settle may replace.
    const index = new ListingIndex(listing.papers, {
      mode: this.#engine.config.match,
      logger: this.#engine.logger,
      vocabulary: this.#vocabulary,
    });
    const current: CurrentListing = {
      announced: listing.announced,
      categories: wanted,
      index,
      fetchedAt: this.#now(),
    };
    this.#current = current;
    const day =
      others.length === 0
        ? index.day
        : DayIndex.fromPapers(
            [...listing.papers, ...others],
            index.mode,
            this.#vocabulary,
            RECENT_CACHE_LISTS,
          );
    this.#recent.set(listing.announced, { index: day, superseded: null });
    const stored = day.toStored();
    this.#settle();
    if (stored) await this.#store(listing.announced, stored);
    this.#logger.info(
      { announced: listing.announced, papers: listing.papers.length, categories: wanted.length },
      'arXiv listing fetched',
    );
    return current;
  }

  /** Reads a day's stored index back, or rebuilds it from the stored papers and stores it. */
  async #loadDay(announced: string, ids: readonly string[]): Promise<void> {
    const mode = this.#engine.config.match;
    let reason = '';
    if (mode === 'word') {
      const raw = await this.#papers.getDayIndex(announced);
      const started = performance.now();
      const restored = DayIndex.restore(raw, ids, this.#vocabulary);
      if (typeof restored !== 'string') {
        if (!this.#recent.has(announced)) this.#recent.set(announced, { index: restored, superseded: null });
        this.#logger.debug(
          { announced, papers: restored.size, ms: Math.round(performance.now() - started) },
          'day index read from the store',
        );
        return;
      }
      reason = restored;
    }
    const papers = await this.#papers.getMany(ids);
    const started = performance.now();
    const index = DayIndex.fromPapers(papers, mode, this.#vocabulary, RECENT_CACHE_LISTS);
    if (this.#recent.has(announced)) return;
    this.#recent.set(announced, { index, superseded: null });
    const stored = index.toStored();
    const ms = Math.round(performance.now() - started);
    // Substring mode keeps the lower-cased texts and stores nothing: it is analysed at every start.
    if (!stored) return;
    this.#logger[reason === 'no stored index' ? 'info' : 'warn'](
      { announced, papers: papers.length, reason, ms },
      'day index rebuilt from the stored papers',
    );
    await this.#store(announced, stored);
  }

  async #store(announced: string, stored: NonNullable<ReturnType<DayIndex['toStored']>>): Promise<void> {
    try {
      await this.#papers.putDayIndex(announced, stored);
    } catch (error) {
      // The index in memory serves; the next start rebuilds what could not be stored.
      this.#logger.warn({ err: error, announced }, 'could not store the day index');
    }
  }

  #oldestKept(newest: string): string {
    return new Date(Date.parse(newest) - this.#days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  }

  /**
   * After days were added: drops the announcements more than the kept number of days older than the
   * newest, marks in each day the papers a newer day lists again, and rebuilds the vocabulary once the
   * dropped days' words make up a quarter of it.
   */
  #settle(): void {
    const dates = [...this.#recent.keys()].sort().reverse();
    const newest = dates[0];
    if (newest === undefined) return;
    const oldest = this.#oldestKept(newest);
    const seen = new Set<string>();
    for (const date of dates) {
      const day = this.#recent.get(date) as RecentDay;
      if (date < oldest) {
        this.#recent.delete(date);
        continue;
      }
      day.superseded = null;
      const ids = Array.from({ length: day.index.size }, (_, row) => day.index.id(row));
      ids.forEach((id, row) => {
        if (!seen.has(id)) return;
        day.superseded ??= new Uint8Array(day.index.size);
        day.superseded[row] = 1;
      });
      for (const id of ids) seen.add(id);
    }
    const used = new Uint8Array(this.#vocabulary.size);
    for (const { index } of this.#recent.values()) index.markWords(used);
    const live = used.reduce((sum, mark) => sum + mark, 0);
    if (live >= LIVE_WORDS * this.#vocabulary.size) return;
    const started = performance.now();
    const { vocabulary, ids } = this.#vocabulary.compact(used);
    for (const { index } of this.#recent.values()) index.remap(vocabulary, ids);
    this.#logger.debug(
      { before: this.#vocabulary.size, after: vocabulary.size, ms: Math.round(performance.now() - started) },
      'search vocabulary rebuilt without the dropped days’ words',
    );
    this.#vocabulary = vocabulary;
  }
}
