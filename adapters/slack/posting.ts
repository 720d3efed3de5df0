/**
 * Posting to Slack, and finding a post again by its idempotency key.
 *
 * `post` renders the Block model as Block Kit (blocks.ts); links are not unfurled. A message too large for
 * one Slack message is posted as several parts in order (the first where asked, the rest in its thread) and
 * `post` returns the first part's ref. Posts are paced by Slack's documented limits for chat.postMessage
 * (kit/rate-limit.ts): per channel about one a second with short bursts (two by default), and per workspace
 * a few hundred a minute (`workspaceRate`), so a digest to many channels does not run into rate limits;
 * each answer re-times the pacing. At most `maxInFlight` posts are on the wire at once; the cap is held only
 * for the HTTP call, never while a post waits for its slot. A rate limit that still comes, in either form
 * (HTTP 429, or HTTP 200 with `{ok: false, error: "ratelimited"}` or `"rate_limited"`), is waited out: the
 * channel takes no post until its Retry-After has passed (or, without one, a backoff per `retryConfig`),
 * then the post is made again. A refused post was not taken, so this
 * repeats nothing; and a rate limit is never a failure: it does not use up the retries, only a patience of
 * RATE_LIMIT_PATIENCE_MS per part. A failure in one channel touches no other. A channel
 * the bot is not in gives a clear log line and a NotInChannelError, whose message tells the user to invite
 * the bot.
 *
 * Retrying a post. A post that failed without an answer (a network error, a timeout, a 5xx) may still have
 * been taken by Slack, so it is never simply sent again: a post with an idempotency key is first looked for
 * by its metadata and posted again only if it is not there; a post without a key is not retried. (The
 * WebClient would retry it blindly, and the channel would get it twice; so the client used here has no
 * retries of its own: webClient(…, 'posts').)
 *
 * Idempotency. A post with an idempotency key carries it in Slack message metadata (metadata.ts);
 * `findPosted` reads it back from the channel's recent history or the thread's replies. A multi-part post
 * with a key is resumable: `findPosted` reports it only when every part is there, and posting it again posts
 * only the parts that are missing. Keys this process posted are remembered, so finding them costs no call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type { MessageRef, OutboundMessage, PostOptions, TargetId } from '../../src/chat/types.ts';
import { Limiter } from '../../src/limiter.ts';
import type { Logger } from '../../src/log.ts';
import { PostedKeys } from '../kit/posted-keys.ts';
import { type Rate, RateLimiter, type Slot } from '../kit/rate-limit.ts';
import { renderMessage, type SlackMessage } from './blocks.ts';
import { RATE_LIMIT_PATIENCE_MS, rateLimitWaitMs } from './client.ts';
import type { SlackConversations, SlackHistoryMessage } from './conversations.ts';
import { answerLost, NotInChannelError, postFailure, rateLimitOf } from './errors.ts';
import { type PostPart, partMetadata, partOf } from './metadata.ts';

export interface SlackPosterOptions {
  /** The client for chat.postMessage: no retries of its own, rate limits as errors (webClient(…, 'posts')). */
  client: webApi.WebClient;
  conversations: SlackConversations;
  logger: Logger;
  /** How a failed post is retried: `retries`, and the backoff between attempts. */
  retryConfig: webApi.RetryOptions;
  /** Posts to one channel: Slack's one a second with bursts of two; null for no pacing. */
  channelRate: Rate | null;
  /** Posts to the whole workspace (Slack: several hundred a minute); null for no pacing. */
  workspaceRate: Rate | null;
  /** Posts on the wire at once, at most. */
  maxInFlight: number;
  /** The bot's name, for `/invite` hints. */
  botName: () => string;
}

/** Keys this process posted, remembered so `findPosted` needs no API call for them. */
const REMEMBERED_KEYS = 10_000;

export class SlackPoster {
  readonly #client: webApi.WebClient;
  readonly #conversations: SlackConversations;
  readonly #logger: Logger;
  readonly #retryConfig: webApi.RetryOptions;
  readonly #channels: RateLimiter;
  readonly #workspace: RateLimiter | null;
  readonly #inFlight: Limiter;
  readonly #botName: () => string;
  /** A key names its latest post, as the channel's newest-first history would find it. */
  readonly #postedKeys = new PostedKeys<MessageRef>({ limit: REMEMBERED_KEYS, keep: 'latest' });

