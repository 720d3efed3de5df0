import type { Keyv } from 'keyv';
import type { Paper } from '../../arxiv/paper.ts';
import type { StoredDayIndex } from '../../digest/day-index.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../store.ts';
import { readRecord } from './records.ts';

const PAPER_SCHEMA = 1;

interface StoredPaper {
  schemaVersion: typeof PAPER_SCHEMA;
  paper: Paper;
}

interface StoredAnnouncement {
  schemaVersion: typeof PAPER_SCHEMA;
  announced: string;
  ids: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Papers read per getMany call: one statement or round trip each, of bounded size. */
const BATCH = 500;

/**
 * The papers of recent announcements, kept `days` days: what `/arxiv search` finds locally, what a reaction's
 * paper is looked up in before asking arXiv, and what restarts reload. Beside each announcement, its
 * search index (day-index.ts), so a restart reads the day's analysis back instead of redoing it; the index
 * validates itself when read (schema, word rules, papers, checksum), so this stores it as given.
 */
export class PaperRepository {
  readonly #papers: Keyv<StoredPaper>;
  readonly #announcements: Keyv<StoredAnnouncement>;
  readonly #dayIndexes: Keyv<StoredDayIndex>;
  readonly #keepMs: number;
  readonly #logger: Logger;

  constructor(store: Store, days: number, logger: Logger) {
    this.#papers = store.namespace<StoredPaper>('papers');
    this.#announcements = store.namespace<StoredAnnouncement>('announcements');
    this.#dayIndexes = store.namespace<StoredDayIndex>('day-indexes');
    this.#keepMs = days * DAY_MS;
    this.#logger = logger;
  }

  /**
   * Stores one announcement's papers (a paper seen again is overwritten by its newer version). Gives the ids
   * the announcement now holds: these papers and those stored for it before (other categories, say).
   */
  async addAnnouncement(announced: string, papers: readonly Paper[]): Promise<string[]> {
    await this.#papers.setMany(
      papers.map((paper) => ({
        key: paper.id,
        value: { schemaVersion: PAPER_SCHEMA, paper },
        ttl: this.#keepMs,
      })),
    );
    const previous = await this.#announcements.get(announced);
    const ids = [...new Set([...(previous?.ids ?? []), ...papers.map((paper) => paper.id)])];
    await this.#announcements.set(announced, { schemaVersion: PAPER_SCHEMA, announced, ids }, this.#keepMs);
    return ids;
  }

  async get(id: string): Promise<Paper | undefined> {
    return readRecord<StoredPaper>(await this.#papers.get(id), PAPER_SCHEMA, 'paper', this.#logger)?.paper;
  }

  /** The stored papers of these ids, in their order; ids not stored (or expired) are left out. */
  async getMany(ids: readonly string[]): Promise<Paper[]> {
    const papers: Paper[] = [];
    for (let at = 0; at < ids.length; at += BATCH) {
      for (const raw of await this.#papers.getMany(ids.slice(at, at + BATCH))) {
        const paper = readRecord<StoredPaper>(raw, PAPER_SCHEMA, 'paper', this.#logger)?.paper;
        if (paper) papers.push(paper);
      }
    }
    return papers;
  }

  /** The kept announcements, newest first, with their papers' ids (a paper may be in several). */
  async announcements(): Promise<Array<{ announced: string; ids: string[] }>> {
    const announcements: StoredAnnouncement[] = [];
    if (this.#announcements.iterator) {
      for await (const [, raw] of this.#announcements.iterator(undefined)) {
        const record = readRecord<StoredAnnouncement>(raw, PAPER_SCHEMA, 'announcement', this.#logger);
        if (record) announcements.push(record);
      }
    }
    announcements.sort((a, b) => b.announced.localeCompare(a.announced));
    return announcements.map(({ announced, ids }) => ({ announced, ids }));
  }

  /** Stores an announcement's search index, kept as long as the announcement. */
  async putDayIndex(announced: string, index: StoredDayIndex): Promise<void> {
    await this.#dayIndexes.set(announced, index, this.#keepMs);
  }

  /** The stored search index of an announcement, unchecked (DayIndex.restore checks it), or undefined. */
  async getDayIndex(announced: string): Promise<unknown> {
    return this.#dayIndexes.get(announced);
  }

  /**
   * The kept announcements, newest first, each with its papers. A paper listed on several days (a
   * replacement) is given with the newest of them only.
   */
  async recent(): Promise<Array<{ announced: string; papers: Paper[] }>> {
    const seen = new Set<string>();
    const days: Array<{ announced: string; papers: Paper[] }> = [];
    for (const announcement of await this.announcements()) {
      const ids = announcement.ids.filter((id) => !seen.has(id));
      for (const id of ids) seen.add(id);
      days.push({ announced: announcement.announced, papers: await this.getMany(ids) });
    }
    return days;
  }
}
