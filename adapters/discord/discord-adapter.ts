/**
 * The Discord adapter, on discord.js 14. It translates and renders; every rule lives in the core. This file
 * is the facade that puts the parts together behind the ChatAdapter contract:
 *   client.ts        the discord.js client: the intents the features need, partials, the REST base
 *   interactions.ts  /arxiv commands (deferred within Discord's 3 s) and autocomplete
 *   translate.ts     raw gateway payloads (reactions) in the core's terms
 *   posting.ts       posts: threads, forum posts, DMs, nonces and markers for exactly-once, findPosted
 *   render.ts        the core's messages as embeds within Discord's limits; escape.ts, markdown.ts
 *   commands.ts      the /arxiv definition from the core's command table; register.ts registers it
 *   errors.ts        Discord's error codes as the project's errors
 * and the adapter kit (adapters/kit) keeps its lifecycle: start once, stop letting posts in flight finish.
 */
import { once } from 'node:events';
import { type Client, Events, type GatewayDispatchPayload, PermissionFlagsBits } from 'discord.js';
import { BoundedCache } from '../../src/bounded-cache.ts';
import type {
  AdapterHealth,
  ChatAdapter,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  ReactionEvent,
  TargetId,
  UserId,
} from '../../src/chat/types.ts';
import { ExternalError, UserError } from '../../src/errors.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import { withTimeout } from '../../src/timeout.ts';
import { AdapterLifecycle } from '../kit/lifecycle.ts';
import { createDiscordClient } from './client.ts';
import { discordFailure } from './errors.ts';
import { channelTarget, parseDiscordTarget, userTarget } from './ids.ts';
import { handleAutocomplete, handleCommandInteraction } from './interactions.ts';
import { DiscordPoster } from './posting.ts';
import { isThreadType, type ReactionPayload, reactionAction, reactionOf } from './translate.ts';