  constructor(options: SlackPosterOptions) {
    this.#client = options.client;
    this.#conversations = options.conversations;
    this.#logger = options.logger;
    this.#retryConfig = options.retryConfig;
    // Unpaced, a channel still keeps the holds of its rate limits.
    this.#channels = new RateLimiter(
      options.channelRate ?? { perSecond: Number.POSITIVE_INFINITY, burst: 1 },
    );
    this.#workspace = options.workspaceRate && new RateLimiter(options.workspaceRate);
    this.#inFlight = new Limiter(options.maxInFlight);
    this.#botName = options.botName;
  }

  async post(target: TargetId, message: OutboundMessage, options: PostOptions): Promise<MessageRef> {
    const thread = options.thread;
    if (thread && thread.target !== target) {
      throw new Error(`A thread in "${thread.target}" cannot hold a reply posted to "${target}".`);
    }
    const key = options.idempotencyKey;
    const channel = await this.#conversations.conversationOf(target);
    const root = thread ? (thread.threadId ?? thread.id) : undefined;
    const parts = renderMessage(message);
    const label = (part: number): PostPart | undefined =>
      key === undefined ? undefined : { key, part, parts: parts.length };
    // A multi-part post with a key may have been cut short by a crash: its posted parts are not repeated.
    const resumable = key !== undefined && parts.length > 1;
    const posted = resumable
      ? await this.#conversations.findParts(channel, key, root)
      : new Map<number, SlackHistoryMessage>();
    let first = posted.get(1)?.ts;
    if (first === undefined)
      first = await this.#postPart(target, channel, parts[0] as SlackMessage, root, label(1));
    // The later parts go to the first part's thread (or stay in the thread the first part is in).
    const restThread = root ?? first;
    const postedRest =
      resumable && root === undefined && posted.has(1)
        ? await this.#conversations.findParts(channel, key, first)
        : posted;
    for (let index = 1; index < parts.length; index++) {
      if (postedRest.has(index + 1)) continue;
      await this.#postPart(target, channel, parts[index] as SlackMessage, restThread, label(index + 1));
    }
    const ref: MessageRef =
      root === undefined ? { target, id: first } : { target, id: first, threadId: root };
    if (key !== undefined) this.#postedKeys.remember(target, key, ref);
    return ref;
  }

  async findPosted(
    target: TargetId,
    idempotencyKey: string,
    thread?: MessageRef,
  ): Promise<MessageRef | null> {
    const remembered = this.#postedKeys.get(target, idempotencyKey);
    const root = thread ? (thread.threadId ?? thread.id) : undefined;
    if (remembered && remembered.threadId === root) return { ...remembered };
    let channel: string;
    try {
      channel = await this.#conversations.conversationOf(target);
    } catch (error) {
      if (error instanceof NotInChannelError) return null;
      throw error;
    }
    const found = await this.#conversations.findParts(channel, idempotencyKey, root);
    const first = found.get(1);
    if (!first?.ts) return null;
    const parts = partOf(first)?.parts ?? 1;
    if (parts > 1) {
      // The later parts are in the first part's thread (or in the same thread, for a reply).
      const rest =
        root === undefined ? await this.#conversations.findParts(channel, idempotencyKey, first.ts) : found;
      for (let part = 2; part <= parts; part++) if (!rest.has(part)) return null;
    }
    return root === undefined ? { target, id: first.ts } : { target, id: first.ts, threadId: root };
  }

  async #postPart(
    target: TargetId,
    channel: string,
    part: SlackMessage,
    threadTs: string | undefined,
    metadata: PostPart | undefined,
  ): Promise<string> {
    const retries = this.#retryConfig.retries ?? 5;
    const begun = Date.now();
    let attempt = 0;
    let refusals = 0;
    for (;;) {
      const slots = await this.#pace(channel);
      try {
        const result = await this.#inFlight
          .run(() =>
            this.#client.chat.postMessage({
              channel,
              text: part.text,
              ...(part.blocks.length > 0 ? { blocks: part.blocks } : {}),
              ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
              unfurl_links: false,
              unfurl_media: false,
              ...(metadata ? { metadata: partMetadata(metadata) } : {}),
            }),
          )
          .finally(() => {
            for (const slot of slots) slot.answered();
          });
        if (!result.ts) throw new Error('Slack answered chat.postMessage without a message ts.');
        return result.ts;
      } catch (error) {
        const limit = rateLimitOf(error);
        if (limit !== null) {
          // Refused, so not posted: the channel waits as long as Slack asks, then the post is made again.
          const waitMs = rateLimitWaitMs(limit, refusals, this.#retryConfig);
          refusals += 1;
          if (Date.now() - begun + waitMs > RATE_LIMIT_PATIENCE_MS)
            throw this.#failed(error, target, channel);
          this.#logger.info(
            { target, channel, retryAfter: limit.retryAfterSeconds, waitMs },
            'Slack rate-limited a post; waiting',
          );
          this.#channels.hold(channel, waitMs);
          continue;
        }
        if (attempt >= retries) throw this.#failed(error, target, channel);
        attempt += 1;
        if (!answerLost(error)) throw this.#failed(error, target, channel);
        // Slack may have taken it. Only a post with a key can be looked for; one without is not risked twice.
        if (!metadata) throw this.#failed(error, target, channel);
        this.#logger.warn(
          { target, channel, key: metadata.key, part: metadata.part, err: error },
          'a post got no answer from Slack; looking for it before posting it again',
        );
        await sleep(this.#backoff(attempt - 1));
        const found = (await this.#conversations.findParts(channel, metadata.key, threadTs)).get(
          metadata.part,
        );
        if (found?.ts) return found.ts;
      }
    }
  }

  /** The wait before retry `attempt` (from 0), per `retryConfig`. */
  #backoff(attempt: number): number {
    const { minTimeout = 1000, factor = 2, maxTimeout = 30_000 } = this.#retryConfig;
    return Math.min(maxTimeout, minTimeout * factor ** attempt);
  }

  #failed(error: unknown, target: TargetId, channel: string): Error {
    const botName = this.#botName();
    const failure = postFailure(error, target, botName);
    if (failure instanceof NotInChannelError) {
      const code = failure.slackError;
      this.#logger.warn(
        { target, channel, error: code },
        `cannot post to ${target}: the bot is not a member of the channel (${code}); invite it with /invite @${botName}`,
      );
    }
    return failure;
  }

  /**
   * Waits for this channel's slot, then the workspace's: a channel kept back (paced, or held after a rate
   * limit) takes none of the workspace's posts while it waits.
   */
  async #pace(channel: string): Promise<Slot[]> {
    const slots = [await this.#channels.acquire(channel)];
    if (this.#workspace) slots.push(await this.#workspace.acquire('workspace'));
    return slots;
  }
}
