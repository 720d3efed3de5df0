/**
 * Connecting to Slack. With an app-level token (SLACK_APP_TOKEN) the bot connects over Socket Mode and
 * needs no public URL. Without one it runs in HTTP mode: `requestListener` is a Node request listener (Bolt's
 * HTTPReceiver, which checks every request's signature with SLACK_SIGNING_SECRET and refuses timestamps older
 * than 5 minutes) that the project's HTTP server mounts at `/slack/events` for commands, events and
 * interactivity. Before Bolt sees a request, signed-requests.ts refuses with 401 a timestamp more than five
 * minutes ahead as well, and a signed request already taken (a replay, remembered in the store when there
 * is one, so across replicas). `connect()` first calls `auth.test`, which tells the workspace and bot user (shown in
 * health); a missing or rejected token stops start-up with a UserError naming the variable.
 *
 * The receiver hands every request or envelope to the Bolt App it was built with; the listeners are
 * registered on that app by the `register` callback given to `connect()` (listeners.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { AdapterHealth } from '../../src/chat/types.ts';
import { ExternalError, isAppError, UserError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import { withTimeout } from '../../src/timeout.ts';
import { type SlackClientSettings, webClient, webClientOptions } from './client.ts';
import { appTokenFailure, botTokenFailure } from './errors.ts';
import { boltLogger } from './logger.ts';
import { checkSignedRequest, type ReplayGuard } from './signed-requests.ts';

/** The workspace and bot user, as auth.test tells them. */
export interface Identity {
  team: string;
  teamName: string;
  botUserId: string;
  botId: string;
  botName: string;
}

/** The bot's name in `/invite` hints until auth.test has told the real one. */
const DEFAULT_BOT_NAME = 'arxiv-digest';

/** The bot's name, or the default before auth.test told it. */
export function botNameOf(identity: Identity | null): string {
  return identity?.botName ?? DEFAULT_BOT_NAME;
}

/** The path of Slack's HTTP endpoint on the bot's server, in HTTP mode. */
export const EVENTS_PATH = '/slack/events';
/** The largest request body taken in HTTP mode (Bolt's own limit). */
const BODY_LIMIT = 4 * 1024 * 1024;

export interface SlackConnectionOptions {
  /** The Web API settings, bot token included. */
  client: SlackClientSettings;
  /** SLACK_APP_TOKEN: selects Socket Mode. */
  appToken: string | undefined;
  /** SLACK_SIGNING_SECRET: verifies requests in HTTP mode. */
  signingSecret: string | undefined;
  /** How long `connect()` waits for Socket Mode to connect. */
  connectTimeoutMs: number;
  /** Socket Mode heartbeat: how long to wait for a pong, and for the server's ping (Bolt's defaults if unset). */
  clientPingTimeoutMs: number | undefined;
  serverPingTimeoutMs: number | undefined;
  /** Whether the adapter takes events now: HTTP requests get 503 otherwise. */
  running: () => boolean;
  /** Signed requests already taken, in HTTP mode: one seen again is a replay. */
  replays: ReplayGuard;
}

export class SlackConnection {
  /** Socket Mode (an app token was given) or HTTP mode. */
  readonly mode: 'socket' | 'http';
  /**
   * In HTTP mode, the request listener for `/slack/events`: Bolt's HTTPReceiver, answering 503 while the
   * adapter is not running. In Socket Mode it answers 404: events come over the socket.
   */
  readonly requestListener: (request: IncomingMessage, response: ServerResponse) => void;

  readonly #settings: SlackClientSettings;
  readonly #logger: Logger;
  readonly #appToken: string | undefined;
  readonly #signingSecret: string | undefined;
  readonly #connectTimeoutMs: number;
  readonly #clientPingTimeoutMs: number | undefined;
  readonly #serverPingTimeoutMs: number | undefined;
  readonly #running: () => boolean;
  readonly #replays: ReplayGuard;

  #identity: Identity | null = null;
  #http: HTTPReceiver | null = null;
  #socket: SocketModeReceiver | null = null;
  #socketConnected = false;
  #socketNote = '';

