/**
 * The Slack adapter, on @slack/bolt. It translates and renders; every rule lives in the core.
 *
 * Connecting (Socket Mode or HTTP mode, auth.test) is connection.ts; the slash command and reactions are
 * listeners.ts, registered on the Bolt App the connection builds.
 *
 * Posting. `post` renders the Block model as Block Kit (blocks.ts); links are not unfurled. A message too
 * large for one Slack message is posted as several parts in order (the first where asked, the rest in its
 * thread) and `post` returns the first part's ref. Posts to one channel are paced (one per second by
 * default, Slack's documented rate for chat.postMessage) so a digest to many channels does not run into
 * 429s; a 429 that still comes is waited out per its Retry-After, and a failure in one channel touches no
 * other. A channel the bot is not in gives a clear log line and an error whose message tells the user to
 * invite the bot.
 *
 * Retrying a post. A post that failed without an answer (a network error, a timeout, a 5xx) may still have
 * been taken by Slack, so it is never simply sent again: a post with an idempotency key is first looked for
 * by its metadata and posted again only if it is not there; a post without a key is not retried. (The
 * WebClient would retry it blindly, and the channel would get it twice.)
 *
 * Idempotency. A post with an idempotency key carries it in Slack message metadata
 * (`arxiv_digest_post`); `findPosted` reads it back from the channel's recent history or the thread's
 * replies (`include_all_metadata`). A multi-part post with a key is resumable: `findPosted` reports it only
 * when every part is there, and posting it again posts only the parts that are missing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type {
  AdapterHealth,
  ChatAdapter,
  HttpRoute,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  TargetId,
  UserId,
} from '../../src/chat/types.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import { AdapterLifecycle } from '../kit/lifecycle.ts';
import { PostedKeys } from '../kit/posted-keys.ts';
import { renderMessage, type SlackMessage } from './blocks.ts';
import { type SlackClientSettings, webClient } from './client.ts';
import { botNameOf, EVENTS_PATH, SlackConnection } from './connection.ts';
import {
  answerLost,
  directMessageFailure,
  isNoSuchMessage,
  isNotInChannel,
  NoDirectMessageError,
  NotInChannelError,
  platformError,
  postFailure,
  rateLimitedFor,
  slackUnavailable,
} from './errors.ts';
import { channelTarget, isDirectMessageChannel, parseSlackTarget, userTarget } from './ids.ts';
import { register } from './listeners.ts';
import { type MessageMetadata, type PostPart, partMetadata, partOf } from './metadata.ts';
import { type StoredMessage, storedMessageText } from './read.ts';

export { NotInChannelError } from './errors.ts';

export interface SlackAdapterOptions {
  /** SLACK_BOT_TOKEN: the bot token (`xoxb-…`), in both modes. */
  botToken: string;
  /** SLACK_APP_TOKEN: an app-level token (`xapp-…`) with `connections:write`; selects Socket Mode. */
  appToken?: string | undefined;
  /** SLACK_SIGNING_SECRET: verifies requests in HTTP mode (used when there is no app token). */
  signingSecret?: string | undefined;
  /** SLACK_API_URL: the Web API base URL, e.g. a proxy or a test server. Default `https://slack.com/api/`. */
  apiUrl?: string | undefined;
  logger?: Logger | undefined;
  /** The slash command the app defines (manifest.yml). Default `/arxiv`. */
  command?: string | undefined;
  /** The least time between two posts to one channel. Default 1,000 ms (Slack: about one per second). */
  minPostIntervalMs?: number | undefined;
  /**
   * How failed and rate-limited calls are retried (429s are always waited out first): `retries`, and the
   * backoff between attempts (`minTimeout`, `factor`, `maxTimeout`). Posts follow it too, without repeats.
   */
  retryConfig?: webApi.RetryOptions | undefined;
  /** Timeout of one Web API request. Default 30 s. */
  requestTimeoutMs?: number | undefined;
  /** How many of a channel's newest messages `findPosted` looks through. Default 1,000. */
  historyDepth?: number | undefined;
  /** How long a channel membership answer is reused by `canManageChannel`. Default 60 s. */
  membershipTtlMs?: number | undefined;
  /** How long `start()` waits for Socket Mode to connect. Default 30 s. */
  connectTimeoutMs?: number | undefined;
  /** Socket Mode heartbeat: how long to wait for a pong, and for the server's ping. Bolt's defaults: 5 s, 30 s. */
  clientPingTimeoutMs?: number | undefined;
  serverPingTimeoutMs?: number | undefined;
}

