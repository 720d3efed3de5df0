import type { MessageRef } from '../chat/types.ts';
import { digestFromJson, digestToJson } from '../digest/render/json.ts';
import { type Engine, makeDigest } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import {
  DELIVERY_SCHEMA,
  type DeliveryRecord,
  type DeliveryRepository,
  type VersionedDelivery,
} from '../store/repositories/deliveries.ts';
import type { Lease, LeaseRepository } from '../store/repositories/leases.ts';
import type { MessageRepository } from '../store/repositories/messages.ts';
import type { Subscription } from '../store/repositories/subscriptions.ts';
import type { VoteRepository } from '../store/repositories/votes.ts';
import type { AdapterRegistry } from './adapters.ts';
import type { CurrentListing } from './listing.ts';
import { digestPaperMessage, digestRootMessage } from './render.ts';

export type DeliveryOutcome =
  | {
      status: 'delivered';
      announced: string;
      papers: number;
      root: MessageRef;
      resumed: boolean;
      /** This request came while the same delivery was running in this process, and waited for it. */
      joined?: boolean;
    }
  /** This announcement was delivered to the target before (by this process or another). */
  | { status: 'already-delivered'; announced: string; root: MessageRef | null }
  /** No paper of the announcement matched: nothing was posted, and the announcement counts as delivered. */
  | { status: 'no-match'; announced: string }
  /** The subscription follows no term yet. */
  | { status: 'no-terms' }
  /** A newer announcement was already delivered (a feed served late by a cache, say). */
  | { status: 'stale'; announced: string }
  /** Another process is delivering to this target right now. */
  | { status: 'busy' };

export interface DigestDeliveryOptions {
  engine: Engine;
  adapters: AdapterRegistry;
  deliveries: DeliveryRepository;
  messages: MessageRepository;
  leases: LeaseRepository;
  /** The targets' votes: a target with any gets its digest in the learned order (src/rank/learned.ts). */
  votes?: VoteRepository | undefined;
  /** This process's id, for leases. */
  holder: string;
  summaryEmoji: string;
  logger: Logger;
  metrics?: Metrics | undefined;
  now?: () => Date;
  /**
   * A target's delivery lease lasts this long unless renewed (every third of it). Default 20 s: after a
   * crash, the restarted process (a new holder) resumes the delivery once the dead one's lease has expired.
   */
  leaseTtlMs?: number;
  /** Called once a digest is completely delivered (to write it to files, say); its failure is only logged. */
  onDelivered?: ((record: DeliveryRecord) => Promise<void>) | undefined;
}

/** Thrown when this process lost the right to go on with a delivery (its lease, or the log moved on). */
export class DeliveryTakenOver extends Error {}

/**
 * Delivers one target's digest of one announcement exactly once: a root message, then one thread reply per
 * paper, whatever crashes and restarts happen on the way.
 *
 * How: the digest is frozen (stored once, then a small delivery log beside it) before the first post; every
 * post carries an idempotency key (target, announcement, paper) and the log is advanced with a
 * compare-and-set right after it. A run that finds an unfinished log resumes it; the only post that can
 * have gone out unrecorded is the first pending one (a crash between posting it and writing the log), so
 * the resumed run asks the platform for that key (`findPosted`) before posting it. A per-target lease
 * keeps two processes from posting at the same time.
 */
export class DigestDelivery {
  readonly #options: DigestDeliveryOptions;
  readonly #now: () => Date;
  readonly #leaseTtlMs: number;
  /** The delivery running in this process for each target: at most one (see `deliver`). */
  readonly #running = new Map<string, { announced: string; run: Promise<DeliveryOutcome> }>();

  constructor(options: DigestDeliveryOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#leaseTtlMs = options.leaseTtlMs ?? 20_000;
  }

