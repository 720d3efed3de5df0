/**
 * REST routes for what a bot does in channels: read a channel, post (with Discord's checks and its
 * `nonce` + `enforce_nonce` deduplication), read history and single messages, edit and delete its messages,
 * start threads from a message or in a forum (a post with its first message) or a text channel, react, and
 * open DMs. Permissions are the bot's in the channel: no View Channel is 403 / 50001, no Send Messages (or
 * Send Messages in Threads, Create Public Threads, Add Reactions, Read Message History) is 403 / 50013, and
 * embeds without Embed Links are dropped as Discord drops them.
 */
import { Errors, FormErrors } from './errors.ts';
import type { Events } from './events.ts';
import { withoutContent } from './events.ts';
import { Permission } from './permissions.ts';
import { Answer, type RestRequest, type Route } from './rest.ts';
import { compareSnowflakes } from './snowflake.ts';
import { validateMessage } from './validate-message.ts';
import {
  ChannelType,
  type FakeChannel,
  type FakeMessage,
  isThread,
  MessageFlags,
  MessageType,
  type Reaction,
  type World,
} from './world.ts';

export interface ChannelContext {
  world: World;
  events: Events;
  /** How long a nonce sent with `enforce_nonce` deduplicates. */
  nonceWindowMs: number;
  /** Whether the app has the Message Content intent enabled (then REST reads show other people's content). */
  messageContentEnabled(): boolean;
}

const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];
const MAX_REACTIONS = 20;

