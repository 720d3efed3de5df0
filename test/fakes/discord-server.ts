/**
 * A protocol-faithful fake Discord on 127.0.0.1, for the real discord.js client:
 *
 * - REST at `<url>/api/v10/...` (the client's `rest: { api: fake.apiUrl }`): the bot token checked,
 *   Discord's error bodies and codes, per-route rate-limit buckets with their headers, a global limit,
 *   injectable faults and latency. Routes: discord/application.ts (gateway address, application, commands),
 *   discord/channels.ts (channels, messages, threads, reactions, DMs, guild reads), discord/interactions.ts
 *   (interaction callbacks and the interaction webhook).
 * - The Gateway on the same port (`ws://127.0.0.1:<port>`, resume at `/resume`): discord/gateway.ts.
 *
 * It keeps a small Discord (discord/world.ts): users, guilds with roles, permission bits and members,
 * channels (text, announcement, forum, category), threads, DMs and messages with reactions. Tests build it
 * (`addGuild`, `addChannel`, `addUser`, `addMember`), act as people on it (`interact`, `react`, `unreact`,
 * `postAsUser`), and read what the bot did (`messagesIn`, `threads`, `interactions`, `commandsFor`,
 * `rateLimitHits`, `calls`, `identifies`). Payload shapes follow Discord's docs and the recorded ones in
 * ../shared/fixtures/discord/.
 *
 * Not modelled (on purpose, for now): ETF encoding and zstd-stream; the server closing a connection that
 * stops heartbeating; session expiry and the session start limit's refusal (it is only counted); member
 * chunking, presences, voice; message component and modal interactions (only slash commands and
 * autocomplete are dispatched, and options of type user/channel/role/attachment get no `resolved`);
 * uploaded files are recorded, not stored; component JSON is stored, not checked; slowmode; thread
 * auto-archiving, thread members and the starter message inside a thread made from a message; pins and
 * ordinary webhooks; Cloudflare's invalid-request ban.
 *
 * discord.js notes for the adapter: a DM reaction reaches `messageReactionAdd` only when the DM channel is
 * in the client's cache (the payload has no channel type to build a partial from), e.g. after the bot
 * wrote there since it started; a reaction by a user the client has not cached needs that user in the
 * payload (guild reactions carry `member.user`) or `Partials.User`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applicationRoutes } from './discord/application.ts';
import { channelRoutes, parseEmoji } from './discord/channels.ts';
import { CommandRegistry, type StoredCommand } from './discord/commands.ts';
import { Events } from './discord/events.ts';
import { type Fault, Faults } from './discord/faults.ts';
import { Gateway, Intent, type Session, shardOf } from './discord/gateway.ts';
import {
  type InteractInput,
  type InteractionHandle,
  type InteractionRecord,
  Interactions,
} from './discord/interactions.ts';
import { type RateLimitHit, type RateLimitOptions, RateLimits } from './discord/limits.ts';
import { DEFAULT_BOT, type Permissions } from './discord/permissions.ts';
import { Rest, type RestCall } from './discord/rest.ts';
import { validateMessage } from './discord/validate-message.ts';
import {
  type ChannelKind,
  ChannelType,
  type FakeChannel,
  type FakeEmoji,
  type FakeGuild,
  type FakeMember,
  type FakeMessage,
  type FakeRole,
  type FakeUser,
  isThread,
  type Reaction,
  World,
} from './discord/world.ts';

export type { Fault } from './discord/faults.ts';
export type { InteractInput, InteractionHandle, InteractionRecord } from './discord/interactions.ts';
export type { RateLimitHit, RateLimitOptions, Window } from './discord/limits.ts';
export { Permission, type PermissionName, type Permissions } from './discord/permissions.ts';
export type { FakeChannel, FakeGuild, FakeMember, FakeMessage, FakeRole, FakeUser } from './discord/world.ts';
export { ChannelType, MessageFlags } from './discord/world.ts';

export type PrivilegedIntent = 'GuildMembers' | 'GuildPresences' | 'MessageContent';

export interface FakeDiscordOptions {
  /** The bot token; a random Discord-shaped one by default. */
  token?: string;
  botName?: string;
  /** What the bot's role gets in every guild it joins. Default: view, send (also in threads), create public
   * threads, embed links, read history, add reactions, use external emojis. */
  botPermissions?: Permissions;
  /** HELLO's heartbeat_interval. Default 41,250 ms as Discord's; use a small one in tests of heartbeats. */
  heartbeatIntervalMs?: number;
  /** How long an interaction may go unacknowledged. Default 3,000 ms. */
  interactionAckWindowMs?: number;
  /** How long the interaction token works for edits and follow-ups. Default 15 minutes. */
  interactionTokenTtlMs?: number;
  /** How long `nonce` + `enforce_nonce` deduplicates a post ("a few minutes" on Discord). Default 3 minutes. */
  nonceWindowMs?: number;
  rateLimits?: RateLimitOptions;
  /** Delay before every REST answer. Default 0. */
  latencyMs?: number;
  /** The privileged intents enabled for the app (Developer Portal). Default all three. */
  privilegedIntents?: PrivilegedIntent[];
  /** Recommended shard count in GET /gateway/bot. Default 1. */
  shards?: number;
}

