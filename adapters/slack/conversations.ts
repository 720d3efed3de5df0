/**
 * Slack conversations, read through the Web API: which conversation a target is (a channel, or the bot's
 * direct-message conversation with a user, opened once and remembered), which target a conversation is,
 * one message by its ts, the parts of a keyed post in a channel's history or a thread's replies, and who is
 * a member of a channel.
 */
import type { webApi } from '@slack/bolt';
import { BoundedCache } from '../../src/bounded-cache.ts';
import type { MessageRef, TargetId, UserId } from '../../src/chat/types.ts';
import type { Logger } from '../../src/log.ts';
import { botNameOf, type Identity } from './connection.ts';
import {
  directMessageFailure,
  isNoSuchMessage,
  isNotInChannel,
  NoDirectMessageError,
  NotInChannelError,
  platformError,
  slackUnavailable,
} from './errors.ts';
import { channelTarget, isDirectMessageChannel, parseSlackTarget, userTarget } from './ids.ts';
import { type MessageMetadata, partOf } from './metadata.ts';
import { type StoredMessage, storedMessageText } from './read.ts';

/** A message as conversations.history and conversations.replies return it. */
export interface SlackHistoryMessage extends StoredMessage {
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  metadata?: MessageMetadata;
}

export interface SlackConversationsOptions {
  /** A client for reads and conversations.open (webClient(…, 'calls')). */
  client: webApi.WebClient;
  logger: Logger;
  /** Who the bot is, once auth.test told it (null before). */
  identity: () => Identity | null;
  /** How many of a channel's newest messages `findParts` looks through. */
  historyDepth: number;
  /** How long a channel membership answer is reused by `canManage`. */
  membershipTtlMs: number;
}

const HISTORY_PAGE = 200;
/**
 * What is remembered about users and channels is bounded, so a storm of commands from many users levels off:
 * the direct-message conversations (which never change, but a user reached once a year need not be kept) and
 * the membership answers (good for `membershipTtlMs` anyway).
 */
const DM_CACHE = { maxEntries: 10_000, ttlMs: 24 * 60 * 60_000 };
const MEMBERSHIP_ENTRIES = 10_000;

export class SlackConversations {
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #identity: () => Identity | null;
  readonly #historyDepth: number;
  readonly #membershipTtlMs: number;
  /** The bot's DM conversation with a user, by user id; and the other way. */
  readonly #dmChannels = new BoundedCache<string, string>(DM_CACHE);
  readonly #dmUsers = new BoundedCache<string, string>(DM_CACHE);
  /** Whether a user is a member of a channel, by channel and user. */
  readonly #membership: BoundedCache<string, boolean>;

