import type { Keyv } from 'keyv';
import type { MessageRef } from '../../chat/types.ts';
import type { Logger } from '../../log.ts';
import type { AtomicNamespace, Store } from '../store.ts';
import { key, readRecord } from './records.ts';

const POSTED_MESSAGE_SCHEMA = 1;

/** A message the bot posted about one paper, so a reaction on it finds the paper. */
export interface PostedMessage {
  schemaVersion: typeof POSTED_MESSAGE_SCHEMA;
  paperId: string;
  version: number | null;
  kind: 'digest-paper' | 'summary' | 'search-result';
  /**
   * Where and when it was posted; written for summaries since the weekly rollup counts them (absent in older
   * records, which the rollup does not count).
   */
  target?: string;
  at?: string;
}

const KEEP_MS = 90 * 24 * 60 * 60 * 1000;
/** How long a "summary posted in this thread" mark is kept; a reaction after that posts it again. */
const SUMMARY_MARK_MS = 90 * 24 * 60 * 60 * 1000;
/**
 * How long a claim lasts before its summary is posted: a process that dies while summarizing must not keep
 * the thread from ever getting one. Long enough for a model's slowest answer with its retries.
 */
const SUMMARY_CLAIM_MS = 10 * 60 * 1000;

/** What a reaction posts in a thread once per paper: its summary, or its citation (BibTeX). */
export type ThreadPost = 'summary' | 'cite';

/** A summary's key is as it always was; a citation's has its own, so either is posted once. */
function threadKey(target: string, threadId: string, paperId: string, what: ThreadPost): string {
  return what === 'summary' ? key(target, threadId, paperId) : key(target, threadId, `${what}|${paperId}`);
}

export class MessageRepository {
  readonly #keyv: Keyv<PostedMessage>;
  readonly #summaries: AtomicNamespace;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#keyv = store.namespace<PostedMessage>('messages');
    this.#summaries = store.atomic('thread-summaries');
    this.#logger = logger;
  }

  async record(ref: MessageRef, message: Omit<PostedMessage, 'schemaVersion'>): Promise<void> {
    await this.#keyv.set(
      key(ref.target, ref.id),
      { schemaVersion: POSTED_MESSAGE_SCHEMA, ...message },
      KEEP_MS,
    );
  }

  /** `record` for several messages in one write (one transaction where the store has them). */
  async recordMany(
    messages: ReadonlyArray<{ ref: MessageRef; message: Omit<PostedMessage, 'schemaVersion'> }>,
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.#keyv.setMany(
      messages.map(({ ref, message }) => ({
        key: key(ref.target, ref.id),
        value: { schemaVersion: POSTED_MESSAGE_SCHEMA, ...message },
        ttl: KEEP_MS,
      })),
    );
  }

  /** The summaries posted in `target` from `since` until before `until`: paper ids, one per summary. */
  async summariesIn(target: string, since: Date, until: Date): Promise<string[]> {
    const found: string[] = [];
    if (!this.#keyv.iterator) return found;
    for await (const [, raw] of this.#keyv.iterator(undefined)) {
      const message = readRecord<PostedMessage>(raw, POSTED_MESSAGE_SCHEMA, 'posted message', this.#logger);
      if (message?.kind !== 'summary' || message.target !== target || message.at === undefined) continue;
      const at = Date.parse(message.at);
      if (at >= since.getTime() && at < until.getTime()) found.push(message.paperId);
    }
    return found;
  }

  async find(ref: MessageRef): Promise<PostedMessage | undefined> {
    return readRecord<PostedMessage>(
      await this.#keyv.get(key(ref.target, ref.id)),
      POSTED_MESSAGE_SCHEMA,
      'posted message',
      this.#logger,
    );
  }

  /**
   * Claims the right to post a paper's summary in a thread: true for exactly one caller at a time. The claim
   * lapses after 10 minutes unless `summaryPosted` makes it a lasting mark.
   */
  async claimSummary(
    target: string,
    threadId: string,
    paperId: string,
    what: ThreadPost = 'summary',
  ): Promise<boolean> {
    return this.#summaries.add(threadKey(target, threadId, paperId, what), 'claimed', SUMMARY_CLAIM_MS);
  }

  /** Marks the summary as posted in the thread, so no later reaction posts it again. */
  async summaryPosted(
    target: string,
    threadId: string,
    paperId: string,
    what: ThreadPost = 'summary',
  ): Promise<void> {
    const held = await this.#summaries.getVersioned(threadKey(target, threadId, paperId, what));
    if (held)
      await this.#summaries.setIfVersion(
        threadKey(target, threadId, paperId, what),
        'posted',
        held.version,
        SUMMARY_MARK_MS,
      );
  }

  /** Gives a claim back when the summary could not be posted, so the next reaction tries again. */
  async releaseSummary(
    target: string,
    threadId: string,
    paperId: string,
    what: ThreadPost = 'summary',
  ): Promise<void> {
    const held = await this.#summaries.getVersioned(threadKey(target, threadId, paperId, what));
    if (held) await this.#summaries.deleteIfVersion(threadKey(target, threadId, paperId, what), held.version);
  }
}
