/**
 * Posts to Discord over its REST API (@discordjs/rest, whose queue reads Discord's rate-limit headers: per
 * route and channel buckets and the global limit, waiting rather than hitting them, and waiting out a 429).
 *
 * Where a post goes:
 *   a channel            the channel; in a forum channel, a new forum post (a thread) whose first message it is
 *   a channel + thread   the thread started from the thread's root message, created on first use (a thread's
 *                        id is its root message's id, in a text channel as in a forum)
 *   a user               their direct-message channel; DMs have no threads, so a thread reply goes flat there
 *
 * Exactly once across crashes: every part of a post with an idempotency key carries a nonce derived from it,
 * with `enforce_nonce`, so Discord itself returns the first message when the same part is sent again within
 * its nonce window (a few minutes). Past that window, `findPosted` finds the post by a marker in its last
 * embed's footer (`ref …`, a hash of the key): Discord keeps no nonce in a message it returns later.
 */
import { createHash } from 'node:crypto';
import {
  type APIChannel,
  type APIMessage,
  type APIThreadChannel,
  ChannelType,
  type REST,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord.js';
import { BoundedCache } from '../../src/bounded-cache.ts';
import type { MessageRef, OutboundMessage, PostOptions, TargetId } from '../../src/chat/types.ts';
import type { Logger } from '../../src/log.ts';
import { PostedKeys } from '../kit/posted-keys.ts';
import { DiscordCode, discordCode, discordFailure } from './errors.ts';
import { parseDiscordTarget } from './ids.ts';
import { type DiscordMessagePart, renderMessage } from './render.ts';

/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;
/** Discord's limit on a nonce. */
const NONCE_MAX = 25;
/** A page of channel history, at most. */
const HISTORY_PAGE = 100;
/** The footer every post of the bot carries; `ref …` follows it on a post with an idempotency key. */
export const FOOTER_BRAND = 'arxiv-digest';

/** Nothing here mentions anyone, whatever the text says: Discord's second line after escaping. */
export const NO_MENTIONS = { parse: [] as never[] };

export interface DiscordPosterOptions {
  rest: REST;
  logger: Logger;
  /** The bot's user id once logged in: history is searched for its own messages only. */
  botId: () => string | null;
  /** A channel's type as the gateway told it (discord.js's cache), so that no request is needed for it. */
  cachedType?: (channel: string) => ChannelType | undefined;
  /** How many of a channel's newest messages `findPosted` looks through. */
  historyDepth: number;
}

/** Where one post goes: the channel to send to, and the thread it is in (for its MessageRef). */
interface Destination {
  channel: string;
  threadId: string | undefined;
  /** A forum's new post: the first part opens a thread instead of being sent to `channel`. */
  forum: boolean;
}

export class DiscordPoster {
  readonly #rest: REST;
  readonly #logger: Logger;
  readonly #botId: () => string | null;
  readonly #cachedType: (channel: string) => ChannelType | undefined;
  /** What the bot's root messages are called, by channel and message id: a thread from one is named so. */
  readonly #titles = new PostedKeys<string>({ limit: 10_000 });
  readonly #historyDepth: number;
  readonly #posted = new PostedKeys<MessageRef>({ limit: 10_000 });
  /*
   * What is remembered about users, threads and channels is bounded by size and age, so a process that meets
   * many of them levels off (bench/soak.bench.ts). Forgetting costs one request the next time: a DM channel
   * is opened again (Discord answers with the same one), a thread is created again (Discord answers that it
   * exists, which #createThread takes as done), a channel's type is read again.
   */
  /** A user's DM channel, opened once. */
  readonly #dms = new BoundedCache<string, Promise<string>>({ maxEntries: 10_000, ttlMs: 24 * 60 * 60_000 });
  /** Threads known to exist (or being created), by root message id, so concurrent replies create one. */
  readonly #threads = new BoundedCache<string, Promise<void>>({
    maxEntries: 10_000,
    ttlMs: 24 * 60 * 60_000,
  });
  /** Channel types, by id: a forum takes posts as threads. A channel's type can change (rarely): an hour. */
  readonly #types = new BoundedCache<string, ChannelType>({ maxEntries: 10_000, ttlMs: 60 * 60_000 });

  constructor(options: DiscordPosterOptions) {
    this.#rest = options.rest;
    this.#logger = options.logger;
    this.#botId = options.botId;
    this.#cachedType = options.cachedType ?? (() => undefined);
    this.#historyDepth = options.historyDepth;
  }

  /** How many entries each in-memory cache holds (the soak benchmark prints them). */
  cacheSizes(): Record<string, number> {
    return {
      discordDms: this.#dms.size,
      discordThreads: this.#threads.size,
      discordTypes: this.#types.size,
      discordTitles: this.#titles.size,
      discordPosted: this.#posted.size,
    };
  }

  async post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const known = this.#posted.get(target, key);
      if (known) return known;
    }
    const parts = renderMessage(message);
    const where = await this.#destination(target, options.thread, message);
    let first: MessageRef | null = null;
    for (const [index, part] of parts.entries()) {
      const body = withFooter(part, key === undefined ? null : markerOf(key, index));
      if (key !== undefined) {
        body.nonce = nonceOf(target, key, index);
        body.enforce_nonce = true;
      }
      let sent: APIMessage;
      if (where.forum && index === 0) {
        // A forum post: a thread whose first message is this part; its id is the thread's id.
        const thread = await this.#call('open a post in that forum', () =>
          this.#rest.post(Routes.threads(where.channel), {
            body: { name: threadName(message.text), message: body },
          }),
        );
        const opened = thread as APIThreadChannel;
        sent = { id: opened.id, channel_id: opened.id } as APIMessage;
        where.channel = opened.id;
        this.#threads.set(opened.id, Promise.resolve());
      } else {
        sent = (await this.#call('post in that channel', () =>
          this.#rest.post(Routes.channelMessages(where.channel), { body }),
        )) as APIMessage;
      }
      if (!first && !where.threadId) this.#titles.remember(where.channel, sent.id, titleOf(part, message));
      first ??= { target, id: sent.id, ...(where.threadId ? { threadId: where.threadId } : {}) };
      // A long message continues in its own thread when it opened a forum post, else where it began.
      if (where.forum && index === 0) where.forum = false;
    }
    if (!first) throw new Error('renderMessage returned no part');
    if (key !== undefined) this.#posted.remember(target, key, first);
    return first;
  }

  /** Finds the bot's post carrying `key` among the newest messages where it would be; null if none. */
  async findPosted(target: TargetId, key: string, thread?: MessageRef): Promise<MessageRef | null> {
    const parsed = parseDiscordTarget(target);
    // A remembered post counts only in the thread asked about (DMs have none: replies go flat there).
    const root = parsed.kind === 'user' || !thread ? undefined : (thread.threadId ?? thread.id);
    const known = this.#posted.get(target, key);
    if (known && known.threadId === root) return known;
    const marker = markerOf(key, 0);
    let channel: string;
    let threadId: string | undefined;
    if (parsed.kind === 'user') {
      channel = await this.#dm(parsed.user);
    } else if (thread) {
      threadId = thread.threadId ?? thread.id;
      channel = threadId;
    } else if ((await this.#type(parsed.channel)) === ChannelType.GuildForum) {
      return this.#findForumPost(target, parsed.channel, marker);
    } else {
      channel = parsed.channel;
    }
    const found = await this.#searchHistory(channel, marker);
    if (!found) return null;
    const ref: MessageRef = { target, id: found.id, ...(threadId ? { threadId } : {}) };
    this.#posted.remember(target, key, ref);
    return ref;
  }

  /** The text of a message, or null when it is gone or cannot be read. */
  async messageText(ref: MessageRef): Promise<string | null> {
    const parsed = parseDiscordTarget(ref.target);
    const channel = parsed.kind === 'user' ? await this.#dm(parsed.user) : (ref.threadId ?? parsed.channel);
    try {
      const message = (await this.#rest.get(Routes.channelMessage(channel, ref.id))) as APIMessage;
      return messageText(message);
    } catch (error) {
      this.#logger.debug({ err: error, message: ref }, 'could not read a message');
      return null;
    }
  }

  /** The channel a user's direct messages go to. */
  dm(user: string): Promise<string> {
    return this.#dm(user);
  }

  async #destination(
    target: TargetId,
    thread: MessageRef | undefined,
    message: OutboundMessage,
  ): Promise<Destination> {
    const parsed = parseDiscordTarget(target);
    if (parsed.kind === 'user')
      return { channel: await this.#dm(parsed.user), threadId: undefined, forum: false };
    if (thread) {
      const root = thread.threadId ?? thread.id;
      await this.#ensureThread(parsed.channel, root, message);
      return { channel: root, threadId: root, forum: false };
    }
    const forum = (await this.#type(parsed.channel)) === ChannelType.GuildForum;
    return { channel: parsed.channel, threadId: undefined, forum };
  }

  /** Makes sure the thread started from `root` exists: it does for a forum post, else it is created once. */
  #ensureThread(channel: string, root: string, message: OutboundMessage): Promise<void> {
    const known = this.#threads.get(root);
    if (known) return known;
    const ready = this.#createThread(channel, root, message);
    this.#threads.set(root, ready);
    // A failed creation is tried again by the next post.
    ready.catch(() => this.#threads.deleteIf(root, ready));
    return ready;
  }

  async #createThread(channel: string, root: string, message: OutboundMessage): Promise<void> {
    if ((await this.#type(channel)) === ChannelType.GuildForum) return;
    const name = await this.#threadNameFor(channel, root, message);
    try {
      await this.#rest.post(Routes.threads(channel, root), { body: { name, auto_archive_duration: 10080 } });
    } catch (error) {
      // Made before (by this process before a restart, or another replica): the thread is there.
      if (discordCode(error) === DiscordCode.ThreadAlreadyCreated) return;
      throw discordFailure(error, 'start a thread there');
    }
  }

  /** A thread is named after its root message (the digest's title), else after the first reply. */
  async #threadNameFor(channel: string, root: string, message: OutboundMessage): Promise<string> {
    const posted = this.#titles.get(channel, root);
    if (posted) return threadName(posted);
    try {
      const rootMessage = (await this.#rest.get(Routes.channelMessage(channel, root))) as APIMessage;
      const title = rootMessage.embeds[0]?.title ?? rootMessage.content;
      if (title?.trim()) return threadName(title);
    } catch (error) {
      this.#logger.debug({ err: error, channel, root }, 'could not read a thread root to name the thread');
    }
    return threadName(message.text);
  }

  #dm(user: string): Promise<string> {
    const known = this.#dms.get(user);
    if (known) return known;
    const channel = this.#call('open a direct message', () =>
      this.#rest.post(Routes.userChannels(), { body: { recipient_id: user } }),
    ).then((dm) => (dm as APIChannel).id);
    this.#dms.set(user, channel);
    channel.catch(() => this.#dms.deleteIf(user, channel));
    return channel;
  }

  async #type(channel: string): Promise<ChannelType> {
    const known = this.#types.get(channel) ?? this.#cachedType(channel);
    if (known !== undefined) return known;
    const fetched = (await this.#call('read that channel', () =>
      this.#rest.get(Routes.channel(channel)),
    )) as APIChannel;
    this.#types.set(channel, fetched.type);
    return fetched.type;
  }

  async #searchHistory(channel: string, marker: string): Promise<APIMessage | null> {
    const bot = this.#botId();
    let before: string | undefined;
    for (let seen = 0; seen < this.#historyDepth; seen += HISTORY_PAGE) {
      const query = new URLSearchParams({ limit: String(HISTORY_PAGE), ...(before ? { before } : {}) });
      let page: APIMessage[];
      try {
        page = (await this.#rest.get(Routes.channelMessages(channel), { query })) as APIMessage[];
      } catch (error) {
        // A thread that was never created has no posts.
        if (discordCode(error) === DiscordCode.UnknownChannel) return null;
        throw discordFailure(error, 'read that channel');
      }
      const found = page.find(
        (message) => (bot === null || message.author.id === bot) && carries(message, marker),
      );
      if (found) return found;
      if (page.length < HISTORY_PAGE) return null;
      before = page.at(-1)?.id;
    }
    return null;
  }

  /** A forum's posts are threads: their first message is the one that may carry the marker. */
  async #findForumPost(target: TargetId, forum: string, marker: string): Promise<MessageRef | null> {
    const channel = (await this.#call('read that forum', () =>
      this.#rest.get(Routes.channel(forum)),
    )) as APIChannel;
    const guild = 'guild_id' in channel ? channel.guild_id : undefined;
    if (!guild) return null;
    const active = (await this.#call('read that forum', () =>
      this.#rest.get(Routes.guildActiveThreads(guild)),
    )) as {
      threads: APIThreadChannel[];
    };
    const posts = active.threads
      .filter((thread) => thread.parent_id === forum)
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .slice(0, 25);
    for (const post of posts) {
      try {
        const starter = (await this.#rest.get(Routes.channelMessage(post.id, post.id))) as APIMessage;
        if (carries(starter, marker)) return { target, id: post.id };
      } catch (error) {
        if (discordCode(error) !== DiscordCode.UnknownMessage) throw discordFailure(error, 'read that forum');
      }
    }
    return null;
  }

  async #call<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw discordFailure(error, what);
    }
  }
}

