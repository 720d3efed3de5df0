/**
 * The shell's post journal: one JSON line per post, appended after the post is printed, so that
 * `findPosted` (and `:react`, and `fetchMessageText`) still know a post after a restart.
 *
 * What a crash can and cannot cause. A post is printed, then journaled, then `post()` resolves; the core
 * records its delivery only after that.
 * - A crash after printing and before journaling leaves a post on screen that the journal does not know:
 *   after the restart `findPosted` returns null and the core posts it again. The terminal shows it twice.
 * - A crash while appending leaves a torn last line; loading skips it (with a warning), which is the case above.
 * - A crash after journaling and before the core records the delivery is harmless: `findPosted` finds the post.
 * - It cannot lose a post: nothing is journaled before its text was handed to the output. (Handed over, not
 *   necessarily seen: a pipe's reader may still die with it unread.)
 * - Lines are not fsynced, so a machine crash (not a process crash) can drop the newest lines: again a
 *   duplicate at worst.
 * One process writes a journal at a time; two shells sharing one file are not supported.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';

const journalRecord = z.object({
  id: z.string().min(1),
  target: z.string().min(1),
  threadId: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  text: z.string(),
});

export type JournalRecord = z.infer<typeof journalRecord>;

export class PostJournal {
  readonly #fd: number;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /**
   * Opens (creating it and its folder if needed) the journal at `path`, returning its newest `keep` records.
   * When it holds more, it is compacted to those first: written anew and renamed over the old file, so a
   * crash leaves either whole file.
   */
  static open(
    path: string,
    keep: number,
    logger: Logger,
  ): { journal: PostJournal; records: JournalRecord[] } {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const content = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const all = parseRecords(content, path, logger);
      const records = all.slice(-keep);
      if (records.length < all.length) {
        const compacted = `${path}.compacting`;
        writeFileSync(compacted, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
        renameSync(compacted, path);
      }
      const fd = openSync(path, 'a');
      // A torn last line must not swallow the next record.
      if (records.length === all.length && content !== '' && !content.endsWith('\n')) writeSync(fd, '\n');
      return { journal: new PostJournal(fd), records };
    } catch (error) {
      throw new UserError(
        'INPUT_INVALID',
        `Cannot open the shell's post journal ${path}: ${(error as Error).message}. Give a file path that can be written.`,
        { cause: error },
      );
    }
  }

  /** Appends one record; synchronous, so records keep the order of the posts. */
  append(record: JournalRecord): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

function parseRecords(content: string, path: string, logger: Logger): JournalRecord[] {
  const records: JournalRecord[] = [];
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = journalRecord.safeParse(safeJson(line));
    if (parsed.success) records.push(parsed.data);
    else logger.warn({ path, line: index + 1 }, 'skipping an unreadable line of the shell post journal');
  });
  return records;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