  /** Checks the tokens' form; throws a UserError naming the variable to fix. */
  constructor(options: SlackConnectionOptions) {
    this.#settings = options.client;
    this.#logger = options.client.logger;
    this.#appToken = options.appToken;
    this.#signingSecret = options.signingSecret;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#clientPingTimeoutMs = options.clientPingTimeoutMs;
    this.#serverPingTimeoutMs = options.serverPingTimeoutMs;
    this.#running = options.running;
    this.#replays = options.replays;
    checkCredentials(options.client.botToken, options.appToken, options.signingSecret);
    this.mode = options.appToken ? 'socket' : 'http';
    this.requestListener = (request, response) => this.#onHttpRequest(request, response);
  }

  /** Who the bot is, once connected. */
  get identity(): Identity | null {
    return this.#identity;
  }

  /**
   * Checks the bot token (auth.test), builds the receiver and its App, has `register` add the listeners,
   * and in Socket Mode opens the connection.
   */
  async connect(register: (app: App, identity: Identity) => void): Promise<Identity> {
    const identity = await this.#authTest();
    this.#identity = identity;
    const app = this.#buildApp(identity);
    register(app, identity);
    if (this.#socket) await this.#connectSocket(this.#socket);
    return identity;
  }

  /** Closes the Socket Mode connection, if there is one. */
  async disconnect(): Promise<void> {
    await this.#socket?.client.disconnect().catch(() => {});
    this.#socketConnected = false;
  }

  /** Health while the adapter runs: the workspace and bot, and in Socket Mode whether the socket is up. */
  health(): AdapterHealth {
    const identity = this.#identity;
    const who = identity ? `workspace ${identity.teamName} (${identity.team}) as @${identity.botName}` : '';
    if (this.mode === 'http')
      return { connected: true, detail: `slack: ${who}, HTTP events at ${EVENTS_PATH}` };
    return this.#socketConnected
      ? { connected: true, detail: `slack: ${who}, Socket Mode` }
      : {
          connected: false,
          detail: `slack: ${who}, Socket Mode disconnected${this.#socketNote}, reconnecting`,
        };
  }

  async #authTest(): Promise<Identity> {
    const client = webClient(this.#settings, 'start-up');
    try {
      const result = await client.auth.test();
      if (!result.team_id || !result.user_id || !result.bot_id) {
        throw new UserError(
          'CONFIG_INVALID',
          'SLACK_BOT_TOKEN is not a bot token: Slack does not name a bot user for it. Use the Bot User OAuth Token (xoxb-…).',
        );
      }
      return {
        team: result.team_id,
        teamName: result.team ?? result.team_id,
        botUserId: result.user_id,
        botId: result.bot_id,
        botName: result.user ?? DEFAULT_BOT_NAME,
      };
    } catch (error) {
      if (isAppError(error)) throw error;
      throw botTokenFailure(error, this.#settings.apiUrl);
    }
  }

  #buildApp(identity: Identity): App {
    const logger = boltLogger(this.#logger);
    if (this.#appToken) {
      this.#socket = new SocketModeReceiver({
        appToken: this.#appToken,
        logger,
        // The Socket Mode client calls apps.connections.open with the app token, retrying as it sees fit.
        installerOptions: { clientOptions: { slackApiUrl: this.#settings.apiUrl } },
        ...(this.#clientPingTimeoutMs === undefined ? {} : { clientPingTimeout: this.#clientPingTimeoutMs }),
        ...(this.#serverPingTimeoutMs === undefined ? {} : { serverPingTimeout: this.#serverPingTimeoutMs }),
      });
      this.#watchSocket(this.#socket);
    } else {
      this.#http = new HTTPReceiver({
        signingSecret: this.#signingSecret ?? '',
        endpoints: EVENTS_PATH,
        logger,
        // Bolt sends 404 after this long when nothing acknowledged a request; a command is acknowledged at once.
        unhandledRequestTimeoutMillis: 3001,
      });
    }
    return new App({
      token: this.#settings.botToken,
      botId: identity.botId,
      botUserId: identity.botUserId,
      receiver: this.#socket ?? (this.#http as HTTPReceiver),
      logger,
      clientOptions: webClientOptions(this.#settings, 'calls'),
    });
  }

  #watchSocket(receiver: SocketModeReceiver): void {
    receiver.client.on('connected', () => {
      this.#socketConnected = true;
      this.#socketNote = '';
    });
    receiver.client.on('disconnected', () => {
      this.#socketConnected = false;
    });
    receiver.client.on('reconnecting', () => {
      this.#socketConnected = false;
      this.#logger.warn('the Socket Mode connection to Slack dropped; reconnecting');
    });
    receiver.client.on('error', (error: Error) => {
      this.#socketNote = ` (${error.message})`;
    });
  }

  async #connectSocket(receiver: SocketModeReceiver): Promise<void> {
    try {
      await withTimeout(receiver.start(), this.#connectTimeoutMs, () => {
        throw new ExternalError(
          'PLATFORM_HTTP',
          `Slack's Socket Mode did not connect within ${this.#connectTimeoutMs} ms.`,
          { retryable: true },
        );
      });
      this.#socketConnected = true;
    } catch (error) {
      if (isAppError(error)) throw error;
      throw appTokenFailure(error);
    }
  }

