import cron, { type ScheduledTask } from 'node-cron';
import type { TargetId } from '../chat/types.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { Lease, LeaseRepository } from '../store/repositories/leases.ts';
import { readRecord } from '../store/repositories/records.ts';
import type { Subscription } from '../store/repositories/subscriptions.ts';
import { latestAnnouncement, latestScheduledInstant, latestWeeklyInstant } from './calendar.ts';

/*
 * When digests run. One node-cron task fires `tick()` at the start of every minute (UTC); each tick works out,
 * for every subscription, the most recent instant its own schedule (local time and IANA zone, see
 * calendar.ts) named, and hands the subscriptions whose instant has not been covered yet to `deliver` in one
 * batch, so one listing fetch serves them all. One task for all targets, rather than one per target, keeps
 * thousands of targets cheap, picks up schedule changes made on any replica at the next minute without
 * re-registering tasks, and leaves daylight saving time to calendar.ts rather than to cron expressions.
 * node-cron's own `noOverlap` and `distributed` options are not used: a skipped tick must still renew the
 * leader lease, and an election per fire time would let the leader change every minute.
 *
 * The rule "due when the latest scheduled instant (after the subscription was created) is later than the
 * instant its last run covered" gives the daily run, the catch-up of runs missed while the bot was down (all
 * missed days fold into one run: a run delivers the newest undelivered announcement), and idempotence: the
 * covered instant is written to the store after `deliver` has handled the run, so a second tick, on this
 * replica or another, finds nothing to do.
 *
 * Replicas sharing a store elect one ticker through a leader lease renewed at every tick; when the leader
 * dies, another replica takes the lease once it expires and its first tick catches up. A run in flight when
 * the leader dies was not marked, so the new leader runs it again: `deliver`'s own delivery log is what makes
 * a repeated run post nothing twice.
 */

export interface ScheduledRun {
  subscription: Subscription;
  /** The scheduled instant this run covers (the target's local time on the day it falls due). */
  scheduledFor: Date;
}

/** What `deliver` reports when it resolves. */
export interface DeliveryReport {
  /**
   * The runs to try again later, with why (an error, a target another process is still delivering to).
   * Every other run counts as done, including those that posted nothing because nothing was new. A target
   * that can never succeed (a channel the bot was removed from) belongs here only if retrying it, backing
   * off up to an hour between attempts, is wanted.
   */
  failed: Array<{
    target: TargetId;
    error: unknown;
    /**
     * When to try again, for a failure that says when (another process is still delivering to the target:
     * try at the next tick, 0). Without it, the target backs off: 1 minute, doubling up to an hour.
     */
    retryInMs?: number;
  }>;
}

export interface SchedulerOptions {
  /** Every subscription, read afresh at each tick. */
  subscriptions: () => Promise<Subscription[]>;
  /**
   * Delivers each target's newest undelivered digest (one combined listing fetch serves them all). Resolves
   * with the runs that failed; rejects only when nothing could be delivered (arXiv down, say), and then
   * every run is tried again after the same backoff as a failed target's.
   */
  deliver: (runs: ScheduledRun[]) => Promise<DeliveryReport>;
  /**
   * Posts the weekly rollups that are due (`/arxiv weekly`, src/bot/weekly.ts): each run's `scheduledFor`
   * is the target's latest weekly instant. Same contract as `deliver`; absent, no rollup runs.
   */
  deliverWeekly?: ((runs: ScheduledRun[]) => Promise<DeliveryReport>) | undefined;
  store: Store;
  leases: LeaseRepository;
  /** This replica's id, the holder of the leader lease. */
  holder: string;
  now?: () => Date;
  logger?: Logger;
  /** How long the leader lease lasts unless renewed by a tick. Default 90 s: a missed minute is survived. */
  leaseTtlMs?: number;
}

