/**
 * A protocol-faithful fake Slack on 127.0.0.1, for the real Bolt app and WebClient:
 *
 * - the Web API at `<url>/api/<method>` (the WebClient's `slackApiUrl`): form or JSON bodies, the token in
 *   the Authorization header or a `token` field, `{ok, error}` envelopes, 429 with `Retry-After`. Methods:
 *   auth.test, apps.connections.open, chat.postMessage, conversations.open/history/replies/info/members.
 * - `response_url`s at `<url>/respond/<id>` (five answers each, as Slack allows).
 * - Socket Mode: apps.connections.open hands out a one-time `ws://127.0.0.1…/link/?ticket=…` URL; the fake
 *   says `hello`, sends `slash_commands` and `events_api` envelopes with an `envelope_id`, pings, records
 *   each acknowledgement, and can ask the client to reconnect (`disconnect`).
 * - HTTP mode: the same payloads POSTed, signed with the signing secret, to the app's `/slack/events` URL;
 *   the HTTP answer is the acknowledgement.
 *
 * It keeps a workspace: users, channels and their members, direct-message conversations, messages with
 * threads, metadata and reactions, so the adapter's reads answer as Slack would. Everything is recorded.
 * Faults: errors, HTTP statuses and 429s injected per method (and channel), a per-channel rate limit, and
 * posts held in flight. A rate limit is answered as HTTP 429 with `Retry-After`, or in the form Slack also
 * uses: HTTP 200 with `{ok: false, error: "ratelimited"}` (or `"rate_limited"`), with or without the header. Payload shapes follow the recorded ones in ../shared/fixtures/slack/.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as formBody, parse as parseQuery } from 'node:querystring';
import { blockProblems, MAX_MESSAGE_TEXT } from './slack/validate.ts';
import { acceptWebSocket, type WebSocketConnection } from './slack/websocket.ts';

export interface FakeSlackOptions {
  teamId?: string;
  teamName?: string;
  /** How often the fake pings each Socket Mode connection, as Slack does. Default 10 s; 0 for never. */
  pingIntervalMs?: number;
}

export interface FakeUser {
  id: string;
  name: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  members: Set<string>;
  isIm: boolean;
  /** For a direct-message conversation: the person the bot talks to. */
  imUser: string | null;
  isPrivate: boolean;
  isArchived: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  user: string;
  botId: string | null;
  threadTs: string | null;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | null;
  replies: string[];
  reactions: Map<string, Set<string>>;
  /** What the poster sent (chat.postMessage parameters, or a response_url body). */
  sent: Record<string, unknown>;
  /** How it came: chat.postMessage, a command answer shared in the channel, or a person. */
  via: 'chat.postMessage' | 'response_url' | 'person';
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  status: number;
  error: string | null;
}

export interface Delivery {
  id: string;
  type: 'slash_commands' | 'events_api';
  payload: Record<string, unknown>;
  sentAt: number;
  via: 'socket' | 'http';
  ackedAt: number | null;
  /** The acknowledgement's payload (Socket Mode) or HTTP answer body (HTTP mode). */
  ack: unknown;
  httpStatus: number | null;
}

export interface CommandAnswer {
  responseUrl: string;
  command: Record<string, string>;
  body: Record<string, unknown>;
  at: number;
  status: number;
}

/** How a rate limit (`rateLimit`) is answered. */
export interface RateLimitAnswer {
  /** HTTP 429 (default), or HTTP 200 with `{ok: false, error}`. */
  form?: 'status-429' | 'ok-false';
  /** The error code of the 200-form. Default `ratelimited`; Slack's docs also name `rate_limited`. */
  error?: string;
  /** Whether the 200-form carries a `Retry-After` header. Default true (a 429 always does). */
  retryAfter?: boolean;
}

export interface Fault {
  /** The channel the fault applies to; every channel when left out. */
  channel?: string;
  /** Answer `{ok: false, error}`. */
  error?: string;
  /**
   * Answer this HTTP status (with `Retry-After` when it is 429). `status: 200` with `error` answers
   * `{ok: false, error}` with HTTP 200, and with `Retry-After` too when `retryAfterSeconds` is given: the
   * 200-form of a rate limit is `{status: 200, error: 'ratelimited', retryAfterSeconds: 1}`.
   */
  status?: number;
  /** Seconds of `Retry-After`: a 429 unless `status: 200` says otherwise. */
  retryAfterSeconds?: number;
  /** How many calls it applies to. Default 1. */
  times?: number;
  /** How many matching calls pass untouched before it applies. Default 0. */
  skip?: number;
}