export interface DiscordAdapterOptions {
  /** DISCORD_TOKEN: the bot token. */
  token: string;
  /** DISCORD_API_URL: the REST base including `/api`; the gateway address comes from its `/gateway/bot`. */
  apiUrl?: string | undefined;
  /** Read message text (the privileged Message Content intent), for links in anyone's messages. */
  messageContent?: boolean | undefined;
  logger?: Logger | undefined;
  /** How long `start()` waits for the gateway's READY. Default 30 s. */
  connectTimeoutMs?: number | undefined;
  /** How many of a channel's newest messages `findPosted` looks through. Default 500. */
  historyDepth?: number | undefined;
  /** How long the adapter waits for the core to say how to acknowledge a command. Default 2 s. */
  ackDeadlineMs?: number | undefined;
}

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord';
  readonly #token: string;
  readonly #logger: Logger;
  readonly #connectTimeoutMs: number;
  readonly #ackDeadlineMs: number | undefined;
  readonly #life = new AdapterLifecycle('Discord');
  readonly #client: Client;
  readonly #poster: DiscordPoster;
  /**
   * Whether a channel is a thread, and its parent: asked once per channel a reaction comes from (a thread's
   * parent never changes), for at most 10,000 channels and a day, so many channels do not pile up here.
   */
  readonly #parents = new BoundedCache<string, Promise<string | null>>({
    maxEntries: 10_000,
    ttlMs: 24 * 60 * 60_000,
  });
  #gatewayNote = '';

  constructor(options: DiscordAdapterOptions) {
    this.#token = options.token.trim();
    this.#logger = (options.logger ?? silentLogger).child({ adapter: 'discord' });
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    this.#ackDeadlineMs = options.ackDeadlineMs;
    this.#client = createDiscordClient({
      apiUrl: options.apiUrl,
      messageContent: options.messageContent ?? false,
    });
    this.#poster = new DiscordPoster({
      rest: this.#client.rest,
      logger: this.#logger,
      botId: () => this.#client.user?.id ?? null,
      cachedType: (channel) => this.#client.channels.cache.get(channel)?.type,
      historyDepth: options.historyDepth ?? 500,
    });
  }

  async start(handlers: InboundHandlers): Promise<void> {
    await this.#life.start(
      async () => {
        this.#listen(handlers);
        const ready = once(this.#client, Events.ClientReady);
        try {
          await withTimeout(
            Promise.all([this.#client.login(this.#token), ready]),
            this.#connectTimeoutMs,
            () => {
              throw new ExternalError(
                'PLATFORM_HTTP',
                `Discord's gateway did not get ready within ${this.#connectTimeoutMs} ms.`,
                { retryable: true },
              );
            },
          );
        } catch (error) {
          throw loginFailure(error);
        }
      },
      () => this.#client.destroy(),
    );
    this.#logger.info(
      { bot: this.#client.user?.tag, guilds: this.#client.guilds.cache.size },
      'connected to Discord',
    );
  }

  stop(): Promise<void> {
    return this.#life.stop({
      halt: () => this.#client.removeAllListeners(Events.InteractionCreate).removeAllListeners(Events.Raw),
      close: async (wasStarted) => {
        if (wasStarted) await this.#client.destroy();
      },
    });
  }

  health(): AdapterHealth {
    return this.#life.health('discord', () => {
      const ready = this.#client.isReady();
      const who = this.#client.user?.tag ?? 'the bot';
      return {
        connected: ready,
        detail: ready
          ? `discord: ${who} in ${this.#client.guilds.cache.size} server(s)`
          : `discord: gateway reconnecting${this.#gatewayNote}`,
      };
    });
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => this.#poster.post(target, message, options));
  }

  findPosted(target: TargetId, idempotencyKey: string, thread?: MessageRef): Promise<MessageRef | null> {
    return this.#poster.findPosted(target, idempotencyKey, thread);
  }

  fetchMessageText(message: MessageRef): Promise<string | null> {
    return this.#poster.messageText(message);
  }

  /**
   * Whether `user` has Manage Channels in `channel`, by Discord's own rules (roles and the channel's
   * overwrites); a user may always manage their own direct-message target. Commands carry this in the
   * interaction, so this is asked only outside one.
   */
  async canManageChannel(user: UserId, channel: TargetId): Promise<boolean> {
    if (user === channel) return true;
    const target = parseDiscordTarget(channel);
    const who = parseDiscordTarget(user);
    if (target.kind !== 'channel' || who.kind !== 'user') return false;
    try {
      const guild = await this.#client.guilds.fetch(target.guild);
      const [member, fetched] = await Promise.all([
        guild.members.fetch(who.user),
        this.#client.channels.fetch(target.channel),
      ]);
      if (!fetched || fetched.isDMBased()) return false;
      return fetched.permissionsFor(member)?.has(PermissionFlagsBits.ManageChannels) ?? false;
    } catch (error) {
      throw discordFailure(error, 'check who may manage that channel');
    }
  }

  #listen(handlers: InboundHandlers): void {
    const running = () => this.#life.running;
    this.#client.on(Events.InteractionCreate, (interaction) => {
      if (!running()) return;
      if (interaction.isAutocomplete()) {
        void handleAutocomplete(interaction, this.#logger);
      } else if (interaction.isChatInputCommand()) {
        handleCommandInteraction(interaction, {
          handlers,
          logger: this.#logger,
          track: (work) => this.#life.track(work),
          ackDeadlineMs: this.#ackDeadlineMs,
        }).catch((error: unknown) => {
          this.#logger.error({ err: error }, 'a Discord command failed outside the bot');
        });
      }
    });
    // Reactions from the raw dispatch: the message, thread or DM may be long gone from discord.js's cache.
    this.#client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
      const action = reactionAction(packet.t);
      if (!running() || action === null) return;
      const reaction = reactionOf(packet.d, this.#client.user?.id ?? null);
      if (!reaction) return;
      this.#life
        .track(this.#reaction(reaction, action).then((event) => handlers.onReaction(event)))
        .catch((error: unknown) => this.#logger.error({ err: error }, 'could not handle a Discord reaction'));
    });
    this.#client.on(Events.ShardDisconnect, (event) => {
      this.#gatewayNote = ` (closed with ${event.code})`;
    });
    this.#client.on(Events.ShardResume, () => {
      this.#gatewayNote = '';
    });
  }

  /** The reaction as the core names it: a thread's message is in its parent channel's thread. */
  async #reaction(reaction: ReactionPayload, action: ReactionEvent['action']): Promise<ReactionEvent> {
    const user = userTarget(reaction.user);
    if (reaction.guild === null) {
      // A reaction in the bot's DM with someone: the message is in that user's direct-message target.
      return {
        platform: this.platform,
        action,
        emoji: reaction.emoji,
        user,
        message: { target: user, id: reaction.message },
      };
    }
    const parent = await this.#parentOf(reaction.channel);
    const message: MessageRef =
      parent === null
        ? { target: channelTarget(reaction.guild, reaction.channel), id: reaction.message }
        : { target: channelTarget(reaction.guild, parent), id: reaction.message, threadId: reaction.channel };
    return { platform: this.platform, action, emoji: reaction.emoji, user, message };
  }

  /** The parent channel of a thread; null for a channel that is not one. */
  #parentOf(channel: string): Promise<string | null> {
    const known = this.#parents.get(channel);
    if (known) return known;
    const parent = this.#client.channels
      .fetch(channel)
      .then((fetched) =>
        fetched && isThreadType(fetched.type) && 'parentId' in fetched ? fetched.parentId : null,
      );
    this.#parents.set(channel, parent);
    parent.catch(() => this.#parents.deleteIf(channel, parent));
    return parent;
  }
}

/** A failed login as the user should read it: a rejected token names DISCORD_TOKEN. */
function loginFailure(error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  if (code === 'TokenInvalid' || (error as { status?: unknown })?.status === 401) {
    return new UserError(
      'CONFIG_INVALID',
      'Discord rejected DISCORD_TOKEN. Copy the token from the Bot page of your application (Reset Token) and set DISCORD_TOKEN again.',
      { cause: error },
    );
  }
  if (code === 'DisallowedIntents') {
    return new UserError(
      'CONFIG_INVALID',
      'Discord refused the Message Content intent: turn on "Message Content Intent" on the Bot page of your application, or set DISCORD_MESSAGE_CONTENT=false.',
      { cause: error },
    );
  }
  if (error instanceof ExternalError || error instanceof UserError) return error;
  return new ExternalError('PLATFORM_HTTP', 'Cannot connect to Discord.', {
    cause: error,
    detail: error instanceof Error ? error.message : String(error),
    retryable: true,
  });
}