const EVERY_MINUTE = '* * * * *';
const ALL_TARGETS = Symbol('every target');
const MAX_BACKOFF_MS = 60 * 60_000;
const LEADER_LEASE = 'scheduler';
const RUNS_NAMESPACE = 'schedule-runs';
/** The weekly rollups' marks, like the daily ones but apart: the two schedules cover different instants. */
const WEEKLY_RUNS_NAMESPACE = 'weekly-runs';
const RUN_SCHEMA = 1;
/** Marks are refreshed by every daily run; this only clears those of deleted subscriptions. */
const RUN_MARK_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/** The last run of a target: the scheduled instant it covered. Stored under the target id. */
interface RunMark {
  schemaVersion: typeof RUN_SCHEMA;
  covered: string;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #leaseTtlMs: number;
  #task: ScheduledTask | undefined;
  #stopped = false;
  #lease: Lease | null = null;
  /** The lease check in progress; concurrent callers share it, so two renewals never race. */
  #leaseCheck: Promise<boolean> | undefined;
  /** The tick in progress; another tick meanwhile only renews the lease. */
  #inFlight: Promise<ScheduledRun[]> | undefined;
  /**
   * Failing targets, and the whole run when `deliver` rejects (arXiv down), wait before the next attempt:
   * 1 minute after the first failure, doubling up to an hour, so a channel the bot was removed from or an
   * outage is not hammered every minute. Kept in memory: a new leader retries at once, then backs off too.
   */
  readonly #backoff = new Map<TargetId | typeof ALL_TARGETS, { failures: number; notBefore: number }>();

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#logger = options.logger ?? silentLogger;
    this.#leaseTtlMs = options.leaseTtlMs ?? 90_000;
  }

  /** Ticks now (catching up whatever is overdue), then at the start of every minute. */
  start(): void {
    if (this.#task) return;
    this.#stopped = false;
    const logger = this.#logger;
    this.#task = cron.schedule(EVERY_MINUTE, () => this.#tickLogged(), {
      name: 'arxiv-digest scheduler',
      timezone: 'UTC',
      logger: {
        info: (message) => logger.info(message),
        warn: (message) => logger.warn(message),
        error: (message, error) => logger.error({ err: error ?? message }, String(message)),
        debug: (message, error) => logger.debug({ err: error }, String(message)),
      },
    });
    void this.#tickLogged();
  }

  /**
   * Stops ticking, waits for the run in flight (the caller bounds the wait), and releases the leader lease so
   * another replica takes over at once rather than after the lease expires.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#task?.destroy();
    this.#task = undefined;
    await this.#inFlight?.catch(() => undefined);
    await this.#leaseCheck?.catch(() => undefined);
    const lease = this.#lease;
    this.#lease = null;
    if (lease) await this.#options.leases.release(lease);
  }

  /**
   * One look at the schedule: if this replica leads, delivers the runs that are due at `now` and returns
   * them; returns none when another replica leads, when the previous tick is still running, or after
   * `stop()`. Store failures reject.
   */
  async tick(now: Date = this.#now()): Promise<ScheduledRun[]> {
    if (this.#stopped) return [];
    if (this.#inFlight) {
      this.#logger.warn('the previous scheduled run is still going; skipping this tick');
      await this.#holdLease();
      return [];
    }
    const run = this.#run(now);
    this.#inFlight = run;
    try {
      return await run;
    } finally {
      this.#inFlight = undefined;
    }
  }

  async #tickLogged(): Promise<void> {
    try {
      await this.tick();
    } catch (error) {
      this.#logger.error({ err: error }, 'scheduler tick failed; trying again at the next minute');
    }
  }

  async #run(now: Date): Promise<ScheduledRun[]> {
    if (!(await this.#holdLease())) return [];
    const subscriptions = await this.#options.subscriptions();
    // Weekly rollups need no arXiv listing: they run even while the daily digests back off. Their failure
    // (the store, say) is logged and tried at the next tick; it never keeps the digests from running.
    try {
      await this.#runWeekly(now, subscriptions);
    } catch (error) {
      this.#logger.error({ err: error }, 'could not run the weekly rollups; trying again at the next tick');
    }
    if (this.#waiting(ALL_TARGETS, now)) return [];
    const runs = (await this.#dueRuns(now, subscriptions)).filter(
      (run) => !this.#waiting(run.subscription.target, now),
    );
    if (runs.length === 0) return runs;
    this.#logger.info(
      { runs: runs.length, latestAnnouncement: latestAnnouncement(now).announced },
      'scheduled digests are due',
    );
    let report: DeliveryReport;
    try {
      report = await this.#options.deliver(runs);
    } catch (error) {
      const retryAt = this.#failed(ALL_TARGETS, now);
      this.#logger.error(
        { err: error, runs: runs.length, retryAt },
        'scheduled digests failed; trying again later',
      );
      return runs;
    }
    this.#backoff.delete(ALL_TARGETS);
    const failed = new Set<TargetId>();
    for (const { target, error, retryInMs } of report.failed) {
      failed.add(target);
      const retryAt = this.#failed(target, now, retryInMs);
      this.#logger.warn({ err: error, target, retryAt }, 'a scheduled digest failed; trying again later');
    }
    for (const run of runs) {
      if (failed.has(run.subscription.target)) continue;
      this.#backoff.delete(run.subscription.target);
      try {
        await this.#mark(run);
      } catch (error) {
        // Unmarked, the run comes again at the next tick, and the delivery log keeps it from posting twice.
        this.#logger.error(
          { err: error, target: run.subscription.target },
          'could not record a scheduled run',
        );
      }
    }
    return runs;
  }

  /**
   * The weekly rollups due at `now`: the latest weekly instant of each target that has one on, not yet
   * covered by its mark nor before it was turned on. Missed while down, it is caught up at the next tick,
   * and one run covers however many instants were missed (a rollup is of the last complete week). Marked
   * once handled; a repeated run (a new leader) posts nothing twice: the rollup's log sees to that.
   */
  async #runWeekly(now: Date, all: readonly Subscription[]): Promise<void> {
    const deliverWeekly = this.#options.deliverWeekly;
    if (!deliverWeekly) return;
    const subscriptions = all.filter((subscription) => subscription.weekly !== undefined);
    if (subscriptions.length === 0) return;
    const marks = await this.#options.store
      .namespace<RunMark>(WEEKLY_RUNS_NAMESPACE)
      .getMany(subscriptions.map((subscription) => subscription.target));
    const runs: ScheduledRun[] = [];
    for (const [index, subscription] of subscriptions.entries()) {
      const { weekly, schedule, target } = subscription;
      if (!weekly || this.#waiting(`weekly|${target}`, now)) continue;
      try {
        const at = latestWeeklyInstant(now, {
          day: weekly.day,
          time: weekly.time,
          timeZone: schedule.timeZone,
        });
        const mark = readRecord<RunMark>(marks[index], RUN_SCHEMA, 'weekly run', this.#logger);
        const since = Date.parse(weekly.since);
        const covered = Math.max(
          mark ? Date.parse(mark.covered) : Number.NEGATIVE_INFINITY,
          Number.isNaN(since) ? Number.NEGATIVE_INFINITY : since,
        );
        if (at.getTime() > covered) runs.push({ subscription, scheduledFor: at });
      } catch (error) {
        this.#logger.warn({ err: error, target }, 'skipping a weekly rollup whose schedule cannot be read');
      }
    }
    if (runs.length === 0) return;
    this.#logger.info({ runs: runs.length }, 'weekly rollups are due');
    let report: DeliveryReport;
    try {
      report = await deliverWeekly(runs);
    } catch (error) {
      for (const run of runs) this.#failed(`weekly|${run.subscription.target}`, now);
      this.#logger.error({ err: error, runs: runs.length }, 'weekly rollups failed; trying again later');
      return;
    }
    const failed = new Set<TargetId>();
    for (const { target, error, retryInMs } of report.failed) {
      failed.add(target);
      const retryAt = this.#failed(`weekly|${target}`, now, retryInMs);
      this.#logger.warn({ err: error, target, retryAt }, 'a weekly rollup failed; trying again later');
    }
    for (const run of runs) {
      if (failed.has(run.subscription.target)) continue;
      this.#backoff.delete(`weekly|${run.subscription.target}`);
      try {
        await this.#mark(run, WEEKLY_RUNS_NAMESPACE);
      } catch (error) {
        this.#logger.error({ err: error, target: run.subscription.target }, 'could not record a weekly run');
      }
    }
  }

  async #dueRuns(now: Date, subscriptions: readonly Subscription[]): Promise<ScheduledRun[]> {
    if (subscriptions.length === 0) return [];
    const marks = await this.#options.store
      .namespace<RunMark>(RUNS_NAMESPACE)
      .getMany(subscriptions.map((subscription) => subscription.target));
    // Most targets share a few schedules; each is worked out once per tick.
    const latest = new Map<string, number>();
    const runs: ScheduledRun[] = [];
    for (const [index, subscription] of subscriptions.entries()) {
      const { time, timeZone } = subscription.schedule;
      try {
        const key = `${time} ${timeZone}`;
        let scheduledFor = latest.get(key);
        if (scheduledFor === undefined) {
          scheduledFor = latestScheduledInstant(now, subscription.schedule).getTime();
          latest.set(key, scheduledFor);
        }
        if (scheduledFor > this.#coveredUntil(subscription, marks[index])) {
          runs.push({ subscription, scheduledFor: new Date(scheduledFor) });
        }
      } catch (error) {
        this.#logger.warn(
          { err: error, target: subscription.target, schedule: subscription.schedule },
          'skipping a subscription whose schedule cannot be read',
        );
      }
    }
    return runs;
  }

  #waiting(key: TargetId | typeof ALL_TARGETS, now: Date): boolean {
    return (this.#backoff.get(key)?.notBefore ?? 0) > now.getTime();
  }

  /** Counts a failure and returns when to try again. */
  #failed(key: TargetId | typeof ALL_TARGETS, now: Date, retryInMs?: number): string {
    const failures = (this.#backoff.get(key)?.failures ?? 0) + (retryInMs === undefined ? 1 : 0);
    const delay = retryInMs ?? Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** (failures - 1));
    const notBefore = now.getTime() + delay;
    this.#backoff.set(key, { failures, notBefore });
    return new Date(notBefore).toISOString();
  }

  /** The instant up to which a target needs no run: its last run's, or its creation. */
  #coveredUntil(subscription: Subscription, raw: unknown): number {
    const mark = readRecord<RunMark>(raw, RUN_SCHEMA, 'schedule run', this.#logger);
    const covered = mark ? Date.parse(mark.covered) : Number.NEGATIVE_INFINITY;
    // An unreadable creation time must not silence a subscription forever.
    const created = Date.parse(subscription.createdAt);
    return Math.max(covered, Number.isNaN(created) ? Number.NEGATIVE_INFINITY : created);
  }

  /** Records that `run` was handled, never moving a target's mark backwards (compare-and-set). */
  async #mark(run: ScheduledRun, namespace = RUNS_NAMESPACE): Promise<void> {
    const atomic = this.#options.store.atomic(namespace);
    const { target } = run.subscription;
    const mark: RunMark = { schemaVersion: RUN_SCHEMA, covered: run.scheduledFor.toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await atomic.getVersioned<unknown>(target);
      if (!current) {
        if (await atomic.add(target, mark, RUN_MARK_TTL_MS)) return;
        continue;
      }
      const stored = readRecord<RunMark>(current.value, RUN_SCHEMA, 'schedule run', this.#logger);
      if (stored && Date.parse(stored.covered) >= run.scheduledFor.getTime()) return;
      if (await atomic.setIfVersion(target, mark, current.version, RUN_MARK_TTL_MS)) return;
    }
    throw new Error(`The run mark of ${target} kept changing under three compare-and-set attempts.`);
  }

  /** True if this replica holds the leader lease after renewing it, or taking it when free. */
  #holdLease(): Promise<boolean> {
    this.#leaseCheck ??= this.#renewOrAcquire().finally(() => {
      this.#leaseCheck = undefined;
    });
    return this.#leaseCheck;
  }

  async #renewOrAcquire(): Promise<boolean> {
    const { leases, holder } = this.#options;
    const previous = this.#lease;
    let lease = previous && (await leases.renew(previous, this.#leaseTtlMs));
    lease ??= await leases.acquire(LEADER_LEASE, holder, this.#leaseTtlMs);
    this.#lease = lease;
    if (lease && !previous) this.#logger.info({ holder }, 'this replica now runs the schedule');
    if (!lease && previous) this.#logger.warn({ holder }, 'another replica took over the schedule');
    return lease !== null;
  }
}
