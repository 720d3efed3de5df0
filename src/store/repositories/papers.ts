import type { Keyv } from 'keyv';
import type { Paper } from '../../arxiv/paper.ts';
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

/**
 * The papers of recent announcements, kept `days` days: what `/arxiv search` finds locally, what a reaction's
 * paper is looked up in before asking arXiv, and what restarts reload.
 */
export class PaperRepository {
  readonly #papers: Keyv<StoredPaper>;
  readonly #announcements: Keyv<StoredAnnouncement>;
  readonly #keepMs: number;
  readonly #logger: Logger;

  constructor(store: Store, days: number, logger: Logger) {
    this.#papers = store.namespace<StoredPaper>('papers');
    this.#announcements = store.namespace<StoredAnnouncement>('announcements');
    this.#keepMs = days * DAY_MS;
    this.#logger = logger;
  }

  /** Stores one announcement's papers (a paper seen again is overwritten by its newer version). */
  async addAnnouncement(announced: string, papers: readonly Paper[]): Promise<void> {
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
  }

  async get(id: string): Promise<Paper | undefined> {
    return readRecord<StoredPaper>(await this.#papers.get(id), PAPER_SCHEMA, 'paper', this.#logger)?.paper;
  }

  /**
   * The kept announcements, newest first, each with its papers. A paper listed on several days (a
   * replacement) is given with the newest of them only.
   */
  async recent(): Promise<Array<{ announced: string; papers: Paper[] }>> {
    const announcements: StoredAnnouncement[] = [];
    if (this.#announcements.iterator) {
      for await (const [, raw] of this.#announcements.iterator(undefined)) {
        const record = readRecord<StoredAnnouncement>(raw, PAPER_SCHEMA, 'announcement', this.#logger);
        if (record) announcements.push(record);
      }
    }
    announcements.sort((a, b) => b.announced.localeCompare(a.announced));
    const seen = new Set<string>();
    const days: Array<{ announced: string; papers: Paper[] }> = [];
    for (const announcement of announcements) {
      const ids = announcement.ids.filter((id) => !seen.has(id));
      for (const id of ids) seen.add(id);
      const papers: Paper[] = [];
      for (let at = 0; at < ids.length; at += 500) {
        for (const raw of await this.#papers.getMany(ids.slice(at, at + 500))) {
          const paper = readRecord<StoredPaper>(raw, PAPER_SCHEMA, 'paper', this.#logger)?.paper;
          if (paper) papers.push(paper);
        }
      }
      days.push({ announced: announcement.announced, papers });
    }
    return days;
  }
}