/** A message's body with the bot's footer on its last embed (the marker, for a post with a key). */
function withFooter(part: DiscordMessagePart, marker: string | null): RESTPostAPIChannelMessageJSONBody {
  const embeds = part.embeds.map((embed) => ({ ...embed }));
  const last = embeds.at(-1);
  if (last) last.footer = { text: marker ? `${FOOTER_BRAND} · ${marker}` : FOOTER_BRAND };
  return {
    ...(part.content ? { content: part.content } : {}),
    embeds,
    allowed_mentions: NO_MENTIONS,
  };
}

/** What a root message is called: its first embed's title, else its plain text. */
function titleOf(part: DiscordMessagePart, message: OutboundMessage): string {
  return part.embeds[0]?.title ?? message.text;
}

function carries(message: APIMessage, marker: string): boolean {
  return message.embeds.some((embed) => embed.footer?.text?.endsWith(` · ${marker}`) === true);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The footer marker of part `index` of a post with `key`. */
export function markerOf(key: string, index: number): string {
  return `ref ${digest(`${key}#${index}`).slice(0, 12)}`;
}

/** The nonce of part `index` of a post with `key` to `target`: at most 25 characters, as Discord allows. */
export function nonceOf(target: TargetId, key: string, index: number): string {
  return BigInt(`0x${digest(`${target}|${key}#${index}`).slice(0, 16)}`)
    .toString(36)
    .slice(0, NONCE_MAX);
}

function threadName(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim() || 'arXiv digest';
  return line.length <= THREAD_NAME_MAX ? line : `${line.slice(0, THREAD_NAME_MAX - 1)}…`;
}

/** What a message says, for finding arXiv links: its content and its embeds' titles, links and texts. */
export function messageText(message: APIMessage): string {
  const parts = [message.content];
  for (const embed of message.embeds) parts.push(embed.title ?? '', embed.url ?? '', embed.description ?? '');
  return parts.filter((part) => part !== '').join('\n');
}
