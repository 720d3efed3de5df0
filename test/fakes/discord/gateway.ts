/**
 * Discord's Gateway over a real WebSocket (the `ws` package, on the fake's HTTP server): HELLO with the
 * heartbeat interval, IDENTIFY (token, intents incl. the privileged ones the app may use, shard), READY and a
 * GUILD_CREATE per guild of the shard, heartbeats and their ACKs, dispatches with increasing sequence numbers
 * filtered by intents and shard, RESUME replaying the missed events then RESUMED, RECONNECT (op 7) and
 * INVALID_SESSION (op 9) on demand, and Discord's close codes (4001 unknown opcode, 4002 decode error,
 * 4003 not authenticated, 4004 authentication failed, 4005 already authenticated, 4007 invalid seq,
 * 4008 rate limited, 4010 invalid shard, 4012 invalid API version, 4013 invalid intents, 4014 disallowed
 * intents). JSON encoding only; `compress=zlib-stream` is honoured (one zlib context per connection).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createDeflate, type Deflate, constants as zlibConstants } from 'node:zlib';
import { type WebSocket, WebSocketServer } from 'ws';

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  MessageContent: 1 << 15,
} as const;

export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
const KNOWN_INTENTS = (1 << 26) - 1;
const SEND_LIMIT = { count: 120, windowMs: 60_000 };
const REPLAY_BUFFER = 1000;

export interface IdentifyRecord {
  at: number;
  connection: number;
  token: string;
  intents: number;
  shard: [number, number];
  properties: Record<string, unknown>;
  compress: boolean;
  largeThreshold: number | null;
  presence: unknown;
}

export interface ConnectionRecord {
  id: number;
  /** `/` for the gateway URL, `/resume` for the resume_gateway_url. */
  path: string;
  query: Record<string, string>;
  openedAt: number;
  closedAt: number | null;
  closeCode: number | null;
  closedBy: 'client' | 'server' | 'network' | null;
  identified: boolean;
  resumed: boolean;
  heartbeats: number;
  sessionId: string | null;
  /** Every payload the client sent, parsed. */
  received: Array<{ op: number; d: unknown; at: number }>;
}

export interface Session {
  id: string;
  token: string;
  intents: number;
  shard: [number, number];
  seq: number;
  buffer: Array<{ s: number; t: string; d: unknown }>;
  connection: Connection | null;
  invalid: boolean;
}

export interface DispatchRecord {
  session: string;
  s: number;
  t: string;
  d: unknown;
  at: number;
  /** False when no connection was open: it waits in the session's buffer for a RESUME. */
  sent: boolean;
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHost {
  heartbeatIntervalMs: number;
  /** The privileged intents the application may ask for (the Developer Portal toggles). */
  allowedPrivilegedIntents: number;
  validToken(token: string): boolean;
  /** READY's `d` for a new session, without session_id and resume_gateway_url. */
  ready(session: Session): Record<string, unknown>;
  /** GUILD_CREATE payloads for the guilds of a shard. */
  guildCreates(shard: [number, number]): Record<string, unknown>[];
  onIdentify(): void;
  changed(): void;
}

interface Connection {
  ws: WebSocket;
  record: ConnectionRecord;
  session: Session | null;
  deflate: Deflate | null;
  sending: Promise<void>;
  sentTimes: number[];
}

/** Who an event is for: the guild it belongs to (picks the shard), and the intents that carry it. */
export interface Audience {
  guildId: string | null;
  /** Any of these intents; none means every session gets it (READY-like and INTERACTION_CREATE). */
  intents?: number;
}

export class Gateway {
  readonly identifies: IdentifyRecord[] = [];
  readonly connections: ConnectionRecord[] = [];
  readonly sessions = new Map<string, Session>();
  readonly dispatched: DispatchRecord[] = [];
  readonly #server = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #live = new Set<Connection>();
  readonly #host: GatewayHost;
  #base = '';

  constructor(host: GatewayHost) {
    this.#host = host;
  }

  set base(url: string) {
    this.#base = url;
  }

  get url(): string {
    return this.#base;
  }

  get resumeUrl(): string {
    return `${this.#base}/resume`;
  }