class ApiError extends Error {
  readonly extra: Record<string, unknown>;
  constructor(error: string, extra: Record<string, unknown> = {}) {
    super(error);
    this.extra = extra;
  }
}

const ANSWERS_PER_RESPONSE_URL = 5;

export class FakeSlack {
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain = 'fake-lab';
  readonly bot = { userId: 'U0BOT0001', botId: 'B0BOT0001', appId: 'A0APP0001', name: 'arxiv-digest' };
  readonly botToken = `xoxb-0001-fake-${randomUUID().slice(0, 8)}`;
  readonly appToken = `xapp-1-A0APP0001-fake-${randomUUID().slice(0, 8)}`;
  readonly signingSecret = randomUUID().replace(/-/g, '');

  readonly calls: ApiCall[] = [];
  readonly deliveries: Delivery[] = [];
  readonly answers: CommandAnswer[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();

  readonly #server: Server;
  readonly #pingIntervalMs: number;
  #base = '';
  readonly #messages = new Map<string, FakeMessage[]>();
  readonly #tickets = new Set<string>();
  readonly #sockets: WebSocketConnection[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #faults: Array<Fault & { method: string; remaining: number; skip: number }> = [];
  readonly #rateLimits = new Map<
    string,
    {
      perSecond: number;
      burst: number;
      answer: RateLimitAnswer;
      buckets: Map<string, { tokens: number; at: number }>;
    }
  >();
  readonly #workspaceLimits = new Map<
    string,
    { perSecond: number; burst: number; bucket: { tokens: number; at: number } | null }
  >();
  readonly #commands = new Map<string, { command: Record<string, string>; uses: number }>();
  readonly #waiters = new Set<() => void>();
  #hold: { waiting: Array<() => void>; reached: Array<() => void> } | null = null;
  #httpTarget: string | null = null;
  #lastTsMicros = 0;
  #ids = 0;

  private constructor(options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0FAKE001';
    this.teamName = options.teamName ?? 'Fake Lab';
    this.#pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.users.set(this.bot.userId, { id: this.bot.userId, name: this.bot.name });
    this.#server = createServer((request, response) => {
      this.#onRequest(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
    this.#server.on('upgrade', (request, socket) => this.#onUpgrade(request, socket));
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#base = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The Web API base URL, for the adapter's `apiUrl` (SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.#base}/api/`;
  }

  get url(): string {
    return this.#base;
  }

  get openSockets(): number {
    return this.#sockets.filter((socket) => socket.open).length;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    for (const socket of this.#sockets) socket.terminate();
    this.#hold?.waiting.splice(0).forEach((go) => {
      go();
    });
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- the workspace -------------------------------------------------------------------------------------

  addUser(name: string, id = this.#nextId('U')): FakeUser {
    const user = { id, name };
    this.users.set(id, user);
    return user;
  }

  /** A channel; the bot is a member unless `bot: false`. */
  addChannel(
    options: {
      name?: string;
      id?: string;
      members?: string[];
      bot?: boolean;
      private?: boolean;
      archived?: boolean;
    } = {},
  ): FakeChannel {
    const id = options.id ?? this.#nextId(options.private ? 'G' : 'C');
    const members = new Set(options.members ?? []);
    if (options.bot !== false) members.add(this.bot.userId);
    const channel: FakeChannel = {
      id,
      name: options.name ?? `channel-${id.toLowerCase()}`,
      members,
      isIm: false,
      imUser: null,
      isPrivate: options.private ?? false,
      isArchived: options.archived ?? false,
    };
    this.channels.set(id, channel);
    this.#messages.set(id, []);
    return channel;
  }

  /**
   * The bot's direct-message conversation with a user, opened if needed (as conversations.open does);
   * `id` names a new one (to match a recorded payload).
   */
  imWith(user: string, id = this.#nextId('D')): FakeChannel {
    for (const channel of this.channels.values()) if (channel.isIm && channel.imUser === user) return channel;
    const channel: FakeChannel = {
      id,
      name: 'directmessage',
      members: new Set([user, this.bot.userId]),
      isIm: true,
      imUser: user,
      isPrivate: true,
      isArchived: false,
    };
    this.channels.set(id, channel);
    this.#messages.set(id, []);
    return channel;
  }

