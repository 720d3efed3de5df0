import { absUrlFor } from '../arxiv/paper.ts';
import { paperTitle } from '../chat/present.ts';
import type { Block, OutboundMessage, ReactionEvent, Span, TargetId } from '../chat/types.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { MessageRepository } from '../store/repositories/messages.ts';
import type { Vote, VoteKind, VoteRepository } from '../store/repositories/votes.ts';
import { emojiMatches, emojiText } from './emoji.ts';
import type { ListingService } from './listing.ts';

/*
 * The team's feedback (DESIGN.md, "Learning from the team"): a like or dislike reaction (feedback.like_emoji,
 * feedback.dislike_emoji; 👍 and 👎 by default) on a message the bot posted about a paper (a digest paper,
 * a summary, a shared search result) is that user's vote on the paper in the message's target: the
 * channel, or the user's own target for their DM digest. Taking the reaction off takes the vote back. The
 * rules of a vote (one per user, paper and target; the newer of like and dislike counts) are the
 * repository's (src/store/repositories/votes.ts). Reactions on anything else are not votes: a person's
 * message with an arXiv link in it is theirs, not a paper the bot put before the team.
 */

export type FeedbackOutcome =
  /** The vote was recorded or changed (a like became a dislike, or back). */
  | 'recorded'
  /** A reaction was taken off, and the vote with it, or the vote went back to the other reaction still on. */
  | 'removed'
  /** Nothing changed: a second click, a redelivered event, the removal of a reaction never counted. */
  | 'unchanged'
  /** Neither the like nor the dislike emoji. */
  | 'other-emoji'
  /** The message is not one the bot posted about a paper. */
  | 'no-paper';

export interface FeedbackServices {
  votes: VoteRepository;
  messages: MessageRepository;
  listings: ListingService;
  likeEmoji: string;
  dislikeEmoji: string;
  logger: Logger;
  metrics?: Metrics | undefined;
  now: () => Date;
}

/** The vote an emoji stands for, whichever way the platform and the config spell it. */
export function voteKindOf(
  emoji: string,
  services: Pick<FeedbackServices, 'likeEmoji' | 'dislikeEmoji'>,
): VoteKind | null {
  if (emojiMatches(services.likeEmoji, emoji)) return 'like';
  if (emojiMatches(services.dislikeEmoji, emoji)) return 'dislike';
  return null;
}

/** Records or takes back the vote a reaction stands for. */
export async function handleFeedback(
  event: ReactionEvent,
  services: FeedbackServices,
): Promise<FeedbackOutcome> {
  const kind = voteKindOf(event.emoji, services);
  if (kind === null) return 'other-emoji';
  const posted = await services.messages.find(event.message);
  if (!posted) return 'no-paper';
  // The vote is the reacting user's own, in the target the message is in: nobody votes for another.
  const id = { target: event.message.target, paperId: posted.paperId, user: event.user };
  if (event.action === 'removed') {
    return (await services.votes.remove({ ...id, kind })).changed ? 'removed' : 'unchanged';
  }
  const change = await services.votes.add({
    ...id,
    version: posted.version,
    kind,
    ...(await paperText(posted.paperId, posted.version, services)),
    at: services.now(),
  });
  return change.changed ? 'recorded' : 'unchanged';
}

/**
 * `handleFeedback` for the bot: never throws (a vote that cannot be stored is logged and counted, and the
 * reaction's other uses go on).
 */
export async function recordFeedback(event: ReactionEvent, services: FeedbackServices): Promise<void> {
  let outcome: FeedbackOutcome | 'failed';
  try {
    outcome = await handleFeedback(event, services);
  } catch (error) {
    outcome = 'failed';
    services.logger.error({ err: error, message: event.message }, 'could not record a vote');
  }
  if (outcome === 'other-emoji') return;
  services.metrics?.votes.inc({ platform: event.platform, outcome });
  services.logger.debug({ message: event.message, action: event.action, outcome }, 'vote handled');
}

/**
 * The paper's title (for `/arxiv top`) and abstract (for the learned profile), from the recent papers or
 * arXiv; a vote is recorded without them when they cannot be had (arXiv down).
 */
async function paperText(
  paperId: string,
  version: number | null,
  services: FeedbackServices,
): Promise<{ title: string | null; abstract: string | null }> {
  try {
    const paper = await services.listings.findPaper(paperId, version);
    return { title: paper?.title ?? null, abstract: paper?.abstract ?? null };
  } catch (error) {
    services.logger.warn({ err: error, paper: paperId }, 'voted on a paper whose title could not be had');
    return { title: null, abstract: null };
  }
}

