import type { CommandEvent, OutboundMessage, TargetId, Visibility } from '../../chat/types.ts';
import type { Config } from '../../config/schema.ts';
import { formatKeywordQuery, type KeywordQuery, QUERY_LIMITS, type QueryTerm } from '../../digest/query.ts';
import type { Engine } from '../../engine.ts';
import { UserError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { DeliveryRepository } from '../../store/repositories/deliveries.ts';
import type { FeedTokenRepository } from '../../store/repositories/feeds.ts';
import type { Subscription, SubscriptionRepository } from '../../store/repositories/subscriptions.ts';
import type { VoteRepository } from '../../store/repositories/votes.ts';
import type { AdapterRegistry } from '../adapters.ts';
import type { DeliveryOutcome, DigestDelivery } from '../delivery.ts';
import { topMessage } from '../feedback.ts';
import type { ListingService } from '../listing.ts';
import {
  citationMessage,
  digestProgressMessage,
  listingProgressMessage,
  plainMessage,
  searchProgressMessage,
  searchResultsMessage,
  settingsMessage,
  summaryMessage,
  summaryProgressMessage,
  weeklyWhen,
} from '../render.ts';
import type { SearchService } from '../search.ts';
import { newSubscription } from '../subscriptions.ts';
import type { Command, Scope } from './command.ts';
import { addAuthors, removeAuthors } from './follow.ts';
import { helpText } from './help.ts';
import { ProgressNote } from './progress.ts';
import { needsChannelManager } from './table.ts';
import { WEEKLY_DEFAULT } from './weekly.ts';

export interface CommandServices {
  config: Config;
  engine: Engine;
  adapters: AdapterRegistry;
  subscriptions: SubscriptionRepository;
  listings: ListingService;
  search: SearchService;
  delivery: DigestDelivery;
  deliveries: DeliveryRepository;
  feeds: FeedTokenRepository;
  /** The public base URL of the HTTP server, for feed links. */
  publicUrl: string;
  /** When a subscription's next digest is due, for `list`. */
  nextRun: (subscription: Subscription) => Date | null;
  now: () => Date;
  /** A command still working after this long says what it is doing (progress.ts). */
  progressAfterMs: number;
  /** The votes of reactions on papers, for `top` (src/bot/feedback.ts). */
  votes: VoteRepository;
  logger: Logger;
}

/** One command, with what it needs to answer: the event, and who sees the answer (`answerVisibility`). */
interface Request {
  event: CommandEvent;
  visibility: Visibility;
  /** Tells the adapter, once, who will see the answer; see CommandEvent.acknowledge. */
  acknowledge: (visibility: Visibility) => Promise<void>;
}

/**
 * Runs a parsed command and answers it once, with `request.visibility`: the bot computed it with
 * `answerVisibility` (table.ts), and the adapter is told it before the work begins, so the answer goes where
 * the adapter was told it would. Whether the user may run it is the table's word too (`needsChannelManager`),
 * checked before that, so a refusal is acknowledged as private, never shown to the channel. A command whose
 * work takes long (digest, summary, search while arXiv is slow) says what it is doing before the answer, in
 * progress notes with the same visibility (progress.ts). User mistakes and refusals are thrown as UserError
 * for the caller to answer, after any note.
 */
export async function handleCommand(
  command: Command,
  request: Request,
  services: CommandServices,
): Promise<void> {
  if (needsChannelManager(command)) await requireManage(services, request.event);
  await request.acknowledge(request.visibility);
  const progress = new ProgressNote(
    (note) => request.event.respond(note, request.visibility),
    services.progressAfterMs,
    services.logger,
  );
  let message: OutboundMessage;
  try {
    message = await run(command, request.event, services, progress);
  } finally {
    await progress.end();
  }
  await request.event.respond(message, request.visibility);
}

/** Does what the command asks and says what to answer; a long one says its stages to `progress`. */
async function run(
  command: Command,
  event: CommandEvent,
  services: CommandServices,
  progress: ProgressNote,
): Promise<OutboundMessage> {
  switch (command.kind) {
    case 'help':
      return plainMessage(helpText(command.topic ?? undefined, event.typed ? 'typed' : 'text'));

    case 'search': {
      progress.stage(searchProgressMessage(command.query));
      const outcome = await services.search.search(command.query);
      return searchResultsMessage(command.query, outcome.results, outcome.note);
    }

    case 'list': {
      const subscription = await current(services, event, command.scope);
      return settingsMessage({
        scope: command.scope,
        query: subscription.query,
        categories: subscription.categories,
        time: subscription.schedule.time,
        timeZone: subscription.schedule.timeZone,
        nextRun: subscription.query ? services.nextRun(subscription) : null,
        public: subscription.public,
        authors: subscription.authors ?? [],
        weekly: subscription.weekly ?? null,
      });
    }

    case 'subscribe':
      return change(services, event, command.scope, (subscription) => {
        const query = mergeQueries(subscription.query, command.query);
        return {
          update: { query },
          message: `now follows ${formatKeywordQuery(query)}`,
        };
      });

    case 'unsubscribe':
      return change(services, event, command.scope, (subscription) => {
        const query = removeTerms(subscription.query, command.terms, command.scope);
        return {
          update: { query },
          message: query
            ? `now follows ${formatKeywordQuery(query)}`
            : 'follows no terms now: no more digests',
        };
      });

    case 'follow':
      return change(services, event, command.scope, (subscription) => {
        const authors = addAuthors(subscription.authors ?? [], command.authors);
        const follows = `now follows the papers of ${authors.join('; ')}`;
        const waiting = `Digests start once it follows terms too: ${scopePrefix(command.scope)} subscribe <terms>`;
        return {
          update: { authors },
          message: subscription.query ? follows : `${sentence(follows)} ${waiting}`,
        };
      });

    case 'unfollow':
      return change(services, event, command.scope, (subscription) => {
        const authors = removeAuthors(subscription.authors ?? [], command.authors, command.scope);
        return {
          update: { authors },
          message:
            authors.length > 0 ? `now follows the papers of ${authors.join('; ')}` : 'follows no authors now',
        };
      });

    case 'categories': {
      const { categories } = command;
      if (categories === null) return listOne(services, event, command.scope, 'categories');
      return change(services, event, command.scope, () => ({
        update: { categories },
        message: `now covers ${categories.join(', ')}`,
      }));
    }

    case 'schedule':
      if (command.time === null && command.timeZone === null) {
        return listOne(services, event, command.scope, 'schedule');
      }
      return change(services, event, command.scope, (subscription) => {
        const schedule = {
          time: command.time ?? subscription.schedule.time,
          timeZone: command.timeZone ?? subscription.schedule.timeZone,
        };
        return {
          update: { schedule },
          message: `now arrives daily at ${schedule.time} ${schedule.timeZone}`,
        };
      });

    case 'public': {
      const { enabled } = command;
      if (enabled === null) return listOne(services, event, 'channel', 'public');
      return change(services, event, 'channel', () => ({
        update: { public: enabled },
        message: enabled
          ? `is now listed on the public archive page${services.publicUrl ? ` (${services.publicUrl}/digests)` : ''}`
          : 'is no longer listed on the public archive page',
      }));
    }

    case 'feed':
      return feed(services, event, command.action);

    case 'weekly': {
      const { enabled } = command;
      if (enabled === null) {
        const subscription = await current(services, event, command.scope);
        const { weekly } = subscription;
        return plainMessage(
          weekly
            ? `${whoseDigest(command.scope)} has a weekly rollup, ${weeklyWhen(weekly, subscription.schedule.timeZone)}.`
            : `${whoseDigest(command.scope)} has no weekly rollup: /arxiv ${command.scope === 'user' ? 'me ' : ''}weekly on starts one.`,
        );
      }
      return change(services, event, command.scope, (subscription) => {
        if (!enabled) return { update: { weekly: undefined }, message: 'has no weekly rollup now' };
        const weekly = {
          day: command.day ?? subscription.weekly?.day ?? WEEKLY_DEFAULT.day,
          time: command.time ?? subscription.weekly?.time ?? WEEKLY_DEFAULT.time,
          // Turned on (or moved): no rollup falls due before now (none of the week it is turned on in).
          since: subscription.weekly?.since ?? services.now().toISOString(),
        };
        return {
          update: { weekly },
          message: `now gets a weekly rollup, ${weeklyWhen(weekly, subscription.schedule.timeZone)}`,
        };
      });
    }

    case 'digest':
      return digestNow(services, event, progress);

    case 'top':
      return topMessage(
        command.scope === 'user' ? { user: event.user } : { target: event.channel },
        command.period,
        {
          votes: services.votes,
          likeEmoji: services.config.feedback.like_emoji,
          dislikeEmoji: services.config.feedback.dislike_emoji,
          now: services.now,
        },
      );

    case 'summary': {
      progress.stage(summaryProgressMessage(command.id, command.version));
      const paper = await services.listings.findPaper(command.id, command.version);
      if (!paper) {
        const id = command.version === null ? command.id : `${command.id}v${command.version}`;
        throw new UserError('INPUT_NOT_FOUND', `arXiv has no paper ${id}. Check the id or link.`);
      }
      const summary = await services.engine.summarizer.summarize(paper);
      return summaryMessage(paper, summary);
    }

    case 'cite': {
      const paper = await services.listings.findPaper(command.id, command.version);
      if (!paper) {
        const id = command.version === null ? command.id : `${command.id}v${command.version}`;
        throw new UserError('INPUT_NOT_FOUND', `arXiv has no paper ${id}. Check the id or link.`);
      }
      return citationMessage(paper, command.format);
    }
  }
}

/** The target a scope's settings belong to: the channel the command was typed in, or the user's DMs. */
function targetOf(event: CommandEvent, scope: Scope): TargetId {
  return scope === 'user' ? event.user : event.channel;
}

async function current(services: CommandServices, event: CommandEvent, scope: Scope): Promise<Subscription> {
  const target = targetOf(event, scope);
  return (
    (await services.subscriptions.get(target)) ??
    newSubscription(
      services.config,
      target,
      scope === 'user' ? 'user' : 'channel',
      event.user,
      services.now(),
    )
  );
}

/** Refuses a user who may not manage the channel: with admins in the config, one not among them. */
async function requireManage(services: CommandServices, event: CommandEvent): Promise<void> {
  // A direct message with the bot is the user's own target: theirs to change, whoever the admins are.
  if (event.channel === event.user) return;
  const admins = services.config.admins;
  const allowed =
    admins.length > 0
      ? admins.includes(event.user)
      : (event.managesChannel ??
        (await services.adapters.forTarget(event.channel).canManageChannel(event.user, event.channel)));
  if (!allowed) {
    throw new UserError(
      'PERMISSION_DENIED',
      admins.length > 0
        ? "Only the bot's admins can change this channel's digest. You can follow terms for yourself with /arxiv me subscribe <terms>."
        : 'Only people who can manage this channel can change its digest. You can follow terms for yourself with /arxiv me subscribe <terms>.',
    );
  }
}

type Change = (subscription: Subscription) => { update: Partial<Subscription>; message: string };

/** The text ended with a full stop, unless it ends with one already (a name such as `Chomsky, N.`). */
function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function scopePrefix(scope: Scope): string {
  return scope === 'channel' ? '/arxiv' : '/arxiv me';
}

function whoseDigest(scope: Scope): string {
  return scope === 'channel' ? "This channel's digest" : 'Your digest';
}

/**
 * Applies a change to the scope's subscription and confirms it. (A change to a channel is confirmed in the
 * channel, so everyone sees what their digest follows: the table says so.)
 */
async function change(
  services: CommandServices,
  event: CommandEvent,
  scope: Scope,
  apply: Change,
): Promise<OutboundMessage> {
  const before = await current(services, event, scope);
  const { update, message } = apply(before);
  await services.subscriptions.put({ ...before, ...update, updatedAt: services.now().toISOString() });
  return plainMessage(sentence(`${whoseDigest(scope)} ${message}`));
}

async function listOne(
  services: CommandServices,
  event: CommandEvent,
  scope: Scope,
  what: 'categories' | 'schedule' | 'public',
): Promise<OutboundMessage> {
  const subscription = await current(services, event, scope);
  const whose = whoseDigest(scope);
  return plainMessage(
    what === 'categories'
      ? `${whose} covers ${subscription.categories.join(', ')}.`
      : what === 'schedule'
        ? `${whose} arrives daily at ${subscription.schedule.time} ${subscription.schedule.timeZone}.`
        : `${whose} is ${subscription.public ? '' : 'not '}listed on the public archive page.`,
  );
}

/** The link is a secret: shown to the asking user only (the table says so); revoking is told to the channel. */
async function feed(
  services: CommandServices,
  event: CommandEvent,
  action: 'show' | 'revoke',
): Promise<OutboundMessage> {
  if (action === 'revoke') {
    const revoked = await services.feeds.revoke(event.channel);
    return plainMessage(
      revoked ? "This channel's RSS feed link was revoked." : 'This channel had no RSS feed link.',
    );
  }
  const token = await services.feeds.tokenFor(event.channel);
  return plainMessage(
    `This channel's digests as RSS: ${services.publicUrl}/feeds/${token}.xml\nAnyone with the link can read it; /arxiv feed revoke stops that.`,
  );
}

/**
 * Posts the digest in the channel; the answer (to the user alone) says how that went. Its stages for the
 * progress note: fetching the listing, then preparing the digest (how many papers the listing holds, how
 * many the digest will, whether they are being summarized: the digest's own ranking, done again here on
 * the indexed listing, which takes milliseconds).
 */
async function digestNow(
  services: CommandServices,
  event: CommandEvent,
  progress: ProgressNote,
): Promise<OutboundMessage> {
  const subscription = await services.subscriptions.get(event.channel);
  if (!subscription?.query) {
    throw new UserError(
      'INPUT_INVALID',
      'This channel follows no terms yet, so there is no digest to post. Start with /arxiv subscribe <terms>.',
    );
  }
  progress.stage(listingProgressMessage(subscription.categories));
  const listing = await services.listings.latest(subscription.categories);
  if (!listing) {
    return plainMessage('arXiv has no announcement to show right now (none on weekends and holidays).');
  }
  const { categories, maxPapers, minScore } = subscription;
  const matched = listing.index.rank(subscription.query, { maxPapers, minScore, categories }).length;
  // Nothing to prepare when the digest is out already (the answer says so at once).
  const done = (await services.deliveries.get(event.channel, listing.announced))?.record.completedAt;
  if (matched > 0 && !done) {
    progress.stage(
      digestProgressMessage({
        announced: listing.announced,
        listed: listing.index.count(categories),
        matched,
        summarizing:
          subscription.summaries &&
          services.config.ai_summary.enabled &&
          services.engine.summarizer.usesModel,
      }),
    );
  }
  const outcome = await services.delivery.deliver(subscription, listing);
  return plainMessage(describeOutcome(outcome));
}

function describeOutcome(outcome: DeliveryOutcome): string {
  switch (outcome.status) {
    case 'delivered':
      return outcome.joined
        ? `The digest of ${outcome.announced} was already being posted here when you asked; it is complete now (${outcome.papers} papers).`
        : `Posted the digest of ${outcome.announced} (${outcome.papers} papers) in this channel.`;
    case 'already-delivered':
      return `The digest of ${outcome.announced} is already in this channel.`;
    case 'no-match':
      return `No paper announced on ${outcome.announced} matched this channel's terms.`;
    case 'no-terms':
      return 'This channel follows no terms yet. Start with /arxiv subscribe <terms>.';
    case 'stale':
      return `A newer digest than ${outcome.announced} is already in this channel.`;
    case 'busy':
      return 'Another instance of the bot is posting this digest right now; it will be complete in a moment.';
  }
}

const sameTerm = (a: QueryTerm, b: QueryTerm) => a.text.toLowerCase() === b.text.toLowerCase();

/** The subscription's query with the new terms added; a new term overrides its opposite (want/exclude). */
export function mergeQueries(existing: KeywordQuery | null, added: KeywordQuery): KeywordQuery {
  const terms = [...(existing?.terms ?? []).filter((term) => !added.exclude.some((x) => sameTerm(x, term)))];
  const exclude = [
    ...(existing?.exclude ?? []).filter((term) => !added.terms.some((x) => sameTerm(x, term))),
  ];
  for (const term of added.terms) if (!terms.some((x) => sameTerm(x, term))) terms.push(term);
  for (const term of added.exclude) if (!exclude.some((x) => sameTerm(x, term))) exclude.push(term);
  if (terms.length + exclude.length > QUERY_LIMITS.maxTerms) {
    throw new UserError(
      'LIMIT_EXCEEDED',
      `That would make ${terms.length + exclude.length} terms; the limit is ${QUERY_LIMITS.maxTerms}. Remove some with /arxiv unsubscribe <terms>.`,
    );
  }
  if (terms.length === 0) {
    throw new UserError(
      'QUERY_INVALID',
      'A digest needs at least one term to look for, not only exclusions.',
    );
  }
  return { terms, exclude };
}

/** The query without the named terms (matched ignoring case, wanted or excluded); null when none is left. */
export function removeTerms(
  existing: KeywordQuery | null,
  names: string[] | 'all',
  scope: Scope,
): KeywordQuery | null {
  const whose = scope === 'channel' ? 'This channel' : 'Your digest';
  if (names === 'all') return null;
  if (!existing) throw new UserError('INPUT_INVALID', `${whose} follows no terms yet.`);
  const wanted = names.map((name) => name.toLowerCase());
  const missing = wanted.filter(
    (name) => ![...existing.terms, ...existing.exclude].some((term) => term.text.toLowerCase() === name),
  );
  if (missing.length > 0) {
    throw new UserError(
      'INPUT_INVALID',
      `${whose} does not follow ${missing.map((name) => `"${name}"`).join(', ')}. It follows: ${formatKeywordQuery(existing)}.`,
    );
  }
  const keep = (term: QueryTerm) => !wanted.includes(term.text.toLowerCase());
  const terms = existing.terms.filter(keep);
  return terms.length === 0 ? null : { terms, exclude: existing.exclude.filter(keep) };
}