const PRIVILEGED: Record<PrivilegedIntent, number> = {
  GuildMembers: Intent.GuildMembers,
  GuildPresences: Intent.GuildPresences,
  MessageContent: Intent.MessageContent,
};
/** Application flags that say which privileged intents are enabled (the "limited" ones, < 100 guilds). */
const APPLICATION_FLAGS: Record<PrivilegedIntent, number> = {
  GuildPresences: 1 << 13,
  GuildMembers: 1 << 15,
  MessageContent: 1 << 19,
};

export class FakeDiscord {
  readonly world: World;
  readonly gateway: Gateway;
  readonly commands: CommandRegistry;
  readonly interactionsApi: Interactions;
  readonly events: Events;
  readonly limits: RateLimits;
  readonly faults = new Faults();
  readonly #rest: Rest;
  readonly #server: Server;
  readonly #waiters = new Set<() => void>();
  readonly #privileged: PrivilegedIntent[];
  readonly #sessionStart = { total: 1000, remaining: 1000, resetAfterMs: 86_400_000, maxConcurrency: 1 };
  #token: string;
  #latencyMs: number;
  #base = '';

  private constructor(options: FakeDiscordOptions) {
    this.world = new World({
      botName: options.botName ?? 'arxiv-digest',
      botPermissions: options.botPermissions ?? DEFAULT_BOT,
    });
    this.#token = options.token ?? makeToken(this.world.bot.id);
    this.#latencyMs = options.latencyMs ?? 0;
    this.#privileged = options.privilegedIntents ?? ['GuildMembers', 'GuildPresences', 'MessageContent'];
    this.limits = new RateLimits(options.rateLimits);
    this.commands = new CommandRegistry(this.world.ids, this.world.applicationId);
    const shards = options.shards ?? 1;
    this.gateway = new Gateway({
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      allowedPrivilegedIntents: this.#privileged.reduce((bits, name) => bits | PRIVILEGED[name], 0),
      validToken: (token) => token === this.#token,
      ready: (session) => this.#ready(session),
      guildCreates: (shard) =>
        this.#botGuilds()
          .filter((g) => shardOf(g.id, shard[1]) === shard[0])
          .map((g) => this.world.guildCreateJson(g)),
      onIdentify: () => {
        this.#sessionStart.remaining = Math.max(0, this.#sessionStart.remaining - 1);
      },
      changed: () => this.#wake(),
    });
    this.events = new Events(this.world, this.gateway);
    this.interactionsApi = new Interactions({
      world: this.world,
      events: this.events,
      commands: this.commands,
      ackWindowMs: options.interactionAckWindowMs ?? 3000,
      tokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      waitFor: (done, timeoutMs, what) => this.waitFor(done, timeoutMs, what),
    });
    this.#rest = new Rest({
      routes: [
        ...applicationRoutes({
          world: this.world,
          commands: this.commands,
          gatewayUrl: () => this.gateway.url,
          shards,
          sessionStart: this.#sessionStart,
          applicationFlags: () => this.#applicationFlags(),
        }),
        ...channelRoutes({
          world: this.world,
          events: this.events,
          nonceWindowMs: options.nonceWindowMs ?? 180_000,
          messageContentEnabled: () => this.#privileged.includes('MessageContent'),
        }),
        ...this.interactionsApi.routes(),
      ],
      faults: this.faults,
      limits: this.limits,
      validToken: (token) => token === this.#token,
      latencyMs: () => this.#latencyMs,
      changed: () => this.#wake(),
    });
    for (const route of Object.keys(options.rateLimits?.routes ?? {}))
      if (!this.#rest.routeNames.includes(route)) throw new Error(`No route "${route}" in the fake Discord.`);
    this.#server = createServer((request, response) => {
      if (!(request.url ?? '').startsWith('/api/')) {
        response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"message":"404: Not Found","code":0}');
        return;
      }
      this.#rest.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
    this.#server.on('upgrade', (request, socket, head: Buffer) =>
      this.gateway.handleUpgrade(request, socket, head),
    );
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#base = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    fake.gateway.base = fake.#base.replace(/^http/, 'ws');
    return fake;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#wake();
  }

  get token(): string {
    return this.#token;
  }

  get applicationId(): string {
    return this.world.applicationId;
  }

  get bot(): FakeUser {
    return this.world.bot;
  }

  /** The REST base for discord.js (`rest: { api: fake.apiUrl }`); the client adds `/v10`. */
  get apiUrl(): string {
    return `${this.#base}/api`;
  }

  /** The gateway URL GET /gateway/bot hands out. */
  get gatewayUrl(): string {
    return this.gateway.url;
  }

  get url(): string {
    return this.#base;
  }

  // --- building the world --------------------------------------------------------------------------------

  addUser(input: {
    username: string;
    id?: string;
    globalName?: string;
    bot?: boolean;
    acceptsDms?: boolean;
  }): FakeUser {
    return this.world.addUser(input);
  }

  /** A guild the bot is in (with its managed role); a connected client gets GUILD_CREATE. */
  addGuild(
    input: { name: string; id?: string; ownerId?: string; everyone?: Permissions } = { name: 'Fake Lab' },
  ): FakeGuild {
    const guild = this.world.addGuild(input);
    this.events.guildCreate(guild);
    return guild;
  }

  addRole(input: { guild: string; name: string; permissions: Permissions; id?: string }): FakeRole {
    return this.world.addRole(input);
  }

  /**
   * Makes `user` a member of `guild` with `roles`; `permissions` gives them a role of their own with those
   * bits (e.g. `['ManageChannels']`), on top of @everyone's.
   */
  addMember(input: {
    guild: string;
    user: string;
    roles?: string[];
    permissions?: Permissions;
    nick?: string;
  }): FakeMember {
    const roles = [...(input.roles ?? [])];
    if (input.permissions !== undefined) {
      const user = this.world.users.get(input.user);
      roles.push(
        this.world.addRole({
          guild: input.guild,
          name: `${user?.username ?? input.user}-role`,
          permissions: input.permissions,
        }).id,
      );
    }
    const member = this.world.addMember({
      guild: input.guild,
      user: input.user,
      roles,
      ...(input.nick ? { nick: input.nick } : {}),
    });
    this.events.memberAdd(member);
    return member;
  }

  /** A channel of the guild (text by default, or announcement, forum, category); a connected client gets CHANNEL_CREATE. */
  addChannel(input: {
    guild: string;
    name: string;
    type?: ChannelKind;
    id?: string;
    parent?: string;
    topic?: string;
    /** Permission overwrites: a role's or a member's allow and deny. */
    overwrites?: Array<{ id: string; type: 'role' | 'member'; allow?: Permissions; deny?: Permissions }>;
    /** A forum's tags, by name. */
    tags?: string[];
  }): FakeChannel {
    const channel = this.world.addChannel(input);
    this.events.channelCreate(channel);
    return channel;
  }

  /** A custom emoji of the guild, for reactions such as `name:id`. */
  addEmoji(input: { guild: string; name: string; animated?: boolean }): FakeEmoji {
    const emoji = { id: this.world.ids.next(), name: input.name, animated: input.animated ?? false };
    this.world.guildOf(input.guild).emojis.push(emoji);
    return emoji;
  }

  /** Whether `user` accepts DMs from the bot (false: posting there answers 403 / 50007). */
  setAcceptsDms(user: string, accepts: boolean): void {
    const found = this.world.users.get(user);
    if (!found) throw new Error(`No user ${user} in the fake Discord.`);
    found.acceptsDms = accepts;
  }

  /** The bot's DM channel with `user` (made if needed), e.g. to run a command there. */
  dmChannel(user: string): FakeChannel {
    return this.world.dmWith(user);
  }

  // --- people --------------------------------------------------------------------------------------------

  /** A person posts a message (an arXiv link to react to, say); a connected client may get MESSAGE_CREATE. */
  postAsUser(input: {
    user: string;
    channel: string;
    content: string;
    embeds?: Record<string, unknown>[];
  }): FakeMessage {
    const channel = this.world.channels.get(input.channel);
    if (!channel) throw new Error(`No channel ${input.channel} in the fake Discord.`);
    const valid = validateMessage(
      { content: input.content, embeds: input.embeds },
      { requireSomething: true },
    );
    const message = this.world.storeMessage({
      channelId: channel.id,
      authorId: input.user,
      content: valid.content ?? '',
      embeds: valid.embeds ?? [],
      sent: { content: input.content, ...(input.embeds ? { embeds: input.embeds } : {}) },
      via: 'person',
    });
    this.events.messageCreate(message);
    return message;
  }

  /**
   * `user` runs a slash command (or, with `focused`, types into an autocompleted option) in `channel`: an
   * INTERACTION_CREATE goes to the client. The handle waits for the acknowledgement and the answers.
   */
  interact(input: InteractInput): InteractionHandle {
    return this.interactionsApi.create(input);
  }

  /**
   * `user` adds `emoji` (a Unicode emoji such as '📝', `name:id` of a custom one, or `{id, name}`) to a
   * message: MESSAGE_REACTION_ADD goes to clients with the reactions intent. The message need not be in
   * the client's cache. Returns how many sessions got the event.
   */
  react(input: {
    user: string;
    channel: string;
    message: string;
    emoji: string | { id: string; name: string; animated?: boolean };
  }): number {
    const message = this.world.message(input.message);
    if (!message || message.channelId !== input.channel || message.deleted)
      throw new Error(`No message ${input.message} in channel ${input.channel}.`);
    if (message.guildId && !this.world.guildOf(message.guildId).members.has(input.user))
      throw new Error(`User ${input.user} is not a member of guild ${message.guildId}.`);
    const emoji = typeof input.emoji === 'string' ? parseEmoji(this.world, input.emoji) : input.emoji;
    const key = emoji.id ?? emoji.name;
    const reaction: Reaction = message.reactions.get(key) ?? { emoji, users: new Set() };
    message.reactions.set(key, reaction);
    if (reaction.users.has(input.user)) return 0;
    reaction.users.add(input.user);
    return this.events.reaction(
      'MESSAGE_REACTION_ADD',
      this.events.reactionPayload(message, input.user, reaction, true),
    );
  }

  /**
   * `user` takes `emoji` off a message: MESSAGE_REACTION_REMOVE goes to clients with the reactions intent
   * (as Discord sends it: no member, no message author). Nothing happens for a reaction the user has not
   * put there. Returns how many sessions got the event.
   */
  unreact(input: {
    user: string;
    channel: string;
    message: string;
    emoji: string | { id: string; name: string; animated?: boolean };
  }): number {
    const message = this.world.message(input.message);
    if (!message || message.channelId !== input.channel || message.deleted)
      throw new Error(`No message ${input.message} in channel ${input.channel}.`);
    const emoji = typeof input.emoji === 'string' ? parseEmoji(this.world, input.emoji) : input.emoji;
    const key = emoji.id ?? emoji.name;
    const reaction = message.reactions.get(key);
    if (!reaction?.users.delete(input.user)) return 0;
    if (reaction.users.size === 0) message.reactions.delete(key);
    return this.events.reaction(
      'MESSAGE_REACTION_REMOVE',
      this.events.reactionPayload(message, input.user, reaction, false),
    );
  }

  // --- the gateway, on demand ----------------------------------------------------------------------------

  /** Op 7 RECONNECT: the client should reconnect to resume_gateway_url and RESUME. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Op 9 INVALID_SESSION (d = resumable). Note discord.js waits ~5 s before it identifies again. */
  invalidateSession(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  /** Cuts every gateway connection without a close frame (sessions stay resumable). */
  dropGateway(): void {
    this.gateway.dropConnections();
  }

  /** Resets the bot token (as in the Developer Portal): the old one gets 401, open sessions close with 4004. */
  resetToken(): string {
    this.#token = makeToken(this.world.bot.id);
    this.gateway.closeAll(4004, 'Authentication failed.');
    return this.#token;
  }

  // --- faults --------------------------------------------------------------------------------------------

  /**
   * Makes the next call(s) of `route` (`'POST /channels/:channel/messages'`, or `'*'`) fail, wait, answer
   * 429 or drop the connection. Faults apply in the order they were added.
   */
  fail(route: string, fault: Fault): void {
    if (route !== '*' && !this.#rest.routeNames.includes(route))
      throw new Error(`No route "${route}" in the fake Discord; routes: ${this.#rest.routeNames.join(', ')}`);
    this.faults.add(route, fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  // --- inspection ----------------------------------------------------------------------------------------

  channel(id: string): FakeChannel | undefined {
    return this.world.channels.get(id);
  }

  /** A channel's (or thread's) messages in posting order; ephemeral answers and deleted messages left out. */
  messagesIn(channel: string): FakeMessage[] {
    return this.world.messagesIn(channel);
  }

  message(id: string): FakeMessage | undefined {
    return this.world.message(id);
  }

  /** Everything the bot posted through REST (channel messages, thread and forum posts), in order. */
  posts(): FakeMessage[] {
    return this.world.allMessages().filter((m) => m.via === 'rest' && !m.deleted);
  }

  /** Threads, of one parent channel or all. */
  threads(parent?: string): FakeChannel[] {
    return [...this.world.channels.values()].filter(
      (c) => isThread(c) && (parent === undefined || c.parentId === parent),
    );
  }

  /** The DM channel with `user`, if the bot opened one. */
  dmWith(user: string): FakeChannel | undefined {
    return [...this.world.channels.values()].find((c) => c.type === ChannelType.DM && c.recipientId === user);
  }

  get interactions(): InteractionRecord[] {
    return this.interactionsApi.records;
  }

  /** Registered commands: global, or a guild's. */
  commandsFor(guild?: string): StoredCommand[] {
    return this.commands.list(guild ?? null);
  }

  /** Every REST call, in order, with its route name, body, status and Discord error code. */
  get calls(): RestCall[] {
    return this.#rest.calls;
  }

  callsTo(route: string): RestCall[] {
    return this.calls.filter((c) => c.route === route);
  }

  /** Exceptions inside the fake's handlers (answered 500); a test may assert there are none. */
  get serverErrors(): unknown[] {
    return this.#rest.serverErrors;
  }

  /** Every route's name, as `fail` and the `routes` rate-limit option take them. */
  get routeNames(): string[] {
    return this.#rest.routeNames;
  }

  /** Every 429 the fake answered (limits exceeded, or injected). */
  get rateLimitHits(): RateLimitHit[] {
    return this.limits.hits;
  }

  count429(route?: string): number {
    return this.limits.hits.filter((h) => route === undefined || h.route === route).length;
  }

  get identifies() {
    return this.gateway.identifies;
  }

  get connections() {
    return this.gateway.connections;
  }

  get dispatched() {
    return this.gateway.dispatched;
  }

  /** Waits until `done()` holds (checked whenever the fake records something, and every 20 ms). */
  async waitFor(done: () => boolean, timeoutMs = 5000, what = 'a condition'): Promise<void> {
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

  // --- inside --------------------------------------------------------------------------------------------

  #botGuilds(): FakeGuild[] {
    return [...this.world.guilds.values()].filter((g) => g.members.has(this.world.bot.id));
  }

  #applicationFlags(): number {
    return this.#privileged.reduce((flags, name) => flags | APPLICATION_FLAGS[name], 1 << 23);
  }

  #ready(session: Session): Record<string, unknown> {
    return {
      v: 10,
      user_settings: {},
      user: {
        ...this.world.userJson(this.world.bot.id),
        verified: true,
        mfa_enabled: false,
        email: null,
        bot: true,
      },
      session_type: 'normal',
      relationships: [],
      private_channels: [],
      presences: [],
      guilds: this.#botGuilds()
        .filter((g) => shardOf(g.id, session.shard[1]) === session.shard[0])
        .map((g) => ({ id: g.id, unavailable: true })),
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east', 'us-central'],
      auth: {},
      application: { id: this.world.applicationId, flags: this.#applicationFlags() },
      _trace: ['["gateway-fake",{"micros":1}]'],
    };
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** A token shaped like Discord's: base64 of the bot's id, a timestamp part, an HMAC part. */
function makeToken(botId: string): string {
  return `${Buffer.from(botId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}