/** A message as conversations.history and conversations.replies return it. */
interface SlackHistoryMessage extends StoredMessage {
  ts?: string;
  thread_ts?: string;
  bot_id?: string;
  metadata?: MessageMetadata;
}

const DEFAULT_API_URL = 'https://slack.com/api/';
/** Keys this process posted, remembered so `findPosted` needs no API call for them. */
const REMEMBERED_KEYS = 10_000;
const HISTORY_PAGE = 200;

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack';
  /**
   * In HTTP mode, the request listener for `/slack/events` (commands, events and interactivity): Bolt's
   * HTTPReceiver with its signature and timestamp checks. It answers 503 before `start()` and after `stop()`.
   * In Socket Mode it answers 404: events come over the socket.
   */
  readonly requestListener: (request: IncomingMessage, response: ServerResponse) => void;

  readonly #logger: Logger;
  readonly #command: string;
  readonly #minPostIntervalMs: number;
  /** The one Web API configuration (client.ts). */
  readonly #settings: SlackClientSettings;
  readonly #historyDepth: number;
  readonly #membershipTtlMs: number;
  readonly #client: webApi.WebClient;
  /** chat.postMessage only: it never retries by itself (see #postPart). */
  readonly #poster: webApi.WebClient;

  readonly #life = new AdapterLifecycle('Slack');
  readonly #connection: SlackConnection;
  readonly #dmChannels = new Map<string, string>();
  readonly #dmUsers = new Map<string, string>();
  /** Keys this process posted, so `findPosted` needs no API call for them; a key names its latest post. */
  readonly #postedKeys = new PostedKeys<MessageRef>({ limit: REMEMBERED_KEYS, keep: 'latest' });
  readonly #membership = new Map<string, { member: boolean; until: number }>();
  readonly #nextPostAt = new Map<string, number>();

  constructor(options: SlackAdapterOptions) {
    this.#logger = (options.logger ?? silentLogger).child({ adapter: 'slack' });
    this.#command = options.command ?? '/arxiv';
    this.#minPostIntervalMs = options.minPostIntervalMs ?? 1000;
    this.#settings = {
      botToken: (options.botToken ?? '').trim(),
      apiUrl: options.apiUrl?.trim() || DEFAULT_API_URL,
      logger: this.#logger,
      retryConfig: options.retryConfig ?? {
        retries: 5,
        factor: 2,
        minTimeout: 1000,
        maxTimeout: 30_000,
        randomize: true,
      },
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    };
    this.#historyDepth = options.historyDepth ?? 1000;
    this.#membershipTtlMs = options.membershipTtlMs ?? 60_000;
    this.#connection = new SlackConnection({
      client: this.#settings,
      appToken: options.appToken?.trim() || undefined,
      signingSecret: options.signingSecret?.trim() || undefined,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      clientPingTimeoutMs: options.clientPingTimeoutMs,
      serverPingTimeoutMs: options.serverPingTimeoutMs,
      running: () => this.#life.running,
    });
    this.#client = webClient(this.#settings, 'calls');
    this.#poster = webClient(this.#settings, 'posts');
    this.requestListener = this.#connection.requestListener;
  }

  get #botName(): string {
    return botNameOf(this.#connection.identity);
  }

  /** Socket Mode (an app token was given) or HTTP mode. */
  get mode(): 'socket' | 'http' {
    return this.#connection.mode;
  }

  /** In HTTP mode, `/slack/events` served by `requestListener`; none in Socket Mode. */
  routes(): readonly HttpRoute[] {
    return this.mode === 'http' ? [{ path: EVENTS_PATH, listener: this.requestListener }] : [];
  }

  async start(handlers: InboundHandlers): Promise<void> {
    await this.#life.start(
      async () => {
        await this.#connection.connect((app, identity) =>
          register(app, {
            command: this.#command,
            handlers,
            logger: this.#logger,
            team: identity.team,
            running: () => this.#life.running,
            track: (work) => this.#life.track(work),
            conversations: {
              targetOf: (team, channel) => this.#targetOfConversation(team, channel),
              locate: (channel, ts) => this.#locate(channel, ts),
            },
          }),
        );
      },
      () => this.#connection.disconnect(),
    );
    const identity = this.#connection.identity;
    this.#logger.info(
      { team: identity?.team, bot: identity?.botName, mode: this.mode },
      'connected to Slack',
    );
  }

  stop(): Promise<void> {
    return this.#life.stop({
      close: async (wasStarted) => {
        if (wasStarted) await this.#connection.disconnect();
      },
    });
  }

  health(): AdapterHealth {
    switch (this.#life.state) {
      case 'idle':
        return { connected: false, detail: 'slack: not started' };
      case 'starting':
        return { connected: false, detail: 'slack: connecting' };
      case 'stopping':
        return { connected: false, detail: 'slack: stopping' };
      case 'stopped':
        return { connected: false, detail: 'slack: stopped' };
      case 'running':
        return this.#connection.health();
    }
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => this.#post(target, message, options));
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
      channel = await this.#conversationOf(target);
    } catch (error) {
      if (error instanceof NotInChannelError) return null;
      throw error;
    }
    const found = await this.#findParts(channel, idempotencyKey, root);
    const first = found.get(1);
    if (!first?.ts) return null;
    const parts = partOf(first)?.parts ?? 1;
    if (parts > 1) {
      // The later parts are in the first part's thread (or in the same thread, for a reply).
      const rest = root === undefined ? await this.#findParts(channel, idempotencyKey, first.ts) : found;
      for (let part = 2; part <= parts; part++) if (!rest.has(part)) return null;
    }
    return root === undefined ? { target, id: first.ts } : { target, id: first.ts, threadId: root };
  }

  async fetchMessageText(message: MessageRef): Promise<string | null> {
    try {
      const channel = await this.#conversationOf(message.target);
      const found = await this.#locate(channel, message.id);
      return found ? storedMessageText(found) : null;
    } catch (error) {
      if (error instanceof NotInChannelError || platformError(error) !== null) return null;
      throw slackUnavailable(error, 'read a message');
    }
  }

  /**
   * Whether `user` is a member of `channel` (conversations.members, read page by page until the user is
   * found, and remembered for `membershipTtlMs`, so a burst of commands costs one listing). A user may
   * always manage their own direct-message target.
   */
  async canManageChannel(user: UserId, channel: TargetId): Promise<boolean> {
    const who = parseSlackTarget(user);
    const where = parseSlackTarget(channel);
    if (who.kind !== 'user') throw new Error(`"${user}" is not a Slack user.`);
    if (where.kind === 'user') return where.user === who.user && where.team === who.team;
    const cacheKey = `${where.channel}\u0000${who.user}`;
    const cached = this.#membership.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.member;
    const member = await this.#isMember(where.channel, who.user);
    this.#membership.set(cacheKey, { member, until: Date.now() + this.#membershipTtlMs });
    return member;
  }

  // --- outbound ------------------------------------------------------------------------------------------

  async #post(target: TargetId, message: OutboundMessage, options: PostOptions): Promise<MessageRef> {
    const thread = options.thread;
    if (thread && thread.target !== target) {
      throw new Error(`A thread in "${thread.target}" cannot hold a reply posted to "${target}".`);
    }
    const key = options.idempotencyKey;
    const channel = await this.#conversationOf(target);
    const root = thread ? (thread.threadId ?? thread.id) : undefined;
    const parts = renderMessage(message);
    const label = (part: number): PostPart | undefined =>
      key === undefined ? undefined : { key, part, parts: parts.length };
    // A multi-part post with a key may have been cut short by a crash: its posted parts are not repeated.
    const resumable = key !== undefined && parts.length > 1;
    const posted = resumable
      ? await this.#findParts(channel, key, root)
      : new Map<number, SlackHistoryMessage>();
    let first = posted.get(1)?.ts;
    if (first === undefined)
      first = await this.#postPart(target, channel, parts[0] as SlackMessage, root, label(1));
    // The later parts go to the first part's thread (or stay in the thread the first part is in).
    const restThread = root ?? first;
    const postedRest =
      resumable && root === undefined && posted.has(1) ? await this.#findParts(channel, key, first) : posted;
    for (let index = 1; index < parts.length; index++) {
      if (postedRest.has(index + 1)) continue;
      await this.#postPart(target, channel, parts[index] as SlackMessage, restThread, label(index + 1));
    }
    const ref: MessageRef =
      root === undefined ? { target, id: first } : { target, id: first, threadId: root };
    if (key !== undefined) this.#postedKeys.remember(target, key, ref);
    return ref;
  }

  async #postPart(
    target: TargetId,
    channel: string,
    part: SlackMessage,
    threadTs: string | undefined,
    metadata: PostPart | undefined,
  ): Promise<string> {
    const retries = this.#settings.retryConfig.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.#pace(channel);
      try {
        const result = await this.#poster.chat.postMessage({
          channel,
          text: part.text,
          ...(part.blocks.length > 0 ? { blocks: part.blocks } : {}),
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          unfurl_links: false,
          unfurl_media: false,
          ...(metadata ? { metadata: partMetadata(metadata) } : {}),
        });
        if (!result.ts) throw new Error('Slack answered chat.postMessage without a message ts.');
        return result.ts;
      } catch (error) {
        if (attempt >= retries) throw this.#postFailed(error, target, channel);
        const retryAfter = rateLimitedFor(error);
        if (retryAfter !== null) {
          // Refused, so not posted: wait as long as Slack asks, then post it.
          this.#logger.info({ target, channel, retryAfter }, 'Slack rate-limited a post; waiting');
          await sleep(retryAfter * 1000);
          continue;
        }
        if (!answerLost(error)) throw this.#postFailed(error, target, channel);
        // Slack may have taken it. Only a post with a key can be looked for; one without is not risked twice.
        if (!metadata) throw this.#postFailed(error, target, channel);
        this.#logger.warn(
          { target, channel, key: metadata.key, part: metadata.part, err: error },
          'a post got no answer from Slack; looking for it before posting it again',
        );
        await sleep(this.#backoff(attempt));
        const found = (await this.#findParts(channel, metadata.key, threadTs)).get(metadata.part);
        if (found?.ts) return found.ts;
      }
    }
  }

  /** The wait before retry `attempt` (from 0), per `retryConfig`. */
  #backoff(attempt: number): number {
    const { minTimeout = 1000, factor = 2, maxTimeout = 30_000 } = this.#settings.retryConfig;
    return Math.min(maxTimeout, minTimeout * factor ** attempt);
  }

  #postFailed(error: unknown, target: TargetId, channel: string): Error {
    const failure = postFailure(error, target, this.#botName);
    if (failure instanceof NotInChannelError) {
      const code = failure.slackError;
      this.#logger.warn(
        { target, channel, error: code },
        `cannot post to ${target}: the bot is not a member of the channel (${code}); invite it with /invite @${this.#botName}`,
      );
    }
    return failure;
  }

  /** Waits for this channel's next posting slot. */
  async #pace(channel: string): Promise<void> {
    if (this.#minPostIntervalMs <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.#nextPostAt.get(channel) ?? 0);
    this.#nextPostAt.set(channel, at + this.#minPostIntervalMs);
    if (at > now) await sleep(at - now);
  }

  // --- conversations -------------------------------------------------------------------------------------

  /** The conversation id for a target: the channel, or the bot's direct-message conversation with a user. */
  async #conversationOf(target: TargetId): Promise<string> {
    const parsed = parseSlackTarget(target);
    const team = this.#connection.identity?.team;
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
  async #targetOfConversation(team: string, channel: string): Promise<TargetId> {
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
  async #locate(channel: string, ts: string): Promise<SlackHistoryMessage | null> {
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

  /**
   * The parts this bot posted with `key`, by part number: among the channel's newest messages (top level
   * only), or among the replies of the thread `root`.
   */
  async #findParts(
    channel: string,
    key: string,
    root: string | undefined,
  ): Promise<Map<number, SlackHistoryMessage>> {
    const found = new Map<number, SlackHistoryMessage>();
    const botId = this.#connection.identity?.botId;
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
        throw new NotInChannelError(code, this.#botName, error);
      }
      throw slackUnavailable(error, 'check who may change this channel');
    }
  }
}
