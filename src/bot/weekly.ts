import type { MessageRef, OutboundMessage, TargetId } from '../chat/types.ts';
import type { Logger } from '../log.ts';
import { previousWeek, type RollupWeek } from '../schedule/calendar.ts';
import type { DeliveryRepository } from '../store/repositories/deliveries.ts';
import type { LeaseRepository } from '../store/repositories/leases.ts';
import type { MessageRepository } from '../store/repositories/messages.ts';
import { key, readRecord } from '../store/repositories/records.ts';
import type { Subscription } from '../store/repositories/subscriptions.ts';
import type { VoteRepository } from '../store/repositories/votes.ts';
import type { AtomicNamespace, Store } from '../store/store.ts';
import type { AdapterRegistry } from './adapters.ts';
import { DeliveryTakenOver, LeaseKeeper } from './delivery.ts';
import { plainMessage } from './render.ts';

/*
 * The weekly rollup (`/arxiv weekly on`, issue 14): once a week, one message in the target (a root, then
 * thread replies, as a digest: Slack's thread, Discord's thread or forum post) with the papers of the last
 * complete week (Monday to Sunday in the target's time zone) liked most and summarized most, and the week's
 * numbers. A week with nothing (no digest delivered, no vote, no summary) posts nothing.
 *
 * Exactly once per target and week, the way DigestDelivery keeps a digest (delivery.ts): the rollup is
 * planned and frozen in a log keyed by (target, ISO week) before the first post; every post carries an
 * idempotency key (target, week, part); the log is advanced with a compare-and-set right after each post; a
 * per-target lease (renewed by delivery.ts's LeaseKeeper) keeps two processes from posting at once. A run
 * that finds an unfinished log resumes it, and the one post that can have gone out unrecorded (the first
 * pending: a crash between the post and the log's write) is looked up on the platform (`findPosted`) first.
 */

const WEEKLY_SCHEMA = 1;
/** Logs are kept long enough that a week is never rolled up twice (a run looks at the last week only). */
const KEEP_MS = 60 * 24 * 60 * 60 * 1000;
/** How many papers each list shows. */
const LIST_LENGTH = 5;

/** A paper with how often it was liked, summarized (or asked about). */
export interface RollupPaper {
  paperId: string;
  title: string | null;
  count: number;
}

/** What a week was in a target: the numbers and the lists of the rollup. */
export interface WeekRollup {
  week: RollupWeek;
  digests: number;
  papersPosted: number;
  votes: number;
  summaries: number;
  likedMost: RollupPaper[];
  summarizedMost: RollupPaper[];
  /**
   * The papers asked about most. Questions about papers do not exist yet: null until they do (then the
   * rollup counts them here, and renders a list as for the others). Never filled with made-up data.
   */
  askedMost: RollupPaper[] | null;
}

/** The frozen plan and progress of one target's rollup of one week. */
interface WeeklyLog {
  schemaVersion: typeof WEEKLY_SCHEMA;
  target: TargetId;
  week: string;
  /** The messages to post: root, then the thread replies. Null for a week with nothing: nothing is posted. */
  plan: { root: OutboundMessage; replies: OutboundMessage[] } | null;
  root: MessageRef | null;
  /** The replies posted so far, in plan order. */
  posted: MessageRef[];
  startedAt: string;
  completedAt: string | null;
}

interface Versioned {
  log: WeeklyLog;
  version: string;
}

export type WeeklyOutcome =
  | { status: 'delivered'; week: string; root: MessageRef; resumed: boolean }
  | { status: 'already-delivered'; week: string }
  /** The week had nothing to roll up: nothing was posted, and the week counts as done. */
  | { status: 'empty'; week: string }
  | { status: 'off' }
  /** Another process is posting this target's rollup right now. */
  | { status: 'busy' };

export interface WeeklyRollupOptions {
  store: Store;
  adapters: AdapterRegistry;
  deliveries: DeliveryRepository;
  messages: MessageRepository;
  votes: VoteRepository;
  leases: LeaseRepository;
  holder: string;
  logger: Logger;
  now?: () => Date;
  leaseTtlMs?: number;
}

export class WeeklyRollup {
  readonly #options: WeeklyRollupOptions;
  readonly #atomic: AtomicNamespace;
  readonly #now: () => Date;
  readonly #leaseTtlMs: number;

  constructor(options: WeeklyRollupOptions) {
    this.#options = options;
    this.#atomic = options.store.atomic('weekly-deliveries');
    this.#now = options.now ?? (() => new Date());
    this.#leaseTtlMs = options.leaseTtlMs ?? 20_000;
  }

