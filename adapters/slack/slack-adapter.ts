/**
 * The Slack adapter, on @slack/bolt. It translates and renders; every rule lives in the core. This file is
 * the facade that puts the parts together behind the ChatAdapter contract:
 *   connection.ts      Socket Mode or HTTP mode, auth.test, health of the connection
 *   listeners.ts       the slash command and reactions, registered on the Bolt App
 *   posting.ts         posts: pacing, 429s, multi-part messages, idempotency metadata, findPosted
 *   conversations.ts   direct messages, history and replies, one message, channel members
 *   errors.ts          Slack's error codes as the project's errors
 *   client.ts          the one configuration of Web API clients
 * and the adapter kit (adapters/kit) keeps its lifecycle: start once, stop letting posts in flight finish.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { ReplayRepository } from '../../src/store/repositories/replays.ts';
import type { Store } from '../../src/store/store.ts';
import { AdapterLifecycle } from '../kit/lifecycle.ts';
import { type SlackClientSettings, webClient } from './client.ts';
import { botNameOf, EVENTS_PATH, SlackConnection } from './connection.ts';
import { SlackConversations } from './conversations.ts';
import { register } from './listeners.ts';
import { SlackPoster, type SlackPosterOptions } from './posting.ts';
import { MemoryReplayGuard } from './signed-requests.ts';

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
  /**
   * The store, in HTTP mode: signed requests already taken are remembered there, so a replay is refused by
   * every replica that shares it. Without it they are remembered in this process (a bounded memory).
   */
  store?: Store | undefined;
  /** The slash command the app defines (manifest.yml). Default `/arxiv`. */
  command?: string | undefined;
  /** The steady time between two posts to one channel. Default 1,000 ms (Slack: about one per second); 0 for no pacing. */
  minPostIntervalMs?: number | undefined;
  /** Posts one channel may take at once after a quiet spell. Default 2 (Slack allows short bursts). */
  postBurst?: number | undefined;
  /**
   * SLACK_POSTS_PER_MINUTE: posts to the whole workspace a minute (Slack: "several hundred"), with bursts of
   * a second's worth. Default DEFAULT_WORKSPACE_POSTS_PER_MINUTE; 0 for no workspace pacing.
   */
  workspacePostsPerMinute?: number | undefined;
  /** chat.postMessage calls on the wire at once, at most. Default 50. */
  maxPostsInFlight?: number | undefined;
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

const DEFAULT_API_URL = 'https://slack.com/api/';

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
  readonly #life = new AdapterLifecycle('Slack');
  readonly #connection: SlackConnection;
  readonly #conversations: SlackConversations;
  readonly #poster: SlackPoster;

  constructor(options: SlackAdapterOptions) {
    this.#logger = (options.logger ?? silentLogger).child({ adapter: 'slack' });
    this.#command = options.command ?? '/arxiv';
    const settings: SlackClientSettings = {
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
    this.#connection = new SlackConnection({
      client: settings,
      appToken: options.appToken?.trim() || undefined,
      signingSecret: options.signingSecret?.trim() || undefined,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      clientPingTimeoutMs: options.clientPingTimeoutMs,
      serverPingTimeoutMs: options.serverPingTimeoutMs,
      running: () => this.#life.running,
      replays: options.store ? new ReplayRepository(options.store) : new MemoryReplayGuard(),
    });
    const identity = () => this.#connection.identity;
    this.#conversations = new SlackConversations({
      client: webClient(settings, 'calls'),
      logger: this.#logger,
      identity,
      historyDepth: options.historyDepth ?? 1000,
      membershipTtlMs: options.membershipTtlMs ?? 60_000,
    });
    this.#poster = new SlackPoster({
      client: webClient(settings, 'posts'),
      conversations: this.#conversations,
      logger: this.#logger,
      retryConfig: settings.retryConfig,
      ...postRates(options),
      maxInFlight: options.maxPostsInFlight ?? 50,
      botName: () => botNameOf(identity()),
    });
    this.requestListener = this.#connection.requestListener;
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
            conversations: this.#conversations,
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
    return this.#life.health('slack', () => this.#connection.health());
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => this.#poster.post(target, message, options));
  }

  findPosted(target: TargetId, idempotencyKey: string, thread?: MessageRef): Promise<MessageRef | null> {
    return this.#poster.findPosted(target, idempotencyKey, thread);
  }

  fetchMessageText(message: MessageRef): Promise<string | null> {
    return this.#conversations.messageText(message);
  }

  /**
   * Whether `user` is a member of `channel` (remembered for `membershipTtlMs`); a user may always manage
   * their own direct-message target.
   */
  canManageChannel(user: UserId, channel: TargetId): Promise<boolean> {
    return this.#conversations.canManage(user, channel);
  }
}

/** Slack's workspace-wide limit on chat.postMessage is "several hundred a minute": the low end of it. */
export const DEFAULT_WORKSPACE_POSTS_PER_MINUTE = 600;

function postRates(options: SlackAdapterOptions): Pick<SlackPosterOptions, 'channelRate' | 'workspaceRate'> {
  const interval = options.minPostIntervalMs ?? 1000;
  const perMinute = options.workspacePostsPerMinute ?? DEFAULT_WORKSPACE_POSTS_PER_MINUTE;
  return {
    channelRate: interval > 0 ? { perSecond: 1000 / interval, burst: options.postBurst ?? 2 } : null,
    workspaceRate:
      perMinute > 0 ? { perSecond: perMinute / 60, burst: Math.max(1, Math.floor(perMinute / 60)) } : null,
  };
}