  get openConnections(): number {
    return [...this.#live].filter((c) => c.ws.readyState === c.ws.OPEN).length;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/' && url.pathname !== '/resume') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#open(ws, url));
  }

  /**
   * Sends an event to every session it is for (by shard and intents); `d` may depend on the session (a
   * message's content without the Message Content intent). Returns the sessions it went to.
   */
  dispatch(t: string, d: unknown | ((session: Session) => unknown), audience: Audience): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.invalid) continue;
      if (audience.intents !== undefined && (session.intents & audience.intents) === 0) continue;
      if (shardOf(audience.guildId, session.shard[1]) !== session.shard[0]) continue;
      const data = typeof d === 'function' ? (d as (s: Session) => unknown)(session) : d;
      this.#dispatchTo(session, t, data);
      count += 1;
    }
    return count;
  }

  /** Op 7: every client should reconnect and resume. */
  requestReconnect(): void {
    for (const connection of this.#live) this.#send(connection, { op: Op.Reconnect, d: null });
  }

  /** Op 9: the sessions are invalid; `resumable` says whether the client may resume them. */
  invalidateSessions(resumable: boolean): void {
    for (const connection of this.#live) {
      if (!connection.session) continue;
      if (!resumable) connection.session.invalid = true;
      this.#send(connection, { op: Op.InvalidSession, d: resumable });
    }
  }

  /** Drops every connection without a closing handshake, like a network failure (sessions stay resumable). */
  dropConnections(): void {
    for (const connection of this.#live) {
      connection.record.closedBy = 'network';
      connection.ws.terminate();
    }
  }

  /** Closes every connection with `code` (e.g. 4004 after the token was reset) and ends their sessions. */
  closeAll(code: number, reason: string): void {
    for (const connection of this.#live) this.#close(connection, code, reason);
  }

  async close(): Promise<void> {
    for (const connection of this.#live) connection.ws.terminate();
    this.#live.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- a connection --------------------------------------------------------------------------------------

  #open(ws: WebSocket, url: URL): void {
    const record: ConnectionRecord = {
      id: this.connections.length + 1,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      openedAt: Date.now(),
      closedAt: null,
      closeCode: null,
      closedBy: null,
      identified: false,
      resumed: false,
      heartbeats: 0,
      sessionId: null,
      received: [],
    };
    this.connections.push(record);
    const connection: Connection = {
      ws,
      record,
      session: null,
      deflate: null,
      sending: Promise.resolve(),
      sentTimes: [],
    };
    this.#live.add(connection);
    ws.on('close', (code) => {
      this.#live.delete(connection);
      record.closedAt = Date.now();
      record.closeCode ??= code;
      record.closedBy ??= 'client';
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = null;
        // A client that closes with 1000 or 1001 ends its session, as on Discord; 4xxx (4200) keeps it.
        if (record.closedBy === 'client' && (code === 1000 || code === 1001)) session.invalid = true;
      }
      connection.deflate?.close();
      this.#host.changed();
    });
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data as Buffer, isBinary));

    const version = record.query.v;
    if (version !== '10' && version !== '9') {
      this.#close(connection, 4012, 'Invalid API version');
      return;
    }
    if ((record.query.encoding ?? 'json') !== 'json') {
      this.#close(connection, 1003, 'The fake Discord speaks only JSON.');
      return;
    }
    const compress = record.query.compress;
    if (compress !== undefined && compress !== 'zlib-stream') {
      this.#close(connection, 1003, `The fake Discord does not speak compress=${compress}.`);
      return;
    }
    if (compress === 'zlib-stream') connection.deflate = createDeflate();
    this.#send(connection, {
      op: Op.Hello,
      d: { heartbeat_interval: this.#host.heartbeatIntervalMs, _trace: ['["gateway-fake",{"micros":1}]'] },
      s: null,
      t: null,
    });
    this.#host.changed();
  }

  #onMessage(connection: Connection, data: Buffer, isBinary: boolean): void {
    const now = Date.now();
    connection.sentTimes = connection.sentTimes.filter((t) => now - t < SEND_LIMIT.windowMs);
    connection.sentTimes.push(now);
    if (connection.sentTimes.length > SEND_LIMIT.count) {
      this.#close(connection, 4008, 'Rate limited.');
      return;
    }
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(data.toString('utf8')) as { op?: unknown; d?: unknown };
    } catch {
      this.#close(connection, 4002, 'Error while decoding payload.');
      return;
    }
    if (typeof payload !== 'object' || payload === null || typeof payload.op !== 'number') {
      this.#close(connection, 4002, 'Error while decoding payload.');
      return;
    }
    connection.record.received.push({ op: payload.op, d: payload.d, at: now });
    switch (payload.op) {
      case Op.Heartbeat:
        connection.record.heartbeats += 1;
        this.#send(connection, { op: Op.HeartbeatAck });
        break;
      case Op.Identify:
        this.#identify(connection, payload.d);
        break;
      case Op.Resume:
        this.#resume(connection, payload.d);
        break;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!connection.session) this.#close(connection, 4003, 'Not authenticated.');
        break;
      default:
        this.#close(connection, 4001, 'Unknown opcode.');
    }
    this.#host.changed();
  }

  #identify(connection: Connection, raw: unknown): void {
    if (connection.session) {
      this.#close(connection, 4005, 'Already authenticated.');
      return;
    }
    const d = (raw ?? {}) as Record<string, unknown>;
    const properties = d.properties as Record<string, unknown> | undefined;
    if (typeof d.token !== 'string' || typeof properties !== 'object' || properties === null) {
      this.#close(connection, 4002, 'Error while decoding payload.');
      return;
    }
    const intents = d.intents;
    const shard = (Array.isArray(d.shard) ? d.shard : [0, 1]) as [number, number];
    this.identifies.push({
      at: Date.now(),
      connection: connection.record.id,
      token: d.token,
      intents: typeof intents === 'number' ? intents : Number.NaN,
      shard,
      properties,
      compress: d.compress === true,
      largeThreshold: typeof d.large_threshold === 'number' ? d.large_threshold : null,
      presence: d.presence ?? null,
    });
    if (!this.#host.validToken(d.token)) {
      this.#close(connection, 4004, 'Authentication failed.');
      return;
    }
    if (
      typeof intents !== 'number' ||
      !Number.isInteger(intents) ||
      intents < 0 ||
      (intents & ~KNOWN_INTENTS) !== 0
    ) {
      this.#close(connection, 4013, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.#host.allowedPrivilegedIntents) !== 0) {
      this.#close(connection, 4014, 'Disallowed intent(s).');
      return;
    }
    const [shardId, shardCount] = shard;
    if (
      !Number.isInteger(shardId) ||
      !Number.isInteger(shardCount) ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      this.#close(connection, 4010, 'Invalid shard.');
      return;
    }
    this.#host.onIdentify();
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      token: d.token,
      intents,
      shard: [shardId, shardCount],
      seq: 0,
      buffer: [],
      connection,
      invalid: false,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    connection.record.identified = true;
    connection.record.sessionId = session.id;
    this.#dispatchTo(session, 'READY', {
      ...this.#host.ready(session),
      session_id: session.id,
      resume_gateway_url: this.resumeUrl,
      shard: session.shard,
    });
    for (const guild of this.#host.guildCreates(session.shard))
      this.#dispatchTo(session, 'GUILD_CREATE', guild);
  }

  #resume(connection: Connection, raw: unknown): void {
    const d = (raw ?? {}) as Record<string, unknown>;
    if (typeof d.token !== 'string' || typeof d.session_id !== 'string') {
      this.#close(connection, 4002, 'Error while decoding payload.');
      return;
    }
    if (!this.#host.validToken(d.token)) {
      this.#close(connection, 4004, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(d.session_id);
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const oldest = session?.buffer[0]?.s ?? (session ? session.seq + 1 : 0);
    if (!session || session.invalid || session.token !== d.token || seq + 1 < oldest) {
      this.#send(connection, { op: Op.InvalidSession, d: false });
      return;
    }
    if (seq > session.seq) {
      this.#close(connection, 4007, 'Invalid seq.');
      return;
    }
    const previous = session.connection;
    if (previous && previous !== connection) {
      previous.session = null;
      previous.record.closedBy = 'server';
      previous.ws.terminate();
    }
    session.connection = connection;
    connection.session = session;
    connection.record.resumed = true;
    connection.record.sessionId = session.id;
    for (const event of session.buffer) {
      if (event.s > seq) this.#send(connection, { op: Op.Dispatch, t: event.t, s: event.s, d: event.d });
    }
    this.#dispatchTo(session, 'RESUMED', { _trace: ['["gateway-fake",{"micros":1}]'] });
  }

  #dispatchTo(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const s = session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    const connection = session.connection;
    const open = connection !== null && connection.ws.readyState === connection.ws.OPEN;
    this.dispatched.push({ session: session.id, s, t, d, at: Date.now(), sent: open });
    if (open) this.#send(connection, { op: Op.Dispatch, t, s, d });
  }

  #send(connection: Connection, payload: Record<string, unknown>): void {
    const text = JSON.stringify({ s: null, t: null, ...payload });
    const deflate = connection.deflate;
    if (!deflate) {
      if (connection.ws.readyState === connection.ws.OPEN) connection.ws.send(text);
      return;
    }
    connection.sending = connection.sending.then(
      () =>
        new Promise<void>((resolve) => {
          const chunks: Buffer[] = [];
          const collect = (chunk: Buffer) => chunks.push(chunk);
          deflate.on('data', collect);
          deflate.write(text);
          deflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
            deflate.off('data', collect);
            if (connection.ws.readyState === connection.ws.OPEN)
              connection.ws.send(Buffer.concat(chunks), { binary: true });
            resolve();
          });
        }),
    );
  }

  #close(connection: Connection, code: number, reason: string): void {
    connection.record.closeCode = code;
    connection.record.closedBy = 'server';
    if (connection.session) {
      connection.session.invalid = true;
      connection.session.connection = null;
    }
    connection.ws.close(code, reason);
    // A client that never answers the closing handshake is cut off, as a server would.
    setTimeout(() => connection.ws.terminate(), 1000).unref();
  }
}

/** The shard a guild's events go to: (guild_id >> 22) % shard count; DMs go to shard 0. */
export function shardOf(guildId: string | null, shardCount: number): number {
  if (guildId === null) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