  /**
   * Within one process a target has at most one delivery running: a request that comes while one runs (ten
   * people typing /arxiv digest at once, a command during the scheduled run) waits for it and gets its
   * outcome, marked `joined`, rather than posting beside it. A request for another announcement, or after
   * the running one failed, starts its own once that one is over. Across processes the lease alone decides.
   */
  async deliver(
    subscription: Subscription,
    listing: CurrentListing,
    turn: PlanningTurn = ALONE,
  ): Promise<DeliveryOutcome> {
    const { target } = subscription;
    try {
      for (;;) {
        const current = this.#running.get(target);
        if (!current) break;
        // A request that waits for a running delivery plans nothing: the round need not wait for it.
        turn.planned();
        const outcome = await current.run.catch(() => null);
        // A settled run may still be listed for a moment (its own finally runs later): never wait on it twice.
        if (this.#running.get(target) === current) this.#running.delete(target);
        if (outcome && current.announced === listing.announced) return joined(outcome);
      }
      // Nothing awaits between the check above and this: two requests cannot both start.
      const entry = { announced: listing.announced, run: this.#deliverAlone(subscription, listing, turn) };
      this.#running.set(target, entry);
      try {
        return await entry.run;
      } finally {
        if (this.#running.get(target) === entry) this.#running.delete(target);
      }
    } finally {
      // Whatever way this request ended (nothing to deliver, busy, failed), the round stops waiting for it.
      turn.planned();
    }
  }

  async #deliverAlone(
    subscription: Subscription,
    listing: CurrentListing,
    turn: PlanningTurn,
  ): Promise<DeliveryOutcome> {
    const { deliveries, leases, holder, logger } = this.#options;
    const { target } = subscription;
    const { announced } = listing;
    if (!subscription.query) return { status: 'no-terms' };

    const existing = await deliveries.get(target, announced);
    if (existing?.record.completedAt) return finished(existing.record);
    if (!existing && (await deliveries.history(target)).some((date) => date > announced)) {
      return { status: 'stale', announced };
    }

    const lease = await leases.acquire(`deliver|${target}`, holder, this.#leaseTtlMs);
    if (!lease) return { status: 'busy' };
    const keeper = new LeaseKeeper(leases, lease, this.#leaseTtlMs, logger);
    try {
      let state = await deliveries.get(target, announced);
      const resumed = state !== undefined;
      if (!state) {
        const planned = await this.#plan(subscription, listing);
        if (!planned) return { status: 'busy' };
        state = planned;
      }
      if (state.record.completedAt) return finished(state.record);
      // The plan is written: from here a crash resumes from the log. Post once every target of the round
      // has its plan, so no post waits on the model (the lease is renewed meanwhile).
      turn.planned();
      await turn.allPlanned;
      if (resumed) logger.info({ target, announced }, 'resuming an unfinished digest delivery');
      return await this.#post(state, resumed, keeper);
    } catch (error) {
      if (error instanceof DeliveryTakenOver) {
        logger.warn({ target, announced, reason: error.message }, 'another process took over this delivery');
        return { status: 'busy' };
      }
      this.#options.metrics?.deliveryFailures.inc({ platform: target.slice(0, target.indexOf(':')) });
      throw error;
    } finally {
      await keeper.stop();
      await leases.release(keeper.lease).catch((error: unknown) => {
        logger.warn({ err: error, target }, 'could not release a delivery lease; it will expire');
      });
    }
  }

  /** Ranks and summarizes the digest and freezes it in a new delivery log. Null if another process did first. */
  async #plan(subscription: Subscription, listing: CurrentListing): Promise<VersionedDelivery | null> {
    const { engine, deliveries, votes } = this.#options;
    const { digest } = await makeDigest(engine, listing.index, {
      query: subscription.query ?? { terms: [], exclude: [] },
      categories: subscription.categories,
      maxPapers: subscription.maxPapers,
      minScore: subscription.minScore,
      authors: subscription.authors ?? [],
      ...(votes ? { votes: await votes.forProfile(subscription.target) } : {}),
      target: subscription.target,
      summaries: subscription.summaries && engine.config.ai_summary.enabled,
      now: this.#now(),
    });
    const now = this.#now().toISOString();
    const record: DeliveryRecord = {
      schemaVersion: DELIVERY_SCHEMA,
      target: subscription.target,
      announced: listing.announced,
      digest: digestToJson(digest),
      root: null,
      posted: {},
      startedAt: now,
      completedAt: digest.papers.length === 0 ? now : null,
    };
    if (!(await deliveries.create(record))) return null;
    return (await deliveries.get(record.target, record.announced)) ?? null;
  }

  async #post(state: VersionedDelivery, resumed: boolean, keeper: LeaseKeeper): Promise<DeliveryOutcome> {
    const { adapters, messages, metrics, summaryEmoji } = this.#options;
    const { target, announced } = state.record;
    const adapter = adapters.forTarget(target);
    const platform = adapter.platform;
    const digest = digestFromJson(state.record.digest);
    let current = state;
    let checkPlatform = resumed;

    const once = async (key: string, thread: MessageRef | undefined, post: () => Promise<MessageRef>) => {
      keeper.check();
      const found = checkPlatform ? await adapter.findPosted(target, key, thread) : null;
      checkPlatform = false;
      return found ?? (await post());
    };

    let root = current.record.root;
    if (!root) {
      const key = `${target}|${announced}|root`;
      const ref = await once(key, undefined, () =>
        adapter.post(target, digestRootMessage(digest, summaryEmoji), { idempotencyKey: key }),
      );
      current = await this.#advance(current, { ...current.record, root: ref });
      root = ref;
    }

    // Which message is which paper is written once, with the last paper's advance, rather than once per
    // post: a store write per post fewer. Until then a reaction on a paper finds it by the link in its text
    // (reactions.ts); a run that stops before, resumes and writes them all.
    const record = (posted: Record<string, MessageRef>) =>
      messages.recordMany(
        digest.papers.flatMap(({ paper }) => {
          const ref = posted[paper.id];
          return ref
            ? [{ ref, message: { paperId: paper.id, version: paper.version, kind: 'digest-paper' as const } }]
            : [];
        }),
      );
    const complete = (posted: Record<string, MessageRef>) =>
      digest.papers.every(({ paper }) => posted[paper.id] !== undefined)
        ? { completedAt: this.#now().toISOString() }
        : {};

    for (const [index, ranked] of digest.papers.entries()) {
      if (current.record.posted[ranked.paper.id]) continue;
      const key = `${target}|${announced}|${ranked.paper.id}`;
      const thread = root;
      const ref = await once(key, thread, () =>
        adapter.post(target, digestPaperMessage(ranked, index + 1), { thread, idempotencyKey: key }),
      );
      const posted = { ...current.record.posted, [ranked.paper.id]: ref };
      const last = complete(posted);
      if (last.completedAt) await record(posted);
      // The last paper's advance also completes the delivery.
      current = await this.#advance(current, { ...current.record, posted, ...last });
      metrics?.papersDelivered.inc({ platform });
    }
    if (!current.record.completedAt) {
      // Every paper was posted before (a run that stopped after its last post's advance, under schema 1).
      await record(current.record.posted);
      current = await this.#advance(current, { ...current.record, ...complete(current.record.posted) });
    }
    const completed = current;
    metrics?.digestsDelivered.inc({ platform });
    await this.#options.onDelivered?.(completed.record).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, target }, 'could not write the delivered digest to files');
    });
    metrics?.lastDigestTimestamp.set(this.#now().getTime() / 1000);
    this.#options.logger.info(
      { target, announced, papers: digest.papers.length, resumed },
      'digest delivered',
    );
    return { status: 'delivered', announced, papers: digest.papers.length, root, resumed };
  }

  async #advance(previous: VersionedDelivery, record: DeliveryRecord): Promise<VersionedDelivery> {
    const next = await this.#options.deliveries.advance(previous, record);
    if (!next) throw new DeliveryTakenOver('the delivery log was changed by another process');
    return next;
  }
}