export function channelRoutes(ctx: ChannelContext): Route[] {
  const { world, events } = ctx;
  const bot = world.bot.id;

  const channelOf = (id: string | undefined): FakeChannel => {
    const channel = id ? world.channels.get(id) : undefined;
    if (!channel) throw Errors.unknownChannel();
    if (channel.guildId !== null && !world.guildOf(channel.guildId).members.has(bot))
      throw Errors.unknownChannel();
    if (channel.guildId !== null && !world.can(bot, channel, Permission.ViewChannel))
      throw Errors.missingAccess();
    return channel;
  };
  const messageIn = (channel: FakeChannel, id: string | undefined): FakeMessage => {
    const message = id ? world.message(id) : undefined;
    if (!message || message.channelId !== channel.id || message.deleted || message.ephemeral)
      throw Errors.unknownMessage();
    return message;
  };
  const needs = (channel: FakeChannel, permission: bigint): void => {
    if (!world.can(bot, channel, permission)) throw Errors.missingPermissions();
  };
  /** What the bot reads of a message: others' content is empty without the Message Content intent. */
  const read = (message: FakeMessage): Record<string, unknown> => {
    const json = world.messageJson(message);
    const visible =
      ctx.messageContentEnabled() ||
      message.guildId === null ||
      message.authorId === bot ||
      message.pinged.users.includes(bot);
    return visible ? json : withoutContent(json);
  };

  /** Checks that the bot may post in `channel` now; unarchives a thread as Discord does. */
  const mayPost = (channel: FakeChannel): void => {
    if (channel.type === ChannelType.GuildForum) throw Errors.cannotSendInForum();
    if (channel.type === ChannelType.GuildCategory) throw Errors.nonTextChannel();
    if (channel.type === ChannelType.DM) {
      const user = channel.recipientId ? world.users.get(channel.recipientId) : undefined;
      const sharesGuild = [...world.guilds.values()].some(
        (g) => g.members.has(bot) && user !== undefined && g.members.has(user.id),
      );
      if (!user || user.bot || !user.acceptsDms || !sharesGuild) throw Errors.cannotSendToUser();
      return;
    }
    if (channel.thread) {
      needs(channel, Permission.SendMessagesInThreads);
      if (channel.thread.locked && !world.can(bot, channel, Permission.ManageThreads))
        throw Errors.threadLocked();
      channel.thread.archived = false;
      return;
    }
    needs(channel, Permission.SendMessages);
  };

  /** Makes a message from a checked body (a channel post, or a forum post's first message). */
  const create = (
    channel: FakeChannel,
    request: RestRequest,
    body: Record<string, unknown>,
    id?: string,
  ): FakeMessage => {
    const valid = validateMessage(body, { requireSomething: true, attachments: request.files.length });
    let reference: FakeMessage['messageReference'] = null;
    if (valid.messageReference) {
      const targetId = String(valid.messageReference.message_id ?? '');
      const targetChannel = String(valid.messageReference.channel_id ?? channel.id);
      const target = world.message(targetId);
      if (!target || target.deleted || target.channelId !== targetChannel) {
        if (valid.messageReference.fail_if_not_exists !== false) {
          const errors = new FormErrors();
          errors.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
          errors.throwIfAny();
        }
      } else {
        reference = {
          message_id: target.id,
          channel_id: target.channelId,
          ...(target.guildId ? { guild_id: target.guildId } : {}),
        };
      }
    }
    const embedsAllowed = channel.guildId === null || world.can(bot, channel, Permission.EmbedLinks);
    const message = world.storeMessage({
      ...(id ? { id } : {}),
      channelId: channel.id,
      authorId: bot,
      type: reference ? MessageType.Reply : MessageType.Default,
      content: valid.content ?? '',
      embeds: embedsAllowed ? (valid.embeds ?? []) : [],
      components: valid.components ?? [],
      attachments: request.files.map((f, i) => ({
        id: world.ids.next(),
        filename: f.filename,
        size: f.size,
        content_type: f.contentType,
        url: `https://cdn.discordapp.com/attachments/${channel.id}/${i}/${encodeURIComponent(f.filename)}`,
        proxy_url: `https://media.discordapp.net/attachments/${channel.id}/${i}/${encodeURIComponent(f.filename)}`,
      })),
      flags: (valid.flags ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications),
      nonce: valid.nonce ?? null,
      allowedMentions: valid.allowedMentions,
      messageReference: reference,
      sent: body,
      via: 'rest',
    });
    return message;
  };

  const postMessage = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    mayPost(channel);
    const body = asObject(request.body);
    const nonce = body.nonce;
    if (body.enforce_nonce === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
      const since = Date.now() - ctx.nonceWindowMs;
      const earlier = world
        .messagesIn(channel.id)
        .find((m) => m.authorId === bot && m.nonce === nonce && Date.parse(m.createdAt) >= since);
      if (earlier) return world.messageJson(earlier);
    }
    const message = create(channel, request, body);
    events.messageCreate(message);
    return world.messageJson(message);
  };

  const history = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    const query = request.query;
    const limitText = query.get('limit');
    const limit = limitText === null ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      const errors = new FormErrors();
      errors.add(['limit'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 100.');
      errors.throwIfAny();
    }
    if (channel.guildId !== null && !world.can(bot, channel, Permission.ReadMessageHistory)) return [];
    const all = world.messagesIn(channel.id).sort((a, b) => compareSnowflakes(b.id, a.id));
    const before = query.get('before');
    const after = query.get('after');
    const around = query.get('around');
    let page: FakeMessage[];
    if (around) {
      const older = all.filter((m) => compareSnowflakes(m.id, around) <= 0);
      const newer = all.filter((m) => compareSnowflakes(m.id, around) > 0);
      const half = Math.floor(limit / 2);
      page = [
        ...newer.slice(Math.max(0, newer.length - half)),
        ...older.slice(0, limit - Math.min(half, newer.length)),
      ];
    } else if (after) {
      page = all.filter((m) => compareSnowflakes(m.id, after) > 0).slice(-limit);
    } else {
      page = (before ? all.filter((m) => compareSnowflakes(m.id, before) < 0) : all).slice(0, limit);
    }
    return page.map(read);
  };

  const getMessage = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    if (channel.guildId !== null && !world.can(bot, channel, Permission.ReadMessageHistory))
      throw Errors.missingAccess();
    return read(messageIn(channel, request.params.message));
  };

  const editMessage = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    const message = messageIn(channel, request.params.message);
    const body = asObject(request.body);
    if (message.authorId !== bot) {
      const onlyFlags = Object.keys(body).every((k) => k === 'flags');
      if (!onlyFlags) throw Errors.cannotEditOthers();
      needs(channel, Permission.ManageMessages);
    }
    const valid = validateMessage(body, { requireSomething: false, attachments: request.files.length });
    applyEdit(
      world,
      message,
      body,
      valid,
      channel.guildId === null || world.can(bot, channel, Permission.EmbedLinks),
    );
    events.messageUpdate(message);
    return world.messageJson(message);
  };

  const deleteMessage = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    const message = messageIn(channel, request.params.message);
    if (message.authorId !== bot) needs(channel, Permission.ManageMessages);
    message.deleted = true;
    events.messageDelete(message);
    return undefined;
  };

  const threadFromMessage = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
      throw Errors.wrongChannelType();
    const message = messageIn(channel, request.params.message);
    const body = asObject(request.body);
    checkThreadBody(body);
    if (message.threadId) throw Errors.threadAlreadyCreated();
    needs(channel, Permission.CreatePublicThreads);
    const thread = world.addThread({
      parent: channel,
      id: message.id,
      name: String(body.name),
      ownerId: bot,
      type:
        channel.type === ChannelType.GuildAnnouncement
          ? ChannelType.AnnouncementThread
          : ChannelType.PublicThread,
      autoArchiveDuration: typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 4320,
      fromMessage: message.id,
    });
    message.threadId = thread.id;
    message.flags |= MessageFlags.HasThread;
    events.threadCreate(thread, true);
    return new Answer(201, world.channelJson(thread));
  };

  const startThread = (request: RestRequest): unknown => {
    const channel = channelOf(request.params.channel);
    const body = asObject(request.body);
    checkThreadBody(body);
    if (channel.type === ChannelType.GuildForum) {
      needs(channel, Permission.SendMessages);
      const first = body.message;
      if (typeof first !== 'object' || first === null) {
        const errors = new FormErrors();
        errors.add(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
        errors.throwIfAny();
      }
      const tags = Array.isArray(body.applied_tags) ? (body.applied_tags as unknown[]).map(String) : [];
      const known = new Set(channel.availableTags.map((t) => t.id));
      const errors = new FormErrors();
      if (tags.length > 5)
        errors.add(['applied_tags'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
      tags.forEach((tag, i) => {
        if (!known.has(tag)) errors.add(['applied_tags', i], 'FORUM_TAG_UNKNOWN', 'Unknown tag');
      });
      errors.throwIfAny();
      validateMessage(first as Record<string, unknown>, {
        requireSomething: true,
        attachments: request.files.length,
        path: ['message'],
      });
      const id = world.ids.next();
      const thread = world.addThread({
        parent: channel,
        id,
        name: String(body.name),
        ownerId: bot,
        type: ChannelType.PublicThread,
        autoArchiveDuration:
          typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 4320,
        appliedTags: tags,
      });
      const message = create(thread, request, first as Record<string, unknown>, id);
      channel.lastMessageId = thread.id;
      events.threadCreate(thread, true);
      events.messageCreate(message);
      return new Answer(201, { ...world.channelJson(thread), message: world.messageJson(message) });
    }
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
      throw Errors.wrongChannelType();
    const type =
      channel.type === ChannelType.GuildAnnouncement
        ? ChannelType.AnnouncementThread
        : body.type === ChannelType.PublicThread
          ? ChannelType.PublicThread
          : ChannelType.PrivateThread;
    needs(
      channel,
      type === ChannelType.PrivateThread ? Permission.CreatePrivateThreads : Permission.CreatePublicThreads,
    );
    const thread = world.addThread({
      parent: channel,
      name: String(body.name),
      ownerId: bot,
      type,
      autoArchiveDuration: typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 4320,
    });
    if (type !== ChannelType.PrivateThread) {
      const notice = world.storeMessage({
        channelId: channel.id,
        authorId: bot,
        type: MessageType.ThreadCreated,
        content: String(body.name),
        messageReference: {
          message_id: thread.id,
          channel_id: thread.id,
          ...(channel.guildId ? { guild_id: channel.guildId } : {}),
        },
        sent: {},
        via: 'system',
      });
      events.messageCreate(notice);
    }
    events.threadCreate(thread, true);
    return new Answer(201, world.channelJson(thread));
  };

  const react =
    (add: boolean) =>
    (request: RestRequest): unknown => {
      const channel = channelOf(request.params.channel);
      const message = messageIn(channel, request.params.message);
      const emoji = parseEmoji(world, request.params.emoji ?? '');
      const key = emoji.id ?? emoji.name;
      const existing = message.reactions.get(key);
      if (!add) {
        if (existing?.users.delete(bot)) {
          events.reaction('MESSAGE_REACTION_REMOVE', events.reactionPayload(message, bot, existing, false));
          if (existing.users.size === 0) message.reactions.delete(key);
        }
        return undefined;
      }
      if (channel.guildId !== null) {
        needs(channel, Permission.ReadMessageHistory);
        if (!existing) needs(channel, Permission.AddReactions);
      }
      if (!existing && message.reactions.size >= MAX_REACTIONS) throw Errors.maxReactions();
      const reaction: Reaction = existing ?? { emoji, users: new Set() };
      message.reactions.set(key, reaction);
      if (!reaction.users.has(bot)) {
        reaction.users.add(bot);
        events.reaction('MESSAGE_REACTION_ADD', events.reactionPayload(message, bot, reaction, true));
      }
      return undefined;
    };

  const openDm = (request: RestRequest): unknown => {
    const body = asObject(request.body);
    const id = body.recipient_id;
    if (typeof id !== 'string') {
      const errors = new FormErrors();
      errors.add(['recipient_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
      errors.throwIfAny();
    }
    if (!world.users.has(String(id))) throw Errors.unknownUser();
    return world.channelJson(world.dmWith(String(id)));
  };

  const guildOf = (id: string | undefined) => {
    const guild = id ? world.guilds.get(id) : undefined;
    if (!guild?.members.has(bot)) throw Errors.unknownGuild();
    return guild;
  };

  return [
    {
      method: 'GET',
      path: '/users/@me',
      handler: () => ({
        ...world.userJson(bot),
        verified: true,
        mfa_enabled: false,
        locale: 'en-US',
        email: null,
      }),
    },
    { method: 'POST', path: '/users/@me/channels', handler: openDm },
    {
      method: 'GET',
      path: '/users/:user',
      handler: (r) => {
        if (!world.users.has(r.params.user ?? '')) throw Errors.unknownUser();
        return world.userJson(r.params.user as string);
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild',
      handler: (r) => ({
        ...world.guildJson(guildOf(r.params.guild)),
        approximate_member_count: guildOf(r.params.guild).members.size,
      }),
    },
    {
      method: 'GET',
      path: '/guilds/:guild/channels',
      handler: (r) => {
        const guild = guildOf(r.params.guild);
        return [...world.channels.values()]
          .filter((c) => c.guildId === guild.id && !isThread(c))
          .map((c) => world.channelJson(c));
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild/roles',
      handler: (r) => [...guildOf(r.params.guild).roles.values()].map((x) => world.roleJson(x)),
    },
    {
      method: 'GET',
      path: '/guilds/:guild/members/:user',
      handler: (r) => {
        const member = guildOf(r.params.guild).members.get(r.params.user ?? '');
        if (!member) throw Errors.unknownMember();
        return world.memberJson(member);
      },
    },
    {
      method: 'GET',
      path: '/channels/:channel',
      handler: (r) => world.channelJson(channelOf(r.params.channel)),
    },
    { method: 'GET', path: '/channels/:channel/messages', handler: history },
    { method: 'POST', path: '/channels/:channel/messages', handler: postMessage },
    { method: 'GET', path: '/channels/:channel/messages/:message', handler: getMessage },
    { method: 'PATCH', path: '/channels/:channel/messages/:message', handler: editMessage },
    { method: 'DELETE', path: '/channels/:channel/messages/:message', handler: deleteMessage },
    { method: 'POST', path: '/channels/:channel/messages/:message/threads', handler: threadFromMessage },
    { method: 'POST', path: '/channels/:channel/threads', handler: startThread },
    {
      method: 'PUT',
      path: '/channels/:channel/messages/:message/reactions/:emoji/@me',
      handler: react(true),
    },
    {
      method: 'DELETE',
      path: '/channels/:channel/messages/:message/reactions/:emoji/@me',
      handler: react(false),
    },
  ];
}

/** Applies a checked edit (a channel message's PATCH, or an interaction answer's) to `message`. */
export function applyEdit(
  world: World,
  message: FakeMessage,
  body: Record<string, unknown>,
  valid: ReturnType<typeof validateMessage>,
  embedsAllowed: boolean,
): void {
  const wasLoading = (message.flags & MessageFlags.Loading) !== 0;
  if (valid.content !== undefined) message.content = valid.content;
  else if (body.content === null) message.content = '';
  if (valid.embeds !== undefined) message.embeds = embedsAllowed ? valid.embeds : [];
  else if (body.embeds === null) message.embeds = [];
  if (valid.components !== undefined) message.components = valid.components;
  if (valid.allowedMentions !== undefined) message.allowedMentions = valid.allowedMentions;
  if (valid.flags !== undefined)
    message.flags =
      (message.flags & ~MessageFlags.SuppressEmbeds) | (valid.flags & MessageFlags.SuppressEmbeds);
  message.flags &= ~MessageFlags.Loading;
  if (!wasLoading) message.editedAt = new Date().toISOString();
  message.edits.push(body);
  message.pinged = world.pings(message);
}

function checkThreadBody(body: Record<string, unknown>): void {
  const errors = new FormErrors();
  if (typeof body.name !== 'string' || body.name.trim() === '')
    errors.add(['name'], 'BASE_TYPE_REQUIRED', 'This field is required');
  else if (body.name.length > 100)
    errors.add(['name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  const duration = body.auto_archive_duration;
  if (duration !== undefined && duration !== null && !ARCHIVE_DURATIONS.includes(duration as number))
    errors.add(
      ['auto_archive_duration'],
      'BASE_TYPE_CHOICES',
      'Value must be one of (60, 1440, 4320, 10080).',
    );
  const slowmode = body.rate_limit_per_user;
  if (
    slowmode !== undefined &&
    slowmode !== null &&
    (typeof slowmode !== 'number' || slowmode < 0 || slowmode > 21600)
  )
    errors.add(
      ['rate_limit_per_user'],
      'NUMBER_TYPE_MAX',
      'int value should be less than or equal to 21600.',
    );
  errors.throwIfAny();
}

/** A route's emoji: a Unicode emoji, or `name:id` of a custom emoji of a guild the bot is in. */
export function parseEmoji(world: World, raw: string): Reaction['emoji'] {
  const custom = /^a?:?([\w~]{2,32}):(\d{17,20})$/.exec(raw);
  if (custom) {
    const id = custom[2] as string;
    for (const guild of world.guilds.values()) {
      if (!guild.members.has(world.bot.id)) continue;
      const emoji = guild.emojis.find((e) => e.id === id);
      if (emoji) return { id: emoji.id, name: emoji.name, ...(emoji.animated ? { animated: true } : {}) };
    }
    throw Errors.unknownEmoji();
  }
  // Unicode emoji only: a name such as "memo" or ":memo:" is not an emoji to Discord.
  if (
    raw === '' ||
    /^[\x20-\x7e]+$/.test(raw) ||
    !/\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\u20e3/u.test(raw)
  )
    throw Errors.unknownEmoji();
  return { id: null, name: raw };
}

export function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
