import { randomUUID } from 'node:crypto';
import type {
  AdapterHealth,
  ChatAdapter,
  CommandEvent,
  Platform,
  ReactionEvent,
  TargetId,
  Visibility,
} from '../chat/types.ts';
import type { Config } from '../config/schema.ts';
import type { Engine } from '../engine.ts';
import { isAppError, problemText } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DeliveryReport, ScheduledRun } from '../schedule/scheduler.ts';
import { type DeliveryRecord, DeliveryRepository } from '../store/repositories/deliveries.ts';
import { FeedTokenRepository } from '../store/repositories/feeds.ts';
import { LeaseRepository } from '../store/repositories/leases.ts';
import { MessageRepository } from '../store/repositories/messages.ts';
import { PaperRepository } from '../store/repositories/papers.ts';
import { type Subscription, SubscriptionRepository } from '../store/repositories/subscriptions.ts';
import { VoteRepository } from '../store/repositories/votes.ts';
import type { Store } from '../store/store.ts';
import { AdapterRegistry, platformOf } from './adapters.ts';
import type { Command } from './commands/command.ts';
import { parseCommand } from './commands/grammar.ts';
import { type CommandServices, handleCommand } from './commands/handlers.ts';
import { commandFromOptions } from './commands/options.ts';
import { answerVisibility } from './commands/table.ts';
import { type DeliveryOutcome, DigestDelivery, PlanningRound } from './delivery.ts';
import { type FeedbackServices, recordFeedback } from './feedback.ts';
import { ListingService } from './listing.ts';
import { handleReaction, type ReactionServices } from './reactions.ts';
import { problemMessage } from './render.ts';
import { SearchService } from './search.ts';
import { seedSubscriptions } from './subscriptions.ts';
import { isUnreachable, markUnreachable, takeUnreachableNotice } from './unreachable.ts';
import { WeeklyRollup } from './weekly.ts';

export interface BotOptions {
  config: Config;
  engine: Engine;
  store: Store;
  adapters: readonly ChatAdapter[];
  logger: Logger;
  metrics?: Metrics;
  /** The public base URL of the HTTP server, for feed links. */
  publicUrl: string;
  /** Targets to seed with the config's keywords besides config.json's `channels` (the shell's channel). */
  seedTargets?: readonly TargetId[];
  /** When a subscription's next digest is due (the scheduler's calendar). */
  nextRun?: (subscription: Subscription) => Date | null;
  now?: () => Date;
  /** This process's id for leases; random by default. */
  holder?: string;
  /** How long a target's delivery lease lasts unless renewed; see DigestDeliveryOptions. */
  leaseTtlMs?: number;
  /** Called once a digest is completely delivered; see DigestDeliveryOptions. */
  onDelivered?: (record: DeliveryRecord) => Promise<void>;
  /**
   * A command still working after this long says what it is doing before it answers (a digest being
   * summarized, a summary, a search while arXiv is slow); quicker ones answer once. Default 2000 ms.
   */
  progressAfterMs?: number;
}

export interface TargetOutcome {
  target: TargetId;
  outcome: DeliveryOutcome | null;
  /** Set when the delivery to this target failed; the scheduler tries it again later. */
  error: unknown;
}

/**
 * The platform-neutral bot: adapters hand it commands and reactions; the scheduler asks it to deliver.
 * Every rule lives here and in the modules it wires together; adapters only translate.
 */
export class Bot {
  readonly subscriptions: SubscriptionRepository;
  readonly deliveries: DeliveryRepository;
  readonly feeds: FeedTokenRepository;
  readonly listings: ListingService;
  readonly adapters: AdapterRegistry;
  readonly #options: BotOptions;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #commands: CommandServices;
  readonly #reactions: ReactionServices;
  readonly #feedback: FeedbackServices;
  readonly #delivery: DigestDelivery;
  /** The weekly rollups (`/arxiv weekly`), run by the scheduler through `runWeekly`. */
  readonly weekly: WeeklyRollup;
  #lastDigestAt: Date | null = null;