// ---------------------------------------------------------------------------------------------------------
// /arxiv top [week|month] and /arxiv me top [week|month]
// ---------------------------------------------------------------------------------------------------------

export type TopPeriod = 'week' | 'month';

const PERIOD_DAYS: Readonly<Record<TopPeriod, number>> = { week: 7, month: 30 };
/** How many papers `top` lists. */
export const TOP_PAPERS = 10;

export interface TopPaper {
  paperId: string;
  title: string | null;
  likes: number;
  dislikes: number;
  /** The newest vote on it, to order papers with the same counts (newest first). */
  latest: Date;
}

/** The start of a period ending at `now`: the last 7 days for a week, the last 30 for a month. */
export function periodStart(period: TopPeriod, now: Date): Date {
  return new Date(now.getTime() - PERIOD_DAYS[period] * 24 * 60 * 60 * 1000);
}

/**
 * The papers with at least one like among `votes`, most liked first; then fewer dislikes, then the newest
 * vote first. A paper liked in two places by the same user (`me top`) counts each place.
 */
export function rankTop(votes: readonly Vote[], limit = TOP_PAPERS): TopPaper[] {
  const papers = new Map<string, TopPaper>();
  for (const vote of votes) {
    const paper = papers.get(vote.paperId) ?? {
      paperId: vote.paperId,
      title: null,
      likes: 0,
      dislikes: 0,
      latest: vote.at,
    };
    if (vote.kind === 'like') paper.likes += 1;
    else paper.dislikes += 1;
    if (vote.title !== null && (paper.title === null || vote.at >= paper.latest)) paper.title = vote.title;
    if (vote.at > paper.latest) paper.latest = vote.at;
    papers.set(vote.paperId, paper);
  }
  return [...papers.values()]
    .filter((paper) => paper.likes > 0)
    .sort((a, b) => b.likes - a.likes || a.dislikes - b.dislikes || b.latest.getTime() - a.latest.getTime())
    .slice(0, limit);
}

export interface TopServices {
  votes: VoteRepository;
  likeEmoji: string;
  dislikeEmoji: string;
  now: () => Date;
}

/** `/arxiv top`: the most liked papers of `target` (anyone's votes there); `me top`: of `user`'s own votes anywhere. */
export async function topMessage(
  whose: { target: TargetId } | { user: TargetId },
  period: TopPeriod,
  services: TopServices,
): Promise<OutboundMessage> {
  const since = periodStart(period, services.now());
  const mine = 'user' in whose;
  const votes = mine
    ? await services.votes.byUser(whose.user, since)
    : await services.votes.inTarget(whose.target, since);
  const top = rankTop(votes);
  const like = emojiText(services.likeEmoji);
  const dislike = emojiText(services.dislikeEmoji);
  const heading = `${mine ? 'Papers you liked' : 'Most liked papers here'} in the last ${PERIOD_DAYS[period]} days`;
  if (top.length === 0) {
    const none = mine
      ? `You have liked no paper in the last ${PERIOD_DAYS[period]} days.`
      : `No paper here was liked in the last ${PERIOD_DAYS[period]} days.`;
    const how = `React with ${like} (or ${dislike}) to a paper the bot posted to vote for it (or against it); take the reaction off to take the vote back.`;
    return { text: `${none} ${how}`, blocks: [{ kind: 'text', spans: [{ text: none }] }, context(how)] };
  }
  const lines = top.map((paper, index) => {
    // Titles are arXiv's text: TeX accents and escapes are shown as the digest shows them.
    const title = paper.title === null ? null : paperTitle(paper.title);
    const counts = `${like} ${paper.likes}${paper.dislikes > 0 ? ` · ${dislike} ${paper.dislikes}` : ''}`;
    const spans: Span[] = [
      { text: `${index + 1}. ` },
      { text: title ?? `arXiv:${paper.paperId}`, link: absUrlFor(paper.paperId) },
      { text: `  ${counts}` },
    ];
    return {
      spans,
      text: `${index + 1}. ${title ?? paper.paperId} ${absUrlFor(paper.paperId)} ${counts}`,
    };
  });
  const blocks: Block[] = [
    { kind: 'header', text: heading },
    ...lines.map((line): Block => ({ kind: 'text', spans: line.spans })),
    context(`Votes are ${like} and ${dislike} reactions on the papers the bot posted.`),
  ];
  return { text: [heading, ...lines.map((line) => line.text)].join('\n'), blocks };
}

function context(text: string): Block {
  return { kind: 'context', spans: [{ text }] };
}