/** One delivery's part in a planning round: it says when its plan is written, and waits for the others'. */
export interface PlanningTurn {
  /** This delivery has its plan written (or has none to make); calling it again does nothing. */
  planned(): void;
  /** Settles once every delivery of the round has called `planned`. */
  readonly allPlanned: Promise<void>;
}

const ALONE: PlanningTurn = { planned: () => {}, allPlanned: Promise.resolve() };

/**
 * A scheduled run's deliveries plan (rank, summarize, write the log) before any of them posts, so that
 * posting to every channel goes side by side at the platform's pace instead of waiting on the model.
 */
export class PlanningRound {
  #left: number;
  #release: () => void = () => {};
  readonly allPlanned: Promise<void>;

  constructor(deliveries: number) {
    this.#left = deliveries;
    this.allPlanned = new Promise<void>((resolve) => {
      this.#release = resolve;
    });
    if (deliveries <= 0) this.#release();
  }

  /** A turn for one delivery of the round; the round ends when every turn has called `planned`. */
  turn(): PlanningTurn {
    let done = false;
    return {
      planned: () => {
        if (done) return;
        done = true;
        this.#left -= 1;
        if (this.#left === 0) this.#release();
      },
      allPlanned: this.allPlanned,
    };
  }
}

/** The outcome of a delivery this request waited for, as this request's own. */
function joined(outcome: DeliveryOutcome): DeliveryOutcome {
  return outcome.status === 'delivered' ? { ...outcome, joined: true } : outcome;
}

function finished(record: DeliveryRecord): DeliveryOutcome {
  return record.digest.papers.length === 0
    ? { status: 'no-match', announced: record.announced }
    : { status: 'already-delivered', announced: record.announced, root: record.root };
}

/**
 * Renews a lease every third of its lifetime while a delivery runs; `check()` throws once it is lost. Also
 * used by the weekly rollup (weekly.ts).
 */
export class LeaseKeeper {
  lease: Lease;
  #lost = false;
  #renewing: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  constructor(leases: LeaseRepository, lease: Lease, ttlMs: number, logger: Logger) {
    this.lease = lease;
    this.#timer = setInterval(() => {
      this.#renewing = leases
        .renew(this.lease, ttlMs)
        .then((renewed) => {
          if (renewed) this.lease = renewed;
          else this.#lost = true;
        })
        .catch((error: unknown) => logger.warn({ err: error, lease: lease.name }, 'could not renew a lease'));
    }, ttlMs / 3);
    this.#timer.unref();
  }

  check(): void {
    if (this.#lost) throw new DeliveryTakenOver('the delivery lease expired and was taken');
  }

  /** Stops renewing; resolves once a renewal in flight has settled, so `lease` is the one to release. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
  }
}