  constructor(options: BotOptions) {
    const { config, engine, store, logger } = options;
    this.#options = options;
    this.#logger = logger;
    this.#now = options.now ?? (() => new Date());
    const messages = new MessageRepository(store, logger);
    const votes = new VoteRepository(store, logger);
    this.subscriptions = new SubscriptionRepository(store, logger);
    this.deliveries = new DeliveryRepository(store, logger);
    this.feeds = new FeedTokenRepository(store);
    this.adapters = new AdapterRegistry(options.adapters);
    this.listings = new ListingService({
      engine,
      papers: new PaperRepository(store, config.index_days, logger),
      days: config.index_days,
      logger,
      now: this.#now,
    });
    const holder = options.holder ?? randomUUID();
    this.weekly = new WeeklyRollup({
      store,
      adapters: this.adapters,
      deliveries: this.deliveries,
      messages,
      votes,
      leases: new LeaseRepository(store),
      holder,
      logger,
      now: this.#now,
      ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    });
    this.#delivery = new DigestDelivery({
      engine,
      adapters: this.adapters,
      deliveries: this.deliveries,
      messages,
      leases: new LeaseRepository(store),
      votes,
      holder,
      summaryEmoji: config.summary_emoji,
      logger,
      metrics: options.metrics,
      now: this.#now,
      // Every completed delivery counts for /healthz, on demand (/arxiv digest) as well as scheduled.
      onDelivered: async (record) => {
        this.#lastDigestAt = this.#now();
        await options.onDelivered?.(record);
      },
      ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    });
    this.#commands = {
      config,
      engine,
      adapters: this.adapters,
      subscriptions: this.subscriptions,
      listings: this.listings,
      search: new SearchService(engine, this.listings, logger),
      delivery: this.#delivery,
      deliveries: this.deliveries,
      feeds: this.feeds,
      publicUrl: options.publicUrl,
      nextRun: options.nextRun ?? (() => null),
      now: this.#now,
      progressAfterMs: options.progressAfterMs ?? 2000,
      votes,
      logger,
    };
    this.#reactions = {
      engine,
      adapters: this.adapters,
      listings: this.listings,
      messages,
      summaryEmoji: config.summary_emoji,
      citeEmoji: config.cite_emoji,
      logger,
      now: this.#now,
    };
    this.#feedback = {
      votes,
      messages,
      listings: this.listings,
      likeEmoji: config.feedback.like_emoji,
      dislikeEmoji: config.feedback.dislike_emoji,
      logger,
      metrics: options.metrics,
      now: this.#now,
    };
  }

  /**
   * Seeds config.json's channels, connects every adapter, and reloads the recent papers in the background
   * (searches wait for them; nothing else does).
   */
  async start(): Promise<void> {
    const seeded = await seedSubscriptions(
      this.#options.config,
      this.subscriptions,
      this.#options.seedTargets ?? [],
      this.#now(),
      this.#logger,
    );
    this.#logger.info({ seeded }, 'subscriptions seeded');
    for (const { target } of this.#options.config.channels) {
      if (!this.adapters.find(target)) {
        this.#logger.warn(
          { target },
          `config.json's channels name ${target}, but no ${platformOf(target)} connection runs here: it gets no digest`,
        );
      }
    }
    this.listings.loadRecent().then(
      (papers) => this.#logger.info({ papers }, 'recent papers loaded for search'),
      (error: unknown) => this.#logger.error({ err: error }, 'could not load the recent papers for search'),
    );
    for (const adapter of this.adapters.all) {
      await adapter.start({
        onCommand: (event) => this.onCommand(event),
        onReaction: (event) => this.onReaction(event),
      });
      this.#logger.info({ platform: adapter.platform, detail: adapter.health().detail }, 'adapter started');
    }
  }

  /** Disconnects the adapters; each lets a post in flight finish. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.adapters.all.map((adapter) => adapter.stop()));
  }

  /**
   * Runs a command: parses it (unless the adapter gave it parsed), tells the adapter who will see the
   * answer (`acknowledge`, once, before the work), runs it, and answers any problem privately.
   */
  async onCommand(event: CommandEvent): Promise<void> {
    const started = performance.now();
    let command = 'invalid';
    let outcome = 'ok';
    let acknowledged = false;
    const acknowledge = async (visibility: Visibility) => {
      if (acknowledged) return;
      acknowledged = true;
      await event.acknowledge?.(visibility);
    };
    try {
      const { parsed, share } = readCommand(event);
      command = parsed.kind;
      const visibility = answerVisibility(parsed, share);
      await handleCommand(parsed, { event, visibility, acknowledge }, this.#commands);
    } catch (error) {
      outcome = isAppError(error) ? error.kind : 'bug';
      await acknowledge('private').catch((reason: unknown) => {
        this.#logger.warn({ err: reason }, 'could not acknowledge a command');
      });
      await this.#answerProblem(event, error);
    } finally {
      await this.#tellUnreachable(event);
      const labels = { platform: event.platform, command };
      this.#options.metrics?.commands.inc({ ...labels, outcome });
      this.#options.metrics?.commandSeconds.observe(labels, (performance.now() - started) / 1000);
    }
  }

  async onReaction(event: ReactionEvent): Promise<void> {
    await recordFeedback(event, this.#feedback);
    // Taking the summary emoji off again leaves the summary where it is.
    if (event.action === 'removed') return;
    try {
      const outcome = await handleReaction(event, this.#reactions);
      this.#options.metrics?.reactions.inc({ platform: event.platform, outcome });
      this.#logger.debug({ message: event.message, outcome }, 'reaction handled');
    } catch (error) {
      this.#options.metrics?.reactions.inc({ platform: event.platform, outcome: 'failed' });
      this.#logger.error({ err: error, message: event.message }, 'could not post a summary for a reaction');
    }
  }

  /**
   * Delivers each subscription's newest undelivered digest. One combined listing request serves them all;
   * targets are delivered several at a time, and one target's failure does not stop the others.
   * Rejects only when the listing cannot be had (arXiv down): then no target was attempted.
   */
  async deliverScheduled(subscriptions: readonly Subscription[]): Promise<TargetOutcome[]> {
    const active = subscriptions.filter(
      (subscription) =>
        subscription.query !== null &&
        !subscription.unreachable &&
        this.adapters.find(subscription.target) !== null,
    );
    if (active.length === 0) return [];
    const listing = await this.listings.latest([...new Set(active.flatMap((s) => s.categories))]);
    if (!listing)
      return active.map((subscription) => ({ target: subscription.target, outcome: null, error: null }));
    // Every due target at once: each plans its digest first, then all post side by side; the adapters
    // bound their calls in flight and pace each channel, so targets need no bound of their own here.
    const round = new PlanningRound(active.length);
    return Promise.all(
      active.map(async (subscription): Promise<TargetOutcome> => {
        try {
          const outcome = await this.#delivery.deliver(subscription, listing, round.turn());
          return { target: subscription.target, outcome, error: null };
        } catch (error) {
          if (isUnreachable(subscription.target, error)) {
            // Not retried: the user is told at their next command (unreachable.ts).
            this.#logger.warn(
              { err: error, target: subscription.target },
              'the platform refused a digest DM',
            );
            await markUnreachable(this.subscriptions, subscription.target, error, this.#now());
            return { target: subscription.target, outcome: null, error: null };
          }
          this.#logger.error({ err: error, target: subscription.target }, 'digest delivery failed');
          return { target: subscription.target, outcome: null, error };
        }
      }),
    );
  }

  /** `deliverScheduled` for the scheduler: the runs to try again, a busy target at the very next tick. */
  async runScheduled(runs: readonly ScheduledRun[]): Promise<DeliveryReport> {
    const outcomes = await this.deliverScheduled(runs.map((run) => run.subscription));
    return {
      failed: outcomes.flatMap((entry) => {
        if (entry.error !== null) return [{ target: entry.target, error: entry.error }];
        if (entry.outcome?.status === 'busy') {
          return [{ target: entry.target, error: 'another process is delivering to it', retryInMs: 0 }];
        }
        return [];
      }),
    };
  }

  /**
   * The weekly rollups for the scheduler: each run's target gets the rollup of the last complete week before
   * its scheduled instant, all side by side; the runs to try again are those that failed or were busy.
   */
  async runWeekly(runs: readonly ScheduledRun[]): Promise<DeliveryReport> {
    const active = runs.filter(
      ({ subscription }) => !subscription.unreachable && this.adapters.find(subscription.target) !== null,
    );
    const failed = await Promise.all(
      active.map(async ({ subscription, scheduledFor }): Promise<DeliveryReport['failed']> => {
        const { target } = subscription;
        try {
          const outcome = await this.weekly.deliver(subscription, scheduledFor);
          return outcome.status === 'busy'
            ? [{ target, error: 'another process is posting its weekly rollup', retryInMs: 0 }]
            : [];
        } catch (error) {
          if (isUnreachable(target, error)) {
            this.#logger.warn({ err: error, target }, 'the platform refused a weekly rollup DM');
            await markUnreachable(this.subscriptions, target, error, this.#now());
            return [];
          }
          this.#logger.error({ err: error, target }, 'weekly rollup failed');
          return [{ target, error }];
        }
      }),
    );
    return { failed: failed.flat() };
  }

  health(): { adapters: Array<AdapterHealth & { platform: Platform }>; lastDigestAt: Date | null } {
    return {
      adapters: this.adapters.all.map((adapter) => ({ platform: adapter.platform, ...adapter.health() })),
      lastDigestAt: this.#lastDigestAt,
    };
  }

  /** Tells a user whose digest DM the platform refused, once, after whatever command they typed. */
  async #tellUnreachable(event: CommandEvent): Promise<void> {
    try {
      const notice = await takeUnreachableNotice(this.subscriptions, event.user);
      if (notice) await event.respond(notice, 'private');
    } catch (error) {
      this.#logger.warn(
        { err: error, user: event.user },
        'could not tell a user their digest DM was refused',
      );
    }
  }

  /** Answers a problem privately, in the words and with the closing advice of `problemText` (src/errors.ts). */
  async #answerProblem(event: CommandEvent, error: unknown): Promise<void> {
    if (!isAppError(error))
      this.#logger.error({ err: error, text: event.text }, 'a command failed with a bug');
    else if (error.kind === 'external')
      this.#logger.warn({ err: error, text: event.text }, 'a command failed on a service');
    await event.respond(problemMessage(problemText(error)), 'private').catch((reason: unknown) => {
      this.#logger.warn({ err: reason }, 'could not answer a command');
    });
  }
}

/** The command of an event: given by the adapter (typed commands), or parsed from its text. */
function readCommand(event: CommandEvent): { parsed: Command; share: boolean } {
  if (event.typed) {
    const { name, scope, options, share } = event.typed;
    return { parsed: commandFromOptions(name, scope, options), share };
  }
  const { text, share } = splitShareFlag(event.text);
  return { parsed: parseCommand(text), share };
}

/** `--share` at the end of a command shows the answer to the channel instead of the user alone. */
export function splitShareFlag(text: string): { text: string; share: boolean } {
  const match = /(^|\s)--share\s*$/i.exec(text);
  return match ? { text: text.slice(0, match.index), share: true } : { text, share: false };
}
