import type { Keyv } from 'keyv';
import type { TargetId, UserId } from '../../chat/types.ts';
import type { KeywordQuery } from '../../digest/query.ts';
import type { Logger } from '../../log.ts';
import type { Weekday } from '../../schedule/calendar.ts';
import type { Store } from '../store.ts';
import { readRecord } from './records.ts';

export const SUBSCRIPTION_SCHEMA = 1;

/** What a channel's (or a user's) daily digest follows. */
export interface Subscription {
  schemaVersion: typeof SUBSCRIPTION_SCHEMA;
  /** A channel, or a user who gets the digest by direct message. */
  target: TargetId;
  kind: 'channel' | 'user';
  /** Null until someone subscribes to a term: nothing is delivered without one. */
  query: KeywordQuery | null;
  categories: string[];
  /**
   * Followed authors, as users typed them, one per author (src/digest/authors.ts authorKey): their papers
   * join the digest whatever their keyword score. Absent in records older than the field: none.
   */
  authors?: string[];
  schedule: { time: string; timeZone: string };
  maxPapers: number;
  minScore: number;
  summaries: boolean;
  /** Listed on the public archive page. */
  public: boolean;
  /** The user who created it, or "config" for a subscription seeded from config.json. */
  createdBy: UserId | 'config';
  createdAt: string;
  updatedAt: string;
  /**
   * Set when the platform refused to deliver this user's digest by direct message (their privacy settings):
   * no digest is tried until the user next uses a command, is told why, and this is cleared.
   */
  unreachable?: { since: string; reason: string } | undefined;
  /**
   * The weekly rollup (`/arxiv weekly on`): a day and a time in `schedule.timeZone`, and since when it is on
   * (no rollup falls due before that). Absent (records older than the field too): no rollup.
   */
  weekly?: { day: Weekday; time: string; since: string } | undefined;
}

/** Subscriptions by target. */
export class SubscriptionRepository {
  readonly #keyv: Keyv<Subscription>;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#keyv = store.namespace<Subscription>('subscriptions');
    this.#logger = logger;
  }

  async get(target: TargetId): Promise<Subscription | undefined> {
    return readRecord<Subscription>(
      await this.#keyv.get(target),
      SUBSCRIPTION_SCHEMA,
      'subscription',
      this.#logger,
    );
  }

  async put(subscription: Subscription): Promise<void> {
    await this.#keyv.set(subscription.target, subscription);
  }

  async delete(target: TargetId): Promise<void> {
    await this.#keyv.delete(target);
  }

  /** Every subscription (read from the store each time, so replicas see each other's changes). */
  async all(): Promise<Subscription[]> {
    const found: Subscription[] = [];
    if (!this.#keyv.iterator) return found;
    for await (const [, raw] of this.#keyv.iterator(undefined)) {
      const subscription = readRecord<Subscription>(raw, SUBSCRIPTION_SCHEMA, 'subscription', this.#logger);
      if (subscription) found.push(subscription);
    }
    return found;
  }
}