  constructor(options: SlackConversationsOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#identity = options.identity;
    this.#historyDepth = options.historyDepth;
    this.#membershipTtlMs = options.membershipTtlMs;
    this.#membership = new BoundedCache({
      maxEntries: MEMBERSHIP_ENTRIES,
      ttlMs: Math.max(1, options.membershipTtlMs),
    });
  }

  /** How many entries each in-memory cache holds (the soak benchmark prints them). */
  cacheSizes(): Record<string, number> {
    return {
      slackDmChannels: this.#dmChannels.size,
      slackDmUsers: this.#dmUsers.size,
      slackMembership: this.#membership.size,
    };
  }

  /** The conversation id for a target: the channel, or the bot's direct-message conversation with a user. */
  async conversationOf(target: TargetId): Promise<string> {
    const parsed = parseSlackTarget(target);
    const team = this.#identity()?.team;
    if (team !== undefined && parsed.team !== team) {
      throw new Error(`"${target}" belongs to workspace ${parsed.team}; this bot is installed in ${team}.`);
    }
    if (parsed.kind === 'channel') return parsed.channel;
    const known = this.#dmChannels.get(parsed.user);
    if (known) return known;
    try {
      const result = await this.#client.conversations.open({ users: parsed.user });
      const channel = result.channel?.id;
      if (!channel) throw new Error('Slack answered conversations.open without a channel.');
      this.#dmChannels.set(parsed.user, channel);
      this.#dmUsers.set(channel, parsed.user);
      return channel;
    } catch (error) {
      const failure = directMessageFailure(error, target);
      if (failure instanceof NoDirectMessageError) {
        const code = failure.slackError;
        this.#logger.warn({ target, error: code }, `cannot open a direct message with ${target} (${code})`);
      }
      throw failure;
    }
  }

  /** The target a conversation stands for: a channel, or for a direct message the user it is with. */
  async targetOf(team: string, channel: string): Promise<TargetId> {
    if (!isDirectMessageChannel(channel)) return channelTarget(team, channel);
    let user = this.#dmUsers.get(channel);
    if (!user) {
      const info = await this.#client.conversations.info({ channel });
      user = (info.channel as { user?: string } | undefined)?.user;
      if (!user) return channelTarget(team, channel);
      this.#dmUsers.set(channel, user);
      this.#dmChannels.set(user, channel);
    }
    return userTarget(team, user);
  }

  /**
   * One message by its ts, wherever it is: conversations.replies takes a thread's root or any reply, and
   * bounded to that one ts it returns just that message, whose `thread_ts` says which thread it is in.
   */
  async locate(channel: string, ts: string): Promise<SlackHistoryMessage | null> {
    try {
      const result = await this.#client.conversations.replies({
        channel,
        ts,
        oldest: ts,
        latest: ts,
        inclusive: true,
        limit: 1,
      });
      return ((result.messages ?? []) as SlackHistoryMessage[]).find((m) => m.ts === ts) ?? null;
    } catch (error) {
      const code = platformError(error);
      if (code !== null && isNoSuchMessage(code)) return null;
      if (code !== null && isNotInChannel(code)) {
        this.#logger.warn(
          { channel, error: code },
          `cannot read ${channel}: the bot is not a member (${code})`,
        );
        return null;
      }
      throw error;
    }
  }

  /** The text of a message (blocks and attachments included), or null if it cannot be read. */
  async messageText(message: MessageRef): Promise<string | null> {
    try {
      const channel = await this.conversationOf(message.target);
      const found = await this.locate(channel, message.id);
      return found ? storedMessageText(found) : null;
    } catch (error) {
      if (error instanceof NotInChannelError || platformError(error) !== null) return null;
      throw slackUnavailable(error, 'read a message');
    }
  }

  /**
   * The parts this bot posted with `key`, by part number: among the channel's newest messages (top level
   * only), or among the replies of the thread `root`.
   */
  async findParts(
    channel: string,
    key: string,
    root: string | undefined,
  ): Promise<Map<number, SlackHistoryMessage>> {
    const found = new Map<number, SlackHistoryMessage>();
    const botId = this.#identity()?.botId;
    let cursor: string | undefined;
    let seen = 0;
    do {
      let page: { messages?: unknown[]; has_more?: boolean; response_metadata?: { next_cursor?: string } };
      try {
        page =
          root === undefined
            ? await this.#client.conversations.history({
                channel,
                include_all_metadata: true,
                limit: HISTORY_PAGE,
                ...(cursor ? { cursor } : {}),
              })
            : await this.#client.conversations.replies({
                channel,
                ts: root,
                include_all_metadata: true,
                limit: HISTORY_PAGE,
                ...(cursor ? { cursor } : {}),
              });
      } catch (error) {
        const code = platformError(error);
        if (code === 'thread_not_found' || (code !== null && isNotInChannel(code))) return found;
        throw slackUnavailable(error, 'look for an earlier post');
      }
      const messages = (page.messages ?? []) as SlackHistoryMessage[];
      seen += messages.length;
      for (const message of messages) {
        if (message.bot_id !== botId || !message.ts) continue;
        const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
        if (root === undefined ? inThread : !inThread || message.thread_ts !== root) continue;
        const part = partOf(message);
        if (part?.key === key && !found.has(part.part)) found.set(part.part, message);
      }
      cursor = page.has_more ? page.response_metadata?.next_cursor || undefined : undefined;
    } while (cursor !== undefined && (root !== undefined || seen < this.#historyDepth));
    return found;
  }

  /**
   * Whether `user` is a member of `channel` (conversations.members, read page by page until the user is
   * found, and remembered for `membershipTtlMs`, so a burst of commands costs one listing). A user may
   * always manage their own direct-message target.
   */
  async canManage(user: UserId, channel: TargetId): Promise<boolean> {
    const who = parseSlackTarget(user);
    const where = parseSlackTarget(channel);
    if (who.kind !== 'user') throw new Error(`"${user}" is not a Slack user.`);
    if (where.kind === 'user') return where.user === who.user && where.team === who.team;
    const cacheKey = `${where.channel}\u0000${who.user}`;
    const cached = this.#membership.get(cacheKey);
    if (cached !== undefined) return cached;
    const member = await this.#isMember(where.channel, who.user);
    if (this.#membershipTtlMs > 0) this.#membership.set(cacheKey, member);
    return member;
  }

  async #isMember(channel: string, user: string): Promise<boolean> {
    let cursor: string | undefined;
    try {
      do {
        const page = await this.#client.conversations.members({
          channel,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        if ((page.members ?? []).includes(user)) return true;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor !== undefined);
      return false;
    } catch (error) {
      const code = platformError(error);
      if (code !== null && isNotInChannel(code)) {
        this.#logger.warn({ channel, error: code }, `cannot list the members of ${channel} (${code})`);
        throw new NotInChannelError(code, botNameOf(this.#identity()), error);
      }
      throw slackUnavailable(error, 'check who may change this channel');
    }
  }
}