  #onHttpRequest(request: IncomingMessage, response: ServerResponse): void {
    if (this.mode !== 'http') {
      response.writeHead(404).end();
      return;
    }
    if (!this.#running() || !this.#http) {
      response.writeHead(503, { 'Retry-After': '5' }).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'POST' || path !== EVENTS_PATH) {
      this.#toBolt(this.#http, request, response);
      return;
    }
    const receiver = this.#http;
    this.#checkThenHandle(receiver, request, response).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'a Slack request failed before Bolt took it');
      if (!response.headersSent) response.writeHead(500).end();
    });
  }

  /** The checks of signed-requests.ts, then Bolt (which reads the body already read, and checks it again). */
  async #checkThenHandle(
    receiver: HTTPReceiver,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const body = await readBody(request, BODY_LIMIT);
    if (body === null) {
      this.#logger.warn({ limit: BODY_LIMIT }, 'refused a Slack request: its body is too large');
      response.writeHead(413, { Connection: 'close' }).end();
      return;
    }
    const check = checkSignedRequest(request.headers, body, this.#signingSecret ?? '', Date.now());
    if (check.kind === 'refused') {
      this.#logger.warn({ reason: check.reason }, `refused a Slack request with ${check.reason}`);
      response.writeHead(401).end();
      return;
    }
    if (check.kind === 'signed') {
      let first: boolean;
      try {
        first = await this.#replays.firstSeen(check.id, check.rememberMs);
      } catch (error) {
        // Not known to be new, so not taken; Slack retries an event, and a person runs the command again.
        this.#logger.error(
          { err: error },
          'could not check a Slack request for a replay; refused it for now',
        );
        response.writeHead(503, { 'Retry-After': '5' }).end();
        return;
      }
      if (!first) {
        this.#logger.warn('refused a replayed Slack request');
        response.writeHead(401).end();
        return;
      }
    }
    (request as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    this.#toBolt(receiver, request, response);
  }

  #toBolt(receiver: HTTPReceiver, request: IncomingMessage, response: ServerResponse): void {
    try {
      receiver.requestListener(request, response);
    } catch (error) {
      // Bolt throws for a path or method it does not serve.
      this.#logger.debug({ err: error, url: request.url }, 'not a Slack events request');
      if (!response.headersSent) response.writeHead(404).end();
    }
  }
}

/** A request's body, or null when it is larger than `limit` bytes (the rest is read and dropped). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

/** The tokens' form, checked before any call: each mistake gets a UserError naming the variable. */
function checkCredentials(
  botToken: string,
  appToken: string | undefined,
  signingSecret: string | undefined,
): void {
  if (botToken === '') {
    throw new UserError(
      'CONFIG_INVALID',
      'SLACK_BOT_TOKEN is missing. Set it to the Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page.',
    );
  }
  if (!botToken.startsWith('xoxb-')) {
    throw new UserError(
      'CONFIG_INVALID',
      'SLACK_BOT_TOKEN is not a bot token: it must start with "xoxb-" (the Bot User OAuth Token on the app\'s "OAuth & Permissions" page).',
    );
  }
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    throw new UserError(
      'CONFIG_INVALID',
      'SLACK_APP_TOKEN is not an app-level token: it must start with "xapp-" (make one with the connections:write scope under "Basic Information").',
    );
  }
  if (appToken === undefined && signingSecret === undefined) {
    throw new UserError(
      'CONFIG_INVALID',
      'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode at /slack/events); neither is set.',
    );
  }
}