  /** Rolls up, for `subscription`, the last complete week before `at` (its scheduled instant). */
  async deliver(subscription: Subscription, at: Date): Promise<WeeklyOutcome> {
    if (!subscription.weekly) return { status: 'off' };
    const { leases, holder, logger } = this.#options;
    const { target } = subscription;
    const week = previousWeek(at, subscription.schedule.timeZone);
    const existing = await this.#get(target, week.id);
    if (existing?.log.completedAt) return finished(existing.log);

    const lease = await leases.acquire(`weekly|${target}`, holder, this.#leaseTtlMs);
    if (!lease) return { status: 'busy' };
    const keeper = new LeaseKeeper(leases, lease, this.#leaseTtlMs, logger);
    try {
      let state = await this.#get(target, week.id);
      const resumed = state !== undefined;
      if (!state) {
        const planned = await this.#plan(target, week);
        if (!planned) return { status: 'busy' };
        state = planned;
      }
      if (state.log.completedAt) return finished(state.log);
      if (resumed) logger.info({ target, week: week.id }, 'resuming an unfinished weekly rollup');
      return await this.#post(state, resumed, keeper);
    } catch (error) {
      if (error instanceof DeliveryTakenOver) {
        logger.warn({ target, week: week.id, reason: error.message }, 'another process took over a rollup');
        return { status: 'busy' };
      }
      throw error;
    } finally {
      await keeper.stop();
      await leases.release(keeper.lease).catch((error: unknown) => {
        logger.warn({ err: error, target }, 'could not release a rollup lease; it will expire');
      });
    }
  }

  /** What the week was in `target` (votes, recorded summaries, delivery logs). */
  async rollup(target: TargetId, week: RollupWeek): Promise<WeekRollup> {
    const { deliveries, votes, messages } = this.#options;
    const inWeek = (time: number) => time >= week.start.getTime() && time < week.end.getTime();
    const titles = new Map<string, string>();

    let digests = 0;
    let papersPosted = 0;
    // A digest counts in the week it was completed, whatever its announcement date (an old announcement
    // delivered late, a catch-up): every remembered delivery (at most 60) is read, once a week.
    for (const announced of await deliveries.history(target)) {
      const delivery = await deliveries.get(target, announced);
      const completed = delivery?.record.completedAt ? Date.parse(delivery.record.completedAt) : Number.NaN;
      if (!delivery || !inWeek(completed) || delivery.record.digest.papers.length === 0) continue;
      digests += 1;
      papersPosted += Object.keys(delivery.record.posted).length;
      for (const { paper } of delivery.record.digest.papers) titles.set(paper.id, paper.title);
    }

    const weekVotes = (await votes.inTarget(target, week.start)).filter((vote) => inWeek(vote.at.getTime()));
    const likes = new Map<string, number>();
    for (const vote of weekVotes) {
      if (vote.title) titles.set(vote.paperId, vote.title);
      if (vote.kind === 'like') likes.set(vote.paperId, (likes.get(vote.paperId) ?? 0) + 1);
    }
    const summaryIds = await messages.summariesIn(target, week.start, week.end);
    const summarized = new Map<string, number>();
    for (const id of summaryIds) summarized.set(id, (summarized.get(id) ?? 0) + 1);

    const most = (counts: Map<string, number>): RollupPaper[] =>
      [...counts]
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
        .slice(0, LIST_LENGTH)
        .map(([paperId, count]) => ({ paperId, title: titles.get(paperId) ?? null, count }));

    return {
      week,
      digests,
      papersPosted,
      votes: weekVotes.length,
      summaries: summaryIds.length,
      likedMost: most(likes),
      summarizedMost: most(summarized),
      askedMost: null,
    };
  }

  async #plan(target: TargetId, week: RollupWeek): Promise<Versioned | null> {
    const rollup = await this.rollup(target, week);
    const now = this.#now().toISOString();
    const plan = isEmpty(rollup) ? null : rollupMessages(rollup);
    const log: WeeklyLog = {
      schemaVersion: WEEKLY_SCHEMA,
      target,
      week: week.id,
      plan,
      root: null,
      posted: [],
      startedAt: now,
      completedAt: plan === null ? now : null,
    };
    if (!(await this.#atomic.add(key(target, week.id), log, KEEP_MS))) return null;
    return (await this.#get(target, week.id)) ?? null;
  }

  async #post(state: Versioned, resumed: boolean, keeper: LeaseKeeper): Promise<WeeklyOutcome> {
    const { target, week, plan } = state.log;
    if (!plan) return { status: 'empty', week };
    const adapter = this.#options.adapters.forTarget(target);
    let current = state;
    let checkPlatform = resumed;
    const once = async (postKey: string, thread: MessageRef | undefined, message: OutboundMessage) => {
      keeper.check();
      const found = checkPlatform ? await adapter.findPosted(target, postKey, thread) : null;
      checkPlatform = false;
      return found ?? (await adapter.post(target, message, { thread, idempotencyKey: postKey }));
    };

    let root = current.log.root;
    if (!root) {
      root = await once(`${target}|weekly|${week}|root`, undefined, plan.root);
      current = await this.#advance(current, { ...current.log, root });
    }
    for (let index = current.log.posted.length; index < plan.replies.length; index++) {
      const reply = plan.replies[index];
      if (!reply) break;
      const ref = await once(`${target}|weekly|${week}|${index}`, root, reply);
      const posted = [...current.log.posted, ref];
      const done = posted.length === plan.replies.length ? { completedAt: this.#now().toISOString() } : {};
      current = await this.#advance(current, { ...current.log, posted, ...done });
    }
    if (!current.log.completedAt) {
      current = await this.#advance(current, { ...current.log, completedAt: this.#now().toISOString() });
    }
    this.#options.logger.info({ target, week, resumed }, 'weekly rollup delivered');
    return { status: 'delivered', week, root, resumed };
  }

  async #get(target: TargetId, week: string): Promise<Versioned | undefined> {
    const found = await this.#atomic.getVersioned<unknown>(key(target, week));
    if (!found) return undefined;
    const log = readRecord<WeeklyLog>(found.value, WEEKLY_SCHEMA, 'weekly rollup', this.#options.logger);
    return log ? { log, version: found.version } : undefined;
  }

  /** Compare-and-set of the log, read back to pair the record with its own version (as deliveries.ts). */
  async #advance(previous: Versioned, log: WeeklyLog): Promise<Versioned> {
    const id = key(log.target, log.week);
    const written = await this.#atomic.setIfVersion(id, log, previous.version, KEEP_MS);
    const next = written ? await this.#atomic.getVersioned<WeeklyLog>(id) : undefined;
    if (!next || JSON.stringify(next.value) !== JSON.stringify(log)) {
      throw new DeliveryTakenOver('the weekly rollup log was changed by another process');
    }
    return { log, version: next.version };
  }
}

function finished(log: WeeklyLog): WeeklyOutcome {
  return log.plan === null
    ? { status: 'empty', week: log.week }
    : { status: 'already-delivered', week: log.week };
}

/** A week with nothing to say: no digest, no vote, no summary (and no question, once they exist). */
export function isEmpty(rollup: WeekRollup): boolean {
  return (
    rollup.digests === 0 &&
    rollup.votes === 0 &&
    rollup.summaries === 0 &&
    rollup.likedMost.length === 0 &&
    (rollup.askedMost?.length ?? 0) === 0
  );
}

const plural = (count: number, word: string) =>
  `${count} ${count === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;

/** The rollup as a root message (the numbers) and one thread reply per non-empty list. */
export function rollupMessages(rollup: WeekRollup): { root: OutboundMessage; replies: OutboundMessage[] } {
  const { week } = rollup;
  const root = plainMessage(
    [
      `Weekly rollup, ${week.first} to ${week.last} (${week.id})`,
      `${plural(rollup.digests, 'digest')} delivered, ${plural(rollup.papersPosted, 'paper')} posted, ${plural(rollup.votes, 'vote')}, ${plural(rollup.summaries, 'summary')}.`,
    ].join('\n'),
  );
  const list = (heading: string, papers: readonly RollupPaper[], what: string) =>
    plainMessage(
      [
        heading,
        ...papers.map(
          (paper, index) =>
            `${index + 1}. ${paper.title ?? paper.paperId} (${plural(paper.count, what)}) https://arxiv.org/abs/${paper.paperId}`,
        ),
      ].join('\n'),
    );
  const replies: OutboundMessage[] = [];
  if (rollup.likedMost.length > 0) replies.push(list('Liked most', rollup.likedMost, 'like'));
  if (rollup.summarizedMost.length > 0) {
    replies.push(list('Summarized most', rollup.summarizedMost, 'summary'));
  }
  if (rollup.askedMost && rollup.askedMost.length > 0) {
    replies.push(list('Asked about most', rollup.askedMost, 'question'));
  }
  return { root, replies };
}