  messagesIn(channel: string): FakeMessage[] {
    return [...(this.#messages.get(channel) ?? [])];
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.#messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** The bot's chat.postMessage posts, in order, across channels. */
  posts(): FakeMessage[] {
    return [...this.#messages.values()]
      .flat()
      .filter((m) => m.via === 'chat.postMessage')
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** A person's message (for reacting to a message with an arXiv link in it). */
  postAsUser(user: string, channel: string, text: string, threadTs?: string): string {
    const message = this.#store(channel, {
      text,
      user,
      botId: null,
      threadTs: threadTs ?? null,
      metadata: null,
      sent: { text },
      via: 'person',
    });
    return message.ts;
  }

  // --- faults --------------------------------------------------------------------------------------------

  /** Makes the next call(s) to `method` fail as described. Faults are used in the order they were added. */
  fail(method: string, fault: Fault): void {
    this.#faults.push({ ...fault, method, remaining: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  /**
   * Enforces Slack's per-channel rate limit on `method`: `perSecond` calls per channel on average, with
   * bursts of up to `burst` (a token bucket per channel); beyond it, 429 with Retry-After, or the 200-form
   * that `answer` asks for.
   */
  rateLimit(method: string, perSecond: number, burst = 1, answer: RateLimitAnswer = {}): void {
    this.#rateLimits.set(method, { perSecond, burst, answer, buckets: new Map() });
  }

  /**
   * Enforces a workspace-wide limit on `method` as well (Slack's "several hundred a minute" for
   * chat.postMessage): `perMinute` calls across all channels, bursts of up to `burst`; beyond it, the same
   * 429 as `rateLimit`. A call refused by either limit uses up neither.
   */
  workspaceRateLimit(method: string, perMinute: number, burst: number): void {
    this.#workspaceLimits.set(method, { perSecond: perMinute / 60, burst, bucket: null });
  }

  /** Keeps chat.postMessage calls in flight until `release()`; `reached()` resolves when one is waiting. */
  holdPosts(): { reached(): Promise<void>; release(): void } {
    const hold = { waiting: [] as Array<() => void>, reached: [] as Array<() => void> };
    this.#hold = hold;
    return {
      reached: () =>
        hold.waiting.length > 0 ? Promise.resolve() : new Promise((resolve) => hold.reached.push(resolve)),
      release: () => {
        if (this.#hold === hold) this.#hold = null;
        for (const go of hold.waiting.splice(0)) go();
      },
    };
  }

  /** Asks every Socket Mode client to reconnect, as Slack does when it recycles a server. */
  disconnectSockets(reason = 'refresh_requested'): void {
    for (const socket of this.#sockets) {
      socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
    }
  }

  /** Drops every Socket Mode connection without a word, like a network failure. */
  dropSockets(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  // --- the people's side: commands and reactions ---------------------------------------------------------

  /** Sends commands and events to this URL (the app's `/slack/events`), signed, instead of over Socket Mode. */
  deliverOverHttp(url: string | null): void {
    this.#httpTarget = url;
  }

  /** `user` types `/arxiv <text>` (or another command) in `channel`. Resolves once it is handed over. */
  async slashCommand(input: {
    user: string;
    channel: string;
    text: string;
    command?: string;
  }): Promise<Delivery> {
    const id = randomUUID();
    const channel = this.channels.get(input.channel);
    const command: Record<string, string> = {
      token: 'fake-verification-token',
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: input.channel,
      channel_name: channel?.isIm ? 'directmessage' : (channel?.name ?? 'unknown'),
      user_id: input.user,
      user_name: this.users.get(input.user)?.name ?? input.user.toLowerCase(),
      command: input.command ?? '/arxiv',
      text: input.text,
      api_app_id: this.bot.appId,
      is_enterprise_install: 'false',
      response_url: `${this.#base}/respond/${id}`,
      trigger_id: `${Date.now()}.${id.slice(0, 8)}`,
    };
    this.#commands.set(id, { command, uses: 0 });
    return this.deliver('slash_commands', command);
  }

  /** `user` adds the reaction `reaction` (`memo`) to the message `ts` in `channel`. */
  async react(input: { user: string; channel: string; ts: string; reaction: string }): Promise<Delivery> {
    const message = this.message(input.channel, input.ts);
    if (!message) throw new Error(`No message ${input.ts} in ${input.channel} to react to.`);
    const users = message.reactions.get(input.reaction) ?? new Set<string>();
    users.add(input.user);
    message.reactions.set(input.reaction, users);
    return this.#reactionEvent('reaction_added', input, message);
  }

  /**
   * `user` removes the reaction `reaction` from the message `ts` in `channel`: `reaction_removed`, which
   * Slack sends only for a reaction the user had put there (null, and no event, otherwise).
   */
  async unreact(input: {
    user: string;
    channel: string;
    ts: string;
    reaction: string;
  }): Promise<Delivery | null> {
    const message = this.message(input.channel, input.ts);
    if (!message) throw new Error(`No message ${input.ts} in ${input.channel} to unreact to.`);
    const users = message.reactions.get(input.reaction);
    if (!users?.delete(input.user)) return null;
    if (users.size === 0) message.reactions.delete(input.reaction);
    return this.#reactionEvent('reaction_removed', input, message);
  }

  /** The Events API envelope of a reaction event (reaction_added and reaction_removed have one shape). */
  #reactionEvent(
    type: 'reaction_added' | 'reaction_removed',
    input: { user: string; channel: string; ts: string; reaction: string },
    message: FakeMessage,
  ): Promise<Delivery> {
    const eventTs = this.#nextTs();
    return this.deliver('events_api', {
      token: 'fake-verification-token',
      team_id: this.teamId,
      api_app_id: this.bot.appId,
      event: {
        type,
        user: input.user,
        item: { type: 'message', channel: input.channel, ts: input.ts },
        reaction: input.reaction,
        item_user: message.user,
        event_ts: eventTs,
      },
      type: 'event_callback',
      event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.bot.userId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomUUID()}`,
    });
  }

  /** Resolves when the delivery has been acknowledged, or rejects after `timeoutMs`. */
  async acknowledged(delivery: Delivery, timeoutMs = 5000): Promise<Delivery> {
    await this.waitFor(
      () => delivery.ackedAt !== null,
      timeoutMs,
      `acknowledgement of ${delivery.type} ${delivery.id}`,
    );
    return delivery;
  }

  /** Waits until `done()` holds (checked whenever the fake records something, and every 20 ms). */
  async waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 20);
        this.#waiters.add(wake);
      });
    }
  }

  // --- delivery ------------------------------------------------------------------------------------------

  /**
   * Hands a payload to the app as Slack would: in a Socket Mode envelope, or POSTed and signed in HTTP mode.
   * `slashCommand` and `react` build theirs; a test may send a recorded one.
   */
  async deliver(type: Delivery['type'], payload: Record<string, unknown>): Promise<Delivery> {
    const delivery: Delivery = {
      id: randomUUID(),
      type,
      payload,
      sentAt: Date.now(),
      via: this.#httpTarget ? 'http' : 'socket',
      ackedAt: null,
      ack: null,
      httpStatus: null,
    };
    if (this.#httpTarget) {
      this.deliveries.push(delivery);
      void this.#postSigned(this.#httpTarget, delivery);
      return delivery;
    }
    const socket = [...this.#sockets].reverse().find((s) => s.open);
    if (!socket) throw new Error('No app is connected over Socket Mode to receive this.');
    this.deliveries.push(delivery);
    socket.send(
      JSON.stringify({
        envelope_id: delivery.id,
        payload,
        type,
        accepts_response_payload: type === 'slash_commands',
        ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      }),
    );
    return delivery;
  }

  /** Signs a request as Slack does: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
  sign(body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    const signature = createHmac('sha256', this.signingSecret)
      .update(`v0:${timestamp}:${body}`)
      .digest('hex');
    return { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': `v0=${signature}` };
  }

  async #postSigned(url: string, delivery: Delivery): Promise<void> {
    const form = delivery.type === 'slash_commands';
    const body = form
      ? formBody(delivery.payload as Record<string, string>)
      : JSON.stringify(delivery.payload);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json',
          ...this.sign(body),
        },
        body,
      });
      const text = await response.text();
      delivery.httpStatus = response.status;
      if (response.status === 200) {
        delivery.ackedAt = Date.now();
        delivery.ack = text === '' ? {} : safeJson(text);
      }
    } catch (error) {
      delivery.ack = { error: (error as Error).message };
    }
    this.#wake();
  }

  #onUpgrade(request: IncomingMessage, socket: import('node:stream').Duplex): void {
    const url = new URL(request.url ?? '/', this.#base);
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    const connection = acceptWebSocket(request, socket);
    if (!connection) return;
    this.#sockets.push(connection);
    connection.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openSockets,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.bot.appId },
      }),
    );
    if (this.#pingIntervalMs > 0) {
      const timer = setInterval(() => connection.ping(`ping-${Date.now()}`), this.#pingIntervalMs);
      this.#timers.add(timer);
      connection.on('close', () => {
        clearInterval(timer);
        this.#timers.delete(timer);
      });
    }
    connection.on('message', (text) => {
      const ack = safeJson(text) as { envelope_id?: string; payload?: unknown } | null;
      const delivery = this.deliveries.find((d) => d.id === ack?.envelope_id);
      if (delivery && delivery.ackedAt === null) {
        delivery.ackedAt = Date.now();
        delivery.ack = ack?.payload ?? {};
        this.#wake();
      }
    });
    connection.on('close', () => {
      const index = this.#sockets.indexOf(connection);
      if (index !== -1) this.#sockets.splice(index, 1);
    });
  }

  // --- HTTP ----------------------------------------------------------------------------------------------

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#base);
    const raw = await readBody(request);
    if (url.pathname.startsWith('/api/')) {
      await this.#onApi(url, request, raw, response);
    } else if (url.pathname.startsWith('/respond/') && request.method === 'POST') {
      this.#onResponseUrl(url.pathname.slice('/respond/'.length), raw, response);
    } else {
      response.writeHead(404).end();
    }
  }

  async #onApi(url: URL, request: IncomingMessage, raw: string, response: ServerResponse): Promise<void> {
    const method = url.pathname.slice('/api/'.length);
    const json = (request.headers['content-type'] ?? '').includes('application/json');
    const params: Record<string, unknown> = {
      ...Object.fromEntries(url.searchParams),
      ...(json
        ? ((safeJson(raw) as Record<string, unknown>) ?? {})
        : (parseQuery(raw) as Record<string, unknown>)),
    };
    for (const field of ['blocks', 'metadata', 'attachments']) {
      if (typeof params[field] === 'string')
        params[field] = safeJson(params[field] as string) ?? params[field];
    }
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ')
      ? header.slice('Bearer '.length)
      : (params.token as string | undefined);
    const call: ApiCall = { method, params, at: Date.now(), status: 200, error: null };
    this.calls.push(call);
    if (method === 'chat.postMessage' && this.#hold) {
      const hold = this.#hold;
      await new Promise<void>((resolve) => {
        hold.waiting.push(resolve);
        for (const notify of hold.reached.splice(0)) notify();
      });
    }

    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      call.error = body.ok === false ? String(body.error) : null;
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
      this.#wake();
    };

    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    const fault = this.#takeFault(method, channel);
    if (fault) {
      if (fault.status === 200 && fault.error !== undefined) {
        const retryAfter = fault.retryAfterSeconds;
        answer(
          200,
          { ok: false, error: fault.error },
          retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
        );
      } else if (fault.status === 429 || fault.retryAfterSeconds !== undefined) {
        answer(
          429,
          { ok: false, error: 'ratelimited' },
          { 'Retry-After': String(fault.retryAfterSeconds ?? 1) },
        );
      } else if (fault.status !== undefined && fault.status !== 200) {
        call.status = fault.status;
        response.writeHead(fault.status, { 'Content-Type': 'text/plain' }).end('upstream trouble');
        this.#wake();
      } else {
        answer(200, { ok: false, error: fault.error ?? 'fatal_error' });
      }
      return;
    }
    const limited = this.#rateLimited(method, channel);
    if (limited !== null) {
      const form = this.#rateLimits.get(method)?.answer ?? {};
      if (form.form === 'ok-false') {
        answer(
          200,
          { ok: false, error: form.error ?? 'ratelimited' },
          form.retryAfter === false ? {} : { 'Retry-After': String(limited) },
        );
      } else {
        answer(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(limited) });
      }
      return;
    }
    try {
      this.#authenticate(method, token);
      answer(200, { ok: true, ...this.#call(method, params) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer(200, { ok: false, error: error.message, ...error.extra });
    }
  }

  #takeFault(method: string, channel: string | undefined): Fault | null {
    const index = this.#faults.findIndex(
      (f) => f.method === method && (f.channel === undefined || f.channel === channel),
    );
    if (index === -1) return null;
    const fault = this.#faults[index] as Fault & { remaining: number; skip: number };
    if (fault.skip > 0) {
      fault.skip -= 1;
      return null;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  /** Seconds to wait when this call goes over the method's per-channel rate, else null. */
  #rateLimited(method: string, channel: string | undefined): number | null {
    const now = Date.now();
    const refill = (
      bucket: { tokens: number; at: number } | undefined | null,
      rate: { perSecond: number; burst: number },
    ) => {
      const next = bucket ?? { tokens: rate.burst, at: now };
      next.tokens = Math.min(rate.burst, next.tokens + ((now - next.at) / 1000) * rate.perSecond);
      next.at = now;
      return next;
    };
    const wait = (bucket: { tokens: number }, perSecond: number) =>
      Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    const limit = this.#rateLimits.get(method);
    const perChannel = limit && channel !== undefined ? refill(limit.buckets.get(channel), limit) : undefined;
    if (limit && perChannel && channel !== undefined) limit.buckets.set(channel, perChannel);
    const workspace = this.#workspaceLimits.get(method);
    if (workspace) workspace.bucket = refill(workspace.bucket, workspace);
    if (limit && perChannel && perChannel.tokens < 1) return wait(perChannel, limit.perSecond);
    if (workspace?.bucket && workspace.bucket.tokens < 1) return wait(workspace.bucket, workspace.perSecond);
    if (perChannel) perChannel.tokens -= 1;
    if (workspace?.bucket) workspace.bucket.tokens -= 1;
    return null;
  }

  #authenticate(method: string, token: string | undefined): void {
    if (!token) throw new ApiError('not_authed');
    if (method === 'apps.connections.open') {
      if (token === this.botToken) throw new ApiError('not_allowed_token_type');
      if (token !== this.appToken) throw new ApiError('invalid_auth');
      return;
    }
    if (token === this.appToken) throw new ApiError('not_allowed_token_type');
    if (token !== this.botToken) throw new ApiError('invalid_auth');
  }

  #call(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          url: `https://${this.teamDomain}.slack.com/`,
          team: this.teamName,
          user: this.bot.name,
          team_id: this.teamId,
          user_id: this.bot.userId,
          bot_id: this.bot.botId,
          is_enterprise_install: false,
        };
      case 'apps.connections.open': {
        const ticket = randomUUID();
        this.#tickets.add(ticket);
        return {
          url: `${this.#base.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.bot.appId}`,
        };
      }
      case 'chat.postMessage':
        return this.#postMessage(params);
      case 'conversations.open':
        return this.#open(params);
      case 'conversations.history':
        return this.#history(params);
      case 'conversations.replies':
        return this.#replies(params);
      case 'conversations.info': {
        const channel = this.#channel(params.channel);
        return { channel: channelInfo(channel, this.bot.userId) };
      }
      case 'conversations.members':
        return this.#members(params);
      default:
        throw new ApiError('unknown_method');
    }
  }

  #channel(id: unknown): FakeChannel {
    const channel = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (!channel) throw new ApiError('channel_not_found');
    return channel;
  }

  /** A channel the bot can see: a private one only when it is a member (else Slack says it is not found). */
  #visible(id: unknown): FakeChannel {
    const channel = this.#channel(id);
    if (channel.isPrivate && !channel.members.has(this.bot.userId)) throw new ApiError('channel_not_found');
    return channel;
  }

  /** A channel the bot may read: one it can see and is a member of. */
  #readable(id: unknown): FakeChannel {
    const channel = this.#visible(id);
    if (!channel.members.has(this.bot.userId)) throw new ApiError('not_in_channel');
    return channel;
  }

  #postMessage(params: Record<string, unknown>): Record<string, unknown> {
    let id = params.channel;
    if (typeof id === 'string' && id.startsWith('U')) {
      if (!this.users.has(id)) throw new ApiError('channel_not_found');
      id = this.imWith(id).id;
    }
    const channel = this.#visible(id);
    if (channel.isArchived) throw new ApiError('is_archived');
    if (!channel.members.has(this.bot.userId)) throw new ApiError('not_in_channel');
    const text = typeof params.text === 'string' ? params.text : '';
    const blocks = params.blocks;
    if (text === '' && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0))) {
      throw new ApiError('no_text');
    }
    if (blocks !== undefined) {
      const problems = blockProblems(blocks);
      if (problems.length > 0)
        throw new ApiError('invalid_blocks', { response_metadata: { messages: problems } });
    }
    if (text.length > MAX_MESSAGE_TEXT) throw new ApiError('msg_too_long');
    let threadTs: string | null = null;
    if (params.thread_ts !== undefined && params.thread_ts !== '') {
      const parent = this.message(channel.id, String(params.thread_ts));
      if (!parent) throw new ApiError('thread_not_found');
      threadTs = parent.threadTs ?? parent.ts;
    }
    const metadata = params.metadata as FakeMessage['metadata'] | undefined;
    const message = this.#store(channel.id, {
      text,
      ...(Array.isArray(blocks) ? { blocks } : {}),
      user: this.bot.userId,
      botId: this.bot.botId,
      threadTs,
      metadata:
        metadata && typeof metadata.event_type === 'string'
          ? { event_type: metadata.event_type, event_payload: metadata.event_payload ?? {} }
          : null,
      sent: params,
      via: 'chat.postMessage',
    });
    return { channel: channel.id, ts: message.ts, message: this.#shape(message, false) };
  }

  #open(params: Record<string, unknown>): Record<string, unknown> {
    const users = String(params.users ?? '')
      .split(',')
      .filter((u) => u !== '');
    if (users.length !== 1)
      throw new ApiError(users.length === 0 ? 'users_list_not_supplied' : 'not_supported');
    const user = users[0] as string;
    if (user === this.bot.userId) throw new ApiError('cannot_dm_bot');
    if (!this.users.has(user)) throw new ApiError('user_not_found');
    return { channel: { id: this.imWith(user).id } };
  }

  #history(params: Record<string, unknown>): Record<string, unknown> {
    const channel = this.#readable(params.channel);
    const all = (this.#messages.get(channel.id) ?? [])
      .filter((m) => m.threadTs === null || m.threadTs === m.ts)
      .filter(inBounds(params))
      .sort((a, b) => compareTs(b.ts, a.ts));
    return this.#page(all, params, Boolean(truthy(params.include_all_metadata)), 100);
  }

  #replies(params: Record<string, unknown>): Record<string, unknown> {
    const channel = this.#readable(params.channel);
    const anchor = this.message(channel.id, String(params.ts ?? ''));
    if (!anchor) throw new ApiError('thread_not_found');
    const rootTs = anchor.threadTs ?? anchor.ts;
    const root = this.message(channel.id, rootTs) as FakeMessage;
    const thread = [root, ...root.replies.map((ts) => this.message(channel.id, ts) as FakeMessage)].filter(
      inBounds(params),
    );
    return this.#page(thread, params, Boolean(truthy(params.include_all_metadata)), 1000);
  }

  #page(
    messages: FakeMessage[],
    params: Record<string, unknown>,
    withMetadata: boolean,
    defaultLimit: number,
  ): Record<string, unknown> {
    const { page, nextCursor } = paged(messages, params, defaultLimit);
    return {
      messages: page.map((m) => this.#shape(m, withMetadata)),
      has_more: nextCursor !== '',
      response_metadata: { next_cursor: nextCursor },
    };
  }

  #members(params: Record<string, unknown>): Record<string, unknown> {
    const channel = this.#visible(params.channel);
    const { page, nextCursor } = paged([...channel.members], params, 100);
    return { members: page, response_metadata: { next_cursor: nextCursor } };
  }

  #onResponseUrl(id: string, raw: string, response: ServerResponse): void {
    const entry = this.#commands.get(id);
    const body = (safeJson(raw) as Record<string, unknown> | null) ?? {};
    const record = (status: number, text: string) => {
      if (entry)
        this.answers.push({
          responseUrl: `${this.#base}/respond/${id}`,
          command: entry.command,
          body,
          at: Date.now(),
          status,
        });
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
      this.#wake();
    };
    const refusal = !entry
      ? 'no_such_url'
      : entry.uses >= ANSWERS_PER_RESPONSE_URL
        ? 'used_url'
        : body.blocks !== undefined && blockProblems(body.blocks).length > 0
          ? 'invalid_blocks'
          : typeof body.text !== 'string' && body.blocks === undefined
            ? 'no_text'
            : null;
    if (entry) entry.uses += 1;
    if (!entry || refusal !== null) {
      record(refusal === 'no_such_url' || refusal === 'used_url' ? 404 : 400, refusal ?? 'no_such_url');
      return;
    }
    if (body.response_type === 'in_channel') {
      const channel = this.channels.get(entry.command.channel_id ?? '');
      if (channel) {
        this.#store(channel.id, {
          text: String(body.text ?? ''),
          ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
          user: this.bot.userId,
          botId: this.bot.botId,
          threadTs: null,
          metadata: null,
          sent: body,
          via: 'response_url',
        });
      }
    }
    record(200, 'ok');
  }

  // --- storage -------------------------------------------------------------------------------------------

  #store(
    channel: string,
    fields: Omit<FakeMessage, 'channel' | 'ts' | 'replies' | 'reactions'>,
  ): FakeMessage {
    const list = this.#messages.get(channel);
    if (!list) throw new Error(`No channel ${channel} in the fake workspace.`);
    const message: FakeMessage = {
      ...fields,
      channel,
      ts: this.#nextTs(),
      replies: [],
      reactions: new Map(),
    };
    list.push(message);
    if (message.threadTs !== null) this.message(channel, message.threadTs)?.replies.push(message.ts);
    this.#wake();
    return message;
  }

  #shape(message: FakeMessage, withMetadata: boolean): Record<string, unknown> {
    const shaped: Record<string, unknown> = {
      type: 'message',
      ts: message.ts,
      user: message.user,
      text: message.text,
      team: this.teamId,
    };
    if (message.blocks) shaped.blocks = message.blocks;
    if (message.botId) {
      shaped.bot_id = message.botId;
      shaped.app_id = this.bot.appId;
    }
    if (message.threadTs !== null) shaped.thread_ts = message.threadTs;
    if (message.replies.length > 0) {
      shaped.thread_ts = message.ts;
      shaped.reply_count = message.replies.length;
      shaped.latest_reply = message.replies.at(-1);
    }
    if (message.reactions.size > 0) {
      shaped.reactions = [...message.reactions].map(([name, users]) => ({
        name,
        users: [...users],
        count: users.size,
      }));
    }
    if (withMetadata && message.metadata) shaped.metadata = message.metadata;
    return shaped;
  }

  /** Slack timestamps: seconds and microseconds, unique and increasing. */
  #nextTs(): string {
    this.#lastTsMicros = Math.max(Date.now() * 1000, this.#lastTsMicros + 1);
    const seconds = Math.floor(this.#lastTsMicros / 1_000_000);
    return `${seconds}.${String(this.#lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }

  #nextId(prefix: string): string {
    this.#ids += 1;
    return `${prefix}0${String(this.#ids).padStart(7, '0')}`;
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

function channelInfo(channel: FakeChannel, botUser: string): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isIm && !channel.isPrivate,
    is_group: !channel.isIm && channel.isPrivate,
    is_im: channel.isIm,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_member: channel.members.has(botUser),
    ...(channel.isIm ? { user: channel.imUser } : {}),
  };
}

/** Timestamps compare as decimal numbers: seconds, then the fraction (microseconds). */
function compareTs(a: string, b: string): number {
  const [aSeconds = '0', aFraction = ''] = a.split('.');
  const [bSeconds = '0', bFraction = ''] = b.split('.');
  const bySeconds = Number(aSeconds) - Number(bSeconds);
  if (bySeconds !== 0) return Math.sign(bySeconds);
  return Math.sign(Number(aFraction.padEnd(6, '0')) - Number(bFraction.padEnd(6, '0')));
}

function inBounds(params: Record<string, unknown>): (message: FakeMessage) => boolean {
  const inclusive = truthy(params.inclusive);
  const oldest = params.oldest === undefined ? null : String(params.oldest);
  const latest = params.latest === undefined ? null : String(params.latest);
  return (message) => {
    if (
      oldest !== null &&
      (inclusive ? compareTs(message.ts, oldest) < 0 : compareTs(message.ts, oldest) <= 0)
    )
      return false;
    if (
      latest !== null &&
      (inclusive ? compareTs(message.ts, latest) > 0 : compareTs(message.ts, latest) >= 0)
    )
      return false;
    return true;
  };
}

/**
 * One page of `items` for a call's `limit` (1 to 1,000) and `cursor`; the next page's cursor, or '' after
 * the last page. Cursors are opaque, as Slack's are: base64 of `offset:<n>`.
 */
function paged<T>(
  items: T[],
  params: Record<string, unknown>,
  defaultLimit: number,
): { page: T[]; nextCursor: string } {
  const limit = Math.min(Math.max(Number(params.limit ?? defaultLimit) || defaultLimit, 1), 1000);
  const offset = params.cursor
    ? Number(Buffer.from(String(params.cursor), 'base64').toString().slice('offset:'.length))
    : 0;
  const end = offset + limit;
  const nextCursor = end < items.length ? Buffer.from(`offset:${end}`).toString('base64') : '';
  return { page: items.slice(offset, end), nextCursor };
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
