import type { Keyv } from 'keyv';
import type { MessageRef, TargetId } from '../../chat/types.ts';
import type { DigestJson } from '../../digest/render/json.ts';
import type { Logger } from '../../log.ts';
import type { AtomicNamespace, Store } from '../store.ts';
import { key, readRecord } from './records.ts';

export const DELIVERY_SCHEMA = 1;

/**
 * The delivery log of one target and one announcement: the digest as planned (frozen when the delivery
 * starts, so a restart posts the same papers in the same order), and what has been posted so far. It is
 * written after every post, with a compare-and-set so that two processes can never both advance it.
 */
export interface DeliveryRecord {
  schemaVersion: typeof DELIVERY_SCHEMA;
  target: TargetId;
  announced: string;
  digest: DigestJson;
  /** The root message, once posted. */
  root: MessageRef | null;
  /** The thread reply of each paper posted so far, by paper id. */
  posted: Record<string, MessageRef>;
  startedAt: string;
  completedAt: string | null;
}

export interface VersionedDelivery {
  record: DeliveryRecord;
  version: string;
}

/** Delivery records are kept this long; a target's recent digests (feeds, the archive page) are read from them. */
const KEEP_MS = 60 * 24 * 60 * 60 * 1000;

export class DeliveryRepository {
  readonly #atomic: AtomicNamespace;
  readonly #history: Keyv<string[]>;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#atomic = store.atomic('deliveries');
    this.#history = store.namespace<string[]>('delivery-history');
    this.#logger = logger;
  }

  async get(target: TargetId, announced: string): Promise<VersionedDelivery | undefined> {
    const found = await this.#atomic.getVersioned<DeliveryRecord>(key(target, announced));
    const record =
      found && readRecord<DeliveryRecord>(found.value, DELIVERY_SCHEMA, 'delivery', this.#logger);
    return record && found ? { record, version: found.version } : undefined;
  }

  /** Starts a delivery; false when one already exists for this target and announcement. */
  async create(record: DeliveryRecord): Promise<boolean> {
    const created = await this.#atomic.add(key(record.target, record.announced), record, KEEP_MS);
    if (created) await this.#remember(record.target, record.announced);
    return created;
  }

  /** Writes the next state of a delivery; false when someone else changed it first (the caller stops). */
  async advance(previous: VersionedDelivery, record: DeliveryRecord): Promise<VersionedDelivery | null> {
    const id = key(record.target, record.announced);
    if (!(await this.#atomic.setIfVersion(id, record, previous.version, KEEP_MS))) return null;
    // The store answers a successful write without the new version: read it back, and make sure it is the
    // version of this write (were another writer in between, pairing its version with our record would let
    // our next write replace theirs).
    const next = await this.#atomic.getVersioned<DeliveryRecord>(id);
    return next && JSON.stringify(next.value) === JSON.stringify(record)
      ? { record, version: next.version }
      : null;
  }

  /** The announcements delivered (or being delivered) to a target, newest first. */
  async history(target: TargetId): Promise<string[]> {
    return (await this.#history.get(target)) ?? [];
  }

  async #remember(target: TargetId, announced: string): Promise<void> {
    // Only the creator of a delivery gets here, and a target's deliveries run one at a time under its lease,
    // so this read-modify-write does not lose a date.
    const dates = new Set([announced, ...(await this.history(target))]);
    const newest = [...dates].sort().reverse().slice(0, 60);
    await this.#history.set(target, newest, KEEP_MS);
  }
}

export type DeliveryReader = Pick<DeliveryRepository, 'history' | 'get'>;

/**
 * A target's newest completely delivered digests, newest announcement first, at most `limit`. A delivery
 * still in progress (or stopped on an error and not yet resumed) is left out until it completes: the feed
 * and the archive show what the channel was shown. Records are read a batch of `limit` at a time.
 */
export async function recentDeliveries(
  deliveries: DeliveryReader,
  target: TargetId,
  limit: number,
): Promise<VersionedDelivery[]> {
  const dates = await deliveries.history(target);
  const found: VersionedDelivery[] = [];
  for (let start = 0; start < dates.length && found.length < limit; start += limit) {
    const batch = await Promise.all(
      dates.slice(start, start + limit).map((announced) => deliveries.get(target, announced)),
    );
    for (const delivery of batch) {
      if (delivery?.record.completedAt && found.length < limit) found.push(delivery);
    }
  }
  return found;
}
