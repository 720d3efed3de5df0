import type { Keyv } from 'keyv';
import type { MessageRef, TargetId } from '../../chat/types.ts';
import type { DigestJson } from '../../digest/render/json.ts';
import type { Logger } from '../../log.ts';
import type { AtomicNamespace, Store } from '../store.ts';
import { key, readRecord } from './records.ts';

/**
 * Schema 2 stores a delivery in two keys: the digest as planned, once (`delivery-digests`, written before
 * the log), and a small log (`deliveries`: root, posted refs, times) advanced after every post, so a post
 * costs the write of a few refs rather than of the whole digest with its abstracts. Schema 1 kept the digest
 * inside the log; such a record is still read (feeds, the archive), and one still in flight is moved to
 * schema 2 by its next advance, under the same compare-and-set.
 */
export const DELIVERY_SCHEMA = 2;
const LEGACY_SCHEMA = 1;

/**
 * The delivery log of one target and one announcement: the digest as planned (frozen when the delivery
 * starts, so a restart posts the same papers in the same order), and what has been posted so far. The log
 * is written after every post, with a compare-and-set so that two processes can never both advance it.
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

/** What is stored in the log under schema 2: the record without its digest. */
type DeliveryLog = Omit<DeliveryRecord, 'digest'>;

/** A schema-1 log: the digest inside. */
interface LegacyDeliveryRecord extends Omit<DeliveryRecord, 'schemaVersion'> {
  schemaVersion: typeof LEGACY_SCHEMA;
}

interface StoredDigest {
  schemaVersion: typeof DELIVERY_SCHEMA;
  digest: DigestJson;
}

export interface VersionedDelivery {
  record: DeliveryRecord;
  version: string;
  /** Read from a schema-1 log: its next advance also stores the digest on its own. */
  legacy?: true;
}

/** Delivery records are kept this long; a target's recent digests (feeds, the archive page) are read from them. */
const KEEP_MS = 60 * 24 * 60 * 60 * 1000;

export class DeliveryRepository {
  readonly #atomic: AtomicNamespace;
  readonly #digests: AtomicNamespace;
  readonly #history: Keyv<string[]>;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#atomic = store.atomic('deliveries');
    this.#digests = store.atomic('delivery-digests');
    this.#history = store.namespace<string[]>('delivery-history');
    this.#logger = logger;
  }

  async get(target: TargetId, announced: string): Promise<VersionedDelivery | undefined> {
    const id = key(target, announced);
    const found = await this.#atomic.getVersioned<DeliveryLog | LegacyDeliveryRecord>(id);
    if (!found) return undefined;
    if (found.value?.schemaVersion === LEGACY_SCHEMA) {
      const legacy = found.value as LegacyDeliveryRecord;
      return { record: { ...legacy, schemaVersion: DELIVERY_SCHEMA }, version: found.version, legacy: true };
    }
    const log = readRecord<DeliveryLog>(found.value, DELIVERY_SCHEMA, 'delivery', this.#logger);
    if (!log) return undefined;
    const stored = await this.#digests.getVersioned<StoredDigest>(id);
    const frozen = stored && readRecord<StoredDigest>(stored.value, DELIVERY_SCHEMA, 'digest', this.#logger);
    if (!frozen) {
      this.#logger.warn({ target, announced }, 'a delivery log without its digest; ignoring it');
      return undefined;
    }
    return { record: { ...log, digest: frozen.digest }, version: found.version };
  }

  /**
   * Starts a delivery: freezes the digest, then writes the log. False when a log already exists for this
   * target and announcement. A digest frozen before (by a process that stopped before writing its log) is
   * kept: `get` then answers the record with it, so every reader and resumer sees one digest per log.
   */
  async create(record: DeliveryRecord): Promise<boolean> {
    const id = key(record.target, record.announced);
    await this.#digests.add(id, { schemaVersion: DELIVERY_SCHEMA, digest: record.digest }, KEEP_MS);
    const created = await this.#atomic.add(id, logOf(record), KEEP_MS);
    if (created) await this.#remember(record.target, record.announced);
    return created;
  }

  /**
   * Writes the next state of a delivery (its log: the digest is never written again); null when someone
   * else changed it first (the caller stops).
   */
  async advance(previous: VersionedDelivery, record: DeliveryRecord): Promise<VersionedDelivery | null> {
    const id = key(record.target, record.announced);
    if (previous.legacy) {
      // A schema-1 log in flight: its digest goes to its own key first, so the log never lacks one.
      await this.#digests.add(id, { schemaVersion: DELIVERY_SCHEMA, digest: record.digest }, KEEP_MS);
    }
    const log = logOf(record);
    if (!(await this.#atomic.setIfVersion(id, log, previous.version, KEEP_MS))) return null;
    // The store answers a successful write without the new version: read it back, and make sure it is the
    // version of this write (were another writer in between, pairing its version with our record would let
    // our next write replace theirs). The log is small: comparing it costs little.
    const next = await this.#atomic.getVersioned<DeliveryLog>(id);
    return next && JSON.stringify(next.value) === JSON.stringify(log)
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

/** The log of a record: everything but the digest, fields in one order (the read-back compares by JSON). */
function logOf(record: DeliveryRecord): DeliveryLog {
  return {
    schemaVersion: DELIVERY_SCHEMA,
    target: record.target,
    announced: record.announced,
    root: record.root,
    posted: record.posted,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
  };
}
