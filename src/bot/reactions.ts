import { findArxivId } from '../arxiv/paper.ts';
import type { ChatAdapter, MessageRef, ReactionEvent } from '../chat/types.ts';
import type { Engine } from '../engine.ts';
import { problemText } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { MessageRepository, ThreadPost } from '../store/repositories/messages.ts';
import type { AdapterRegistry } from './adapters.ts';
import { emojiMatches, emojiText } from './emoji.ts';
import type { ListingService } from './listing.ts';
import { citationFailedMessage, citationMessage, summaryFailedMessage, summaryMessage } from './render.ts';

export type ReactionOutcome =
  /** The summary was posted in the message's thread. */
  | 'posted'
  /** Another emoji. */
  | 'other-emoji'
  /** The message is not about a paper (not the bot's paper message, no arXiv link in it). */
  | 'no-paper'
  /** The summary is already in that thread (or being posted). */
  | 'already-posted';

export interface ReactionServices {
  engine: Engine;
  adapters: AdapterRegistry;
  listings: ListingService;
  messages: MessageRepository;
  summaryEmoji: string;
  /** Reacting with it posts the paper's BibTeX in the thread, as the summary emoji posts its summary. */
  citeEmoji: string;
  logger: Logger;
  /** The clock of the summaries' record (the weekly rollup counts them by it). */
  now?: () => Date;
}

/**
 * A reaction with the summary emoji on a paper the bot posted, or on any message holding an arXiv link,
 * posts that paper's summary in the message's thread, once per thread and paper however many react. The
 * cite emoji posts its BibTeX the same way (once per thread and paper too, apart from the summary).
 *
 * When the summary cannot be made (arXiv down, the platform failing), the claim is given back so that a
 * later reaction tries again, the thread is told why and what to do (once per thread and paper, however
 * many reactions fail: `tellFailure`), and the error is thrown on for the log and the metrics.
 */
export async function handleReaction(
  event: ReactionEvent,
  services: ReactionServices,
): Promise<ReactionOutcome> {
  const what: ThreadPost | null = emojiMatches(services.summaryEmoji, event.emoji)
    ? 'summary'
    : emojiMatches(services.citeEmoji, event.emoji)
      ? 'cite'
      : null;
  if (!what) return 'other-emoji';
  const adapter = services.adapters.forTarget(event.message.target);

  const known = await services.messages.find(event.message);
  let id = known ? { id: known.paperId, version: known.version } : null;
  if (!id) {
    const text = await adapter.fetchMessageText(event.message);
    id = text ? findArxivId(text) : null;
  }
  if (!id) return 'no-paper';

  const thread = { target: event.message.target, id: event.message.threadId ?? event.message.id };
  if (!(await services.messages.claimSummary(thread.target, thread.id, id.id, what))) return 'already-posted';
  try {
    const paper = await services.listings.findPaper(id.id, id.version);
    if (!paper) {
      services.logger.info(
        { paper: id.id, message: event.message },
        'reaction on a link to a paper arXiv does not know',
      );
      await services.messages.releaseSummary(thread.target, thread.id, id.id, what);
      return 'no-paper';
    }
    // A process that died after posting, before marking it, left the summary in the thread: find it.
    const idempotencyKey = `${thread.target}|${thread.id}|${what}|${paper.id}`;
    if (await adapter.findPosted(thread.target, idempotencyKey, thread)) {
      await services.messages.summaryPosted(thread.target, thread.id, id.id, what);
      return 'already-posted';
    }
    if (what === 'cite') {
      await adapter.post(thread.target, citationMessage(paper, 'bibtex'), { thread, idempotencyKey });
      await services.messages.summaryPosted(thread.target, thread.id, id.id, what);
      return 'posted';
    }
    const summary = await services.engine.summarizer.summarize(paper);
    const ref = await adapter.post(thread.target, summaryMessage(paper, summary), { thread, idempotencyKey });
    await services.messages.summaryPosted(thread.target, thread.id, id.id);
    await services.messages.record(ref, {
      paperId: paper.id,
      version: paper.version,
      kind: 'summary',
      target: thread.target,
      at: (services.now?.() ?? new Date()).toISOString(),
    });
    return 'posted';
  } catch (error) {
    // Give the claim back so that the next reaction tries again.
    await services.messages.releaseSummary(thread.target, thread.id, id.id, what);
    await tellFailure(adapter, thread, id.id, what, error, services);
    throw error;
  }
}

/**
 * Tells the thread that the summary of `paperId` could not be made, why, and to react again later. Once
 * per thread and paper: the notice carries an idempotency key, and a notice the platform already has there
 * (from an earlier failed reaction, in this process or another) is not posted again. Never throws: a notice
 * that cannot be posted (the platform failing too) is only logged.
 */
async function tellFailure(
  adapter: ChatAdapter,
  thread: MessageRef,
  paperId: string,
  what: ThreadPost,
  error: unknown,
  services: ReactionServices,
): Promise<void> {
  const idempotencyKey = `${thread.target}|${thread.id}|${what}-failed|${paperId}`;
  try {
    if (await adapter.findPosted(thread.target, idempotencyKey, thread)) return;
    const emoji = what === 'cite' ? services.citeEmoji : services.summaryEmoji;
    const again = `react with ${emojiText(emoji)} again in a few minutes`;
    const failed = what === 'cite' ? citationFailedMessage : summaryFailedMessage;
    await adapter.post(thread.target, failed(paperId, problemText(error, again)), {
      thread,
      idempotencyKey,
    });
  } catch (reason) {
    services.logger.warn(
      { err: reason, paper: paperId, thread },
      'could not tell a thread that its summary could not be made',
    );
  }
}
