/**
 * The fake's Discord: users, guilds with roles, members and emojis, channels (text, announcement, forum,
 * category, threads, DMs) and messages with reactions. It knows who may do what where (permissions.ts) and
 * turns its records into the JSON objects Discord sends (users, members, roles, channels, guilds, messages).
 */
import { randomBytes } from 'node:crypto';
import {
  channelPermissions,
  DEFAULT_EVERYONE,
  type Overwrite,
  Permission,
  type Permissions,
  toBits,
} from './permissions.ts';
import { compareSnowflakes, Snowflakes, snowflakeTime } from './snowflake.ts';

export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildForum: 15,
} as const;

export const MessageType = {
  Default: 0,
  ThreadCreated: 18,
  Reply: 19,
  ChatInputCommand: 20,
} as const;

export const MessageFlags = {
  SuppressEmbeds: 1 << 2,
  HasThread: 1 << 5,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
} as const;

export type ChannelKind = 'text' | 'announcement' | 'forum' | 'category';

const KIND_TYPES: Record<ChannelKind, number> = {
  text: ChannelType.GuildText,
  announcement: ChannelType.GuildAnnouncement,
  forum: ChannelType.GuildForum,
  category: ChannelType.GuildCategory,
};

export function isThread(channel: FakeChannel): boolean {
  return (
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  /** False when the person closed their DMs (then a DM to them answers 403 / 50007). */
  acceptsDms: boolean;
}

export interface FakeRole {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  /** The bot's own role, made when it joined. */
  managedBy: string | null;
}

export interface FakeMember {
  guildId: string;
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface FakeEmoji {
  id: string;
  name: string;
  animated: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, FakeRole>;
  members: Map<string, FakeMember>;
  emojis: FakeEmoji[];
  joinedAt: string;
}

export interface ForumTag {
  id: string;
  name: string;
  moderated: boolean;
  emoji_id: string | null;
  emoji_name: string | null;
}

export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  archiveTimestamp: string;
  createTimestamp: string;
  messageCount: number;
  totalMessageSent: number;
  appliedTags: string[];
  /** The message the thread was started from (its id is the thread's), if any. */
  fromMessage: string | null;
}

export interface FakeChannel {
  id: string;
  type: number;
  guildId: string | null;
  name: string | null;
  parentId: string | null;
  position: number;
  topic: string | null;
  nsfw: boolean;
  overwrites: Overwrite[];
  rateLimitPerUser: number;
  lastMessageId: string | null;
  /** A DM's other party. */
  recipientId: string | null;
  thread: ThreadState | null;
  availableTags: ForumTag[];
}

export interface Reaction {
  emoji: { id: string | null; name: string; animated?: boolean };
  users: Set<string>;
}

export interface Pings {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  type: number;
  content: string;
  embeds: Record<string, unknown>[];
  components: unknown[];
  attachments: Record<string, unknown>[];
  flags: number;
  nonce: string | number | null;
  /** `allowed_mentions` as sent (undefined when left out: Discord's default, every mention pings). */
  allowedMentions: unknown;
  /** Who the message actually notified, by its content and `allowed_mentions`. */
  pinged: Pings;
  messageReference: { message_id: string; channel_id: string; guild_id?: string } | null;
  createdAt: string;
  editedAt: string | null;
  reactions: Map<string, Reaction>;
  threadId: string | null;
  webhookId: string | null;
  applicationId: string | null;
  interaction: { id: string; type: number; name: string; userId: string } | null;
  /** Ephemeral interaction answers are seen by one person and kept out of the channel's history. */
  ephemeral: boolean;
  deleted: boolean;
  /** The request body that made it, and each edit's body. */
  sent: Record<string, unknown>;
  edits: Record<string, unknown>[];
  via: 'rest' | 'interaction' | 'followup' | 'person' | 'system';
}

/** What a new message needs; the rest has Discord's defaults, and id, times, pings are made here. */
export type NewMessage = Pick<FakeMessage, 'channelId' | 'authorId' | 'content' | 'sent' | 'via'> &
  Partial<
    Omit<
      FakeMessage,
      'guildId' | 'createdAt' | 'editedAt' | 'reactions' | 'threadId' | 'deleted' | 'edits' | 'pinged'
    >
  >;

export interface WorldOptions {
  botName: string;
  botPermissions: Permissions;
}

export class World {
  readonly ids = new Snowflakes(1);
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly #messages = new Map<string, FakeMessage[]>();
  readonly #messageById = new Map<string, FakeMessage>();
  readonly bot: FakeUser;
  readonly applicationId: string;
  readonly #botPermissions: bigint;

  constructor(options: WorldOptions) {
    this.applicationId = this.ids.next(Date.now() - 86_400_000 * 400);
    this.bot = {
      id: this.applicationId,
      username: options.botName,
      globalName: null,
      bot: true,
      acceptsDms: false,
    };
    this.users.set(this.bot.id, this.bot);
    this.#botPermissions = toBits(options.botPermissions);
  }

  // --- building ------------------------------------------------------------------------------------------

  addUser(input: {
    username: string;
    id?: string;
    globalName?: string;
    bot?: boolean;
    acceptsDms?: boolean;
  }) {
    const user: FakeUser = {
      id: input.id ?? this.ids.next(),
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
      acceptsDms: input.acceptsDms ?? true,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** A guild with its @everyone role; the bot joins it with a managed role of its permissions. */
  addGuild(input: { name: string; id?: string; ownerId?: string; everyone?: Permissions }): FakeGuild {
    const id = input.id ?? this.ids.next();
    const ownerId = input.ownerId ?? this.addUser({ username: `${input.name}-owner` }).id;
    const guild: FakeGuild = {
      id,
      name: input.name,
      ownerId,
      roles: new Map(),
      members: new Map(),
      emojis: [],
      joinedAt: new Date().toISOString(),
    };
    guild.roles.set(id, {
      id,
      guildId: id,
      name: '@everyone',
      permissions: toBits(input.everyone ?? DEFAULT_EVERYONE),
      position: 0,
      managedBy: null,
    });
    this.guilds.set(id, guild);
    this.addMember({ guild: id, user: ownerId });
    const botRole = this.addRole({ guild: id, name: this.bot.username, permissions: this.#botPermissions });
    botRole.managedBy = this.bot.id;
    this.addMember({ guild: id, user: this.bot.id, roles: [botRole.id] });
    return guild;
  }

  addRole(input: { guild: string; name: string; permissions: Permissions; id?: string }): FakeRole {
    const guild = this.guildOf(input.guild);
    const role: FakeRole = {
      id: input.id ?? this.ids.next(),
      guildId: guild.id,
      name: input.name,
      permissions: toBits(input.permissions),
      position: guild.roles.size,
      managedBy: null,
    };
    guild.roles.set(role.id, role);
    return role;
  }

  addMember(input: { guild: string; user: string; roles?: string[]; nick?: string }): FakeMember {
    const guild = this.guildOf(input.guild);
    if (!this.users.has(input.user)) throw new Error(`No user ${input.user} in the fake Discord.`);
    for (const role of input.roles ?? [])
      if (!guild.roles.has(role)) throw new Error(`No role ${role} in guild ${guild.id}.`);
    const member: FakeMember = {
      guildId: guild.id,
      userId: input.user,
      roles: [...(input.roles ?? [])],
      nick: input.nick ?? null,
      joinedAt: new Date().toISOString(),
    };
    guild.members.set(input.user, member);
    return member;
  }

  addChannel(input: {
    guild: string;
    name: string;
    type?: ChannelKind;
    id?: string;
    parent?: string;
    topic?: string;
    overwrites?: Array<{ id: string; type: 'role' | 'member'; allow?: Permissions; deny?: Permissions }>;
    tags?: string[];
  }): FakeChannel {
    const guild = this.guildOf(input.guild);
    const channel = this.#newChannel({
      id: input.id ?? this.ids.next(),
      type: KIND_TYPES[input.type ?? 'text'],
      guildId: guild.id,
      name: input.name,
      parentId: input.parent ?? null,
      topic: input.topic ?? null,
      overwrites: (input.overwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type === 'role' ? 0 : 1,
        allow: toBits(o.allow ?? []),
        deny: toBits(o.deny ?? []),
      })),
    });
    channel.position = [...this.channels.values()].filter((c) => c.guildId === guild.id).length - 1;
    channel.availableTags = (input.tags ?? []).map((name) => ({
      id: this.ids.next(),
      name,
      moderated: false,
      emoji_id: null,
      emoji_name: null,
    }));
    return channel;
  }

  addThread(input: {
    parent: FakeChannel;
    name: string;
    ownerId: string;
    type: number;
    id?: string;
    autoArchiveDuration?: number;
    appliedTags?: string[];
    fromMessage?: string | null;
  }): FakeChannel {
    const now = new Date().toISOString();
    const channel = this.#newChannel({
      id: input.id ?? this.ids.next(),
      type: input.type,
      guildId: input.parent.guildId,
      name: input.name,
      parentId: input.parent.id,
      topic: null,
      overwrites: [],
    });
    channel.thread = {
      ownerId: input.ownerId,
      archived: false,
      locked: false,
      autoArchiveDuration: input.autoArchiveDuration ?? 4320,
      archiveTimestamp: now,
      createTimestamp: now,
      messageCount: 0,
      totalMessageSent: 0,
      appliedTags: input.appliedTags ?? [],
      fromMessage: input.fromMessage ?? null,
    };
    return channel;
  }

  /** The bot's DM channel with `userId`, made on first use (as POST /users/@me/channels does). */
  dmWith(userId: string): FakeChannel {
    for (const channel of this.channels.values())
      if (channel.type === ChannelType.DM && channel.recipientId === userId) return channel;
    const channel = this.#newChannel({
      id: this.ids.next(),
      type: ChannelType.DM,
      guildId: null,
      name: null,
      parentId: null,
      topic: null,
      overwrites: [],
    });
    channel.recipientId = userId;
    return channel;
  }

  #newChannel(
    fields: Pick<FakeChannel, 'id' | 'type' | 'guildId' | 'name' | 'parentId' | 'topic' | 'overwrites'>,
  ): FakeChannel {
    const channel: FakeChannel = {
      ...fields,
      position: 0,
      nsfw: false,
      rateLimitPerUser: 0,
      lastMessageId: null,
      recipientId: null,
      thread: null,
      availableTags: [],
    };
    this.channels.set(channel.id, channel);
    this.#messages.set(channel.id, []);
    return channel;
  }

  storeMessage(fields: NewMessage): FakeMessage {
    const channel = this.channels.get(fields.channelId);
    if (!channel) throw new Error(`No channel ${fields.channelId} in the fake Discord.`);
    const id = fields.id ?? this.ids.next();
    const message: FakeMessage = {
      type: MessageType.Default,
      embeds: [],
      components: [],
      attachments: [],
      flags: 0,
      nonce: null,
      allowedMentions: undefined,
      messageReference: null,
      webhookId: null,
      applicationId: null,
      interaction: null,
      ephemeral: false,
      ...fields,
      id,
      guildId: channel.guildId,
      createdAt: new Date(snowflakeTime(id)).toISOString(),
      editedAt: null,
      reactions: new Map(),
      threadId: null,
      deleted: false,
      edits: [],
      pinged: { users: [], roles: [], everyone: false },
    };
    message.pinged = this.pings(message);
    this.#messageById.set(id, message);
    if (!message.ephemeral) {
      (this.#messages.get(channel.id) as FakeMessage[]).push(message);
      channel.lastMessageId = id;
      if (channel.thread) {
        channel.thread.messageCount += 1;
        channel.thread.totalMessageSent += 1;
      }
    }
    return message;
  }

  /** Who a message notifies: its `<@id>`, `<@&role>` and `@everyone`, as far as `allowed_mentions` lets. */
  pings(message: FakeMessage): Pings {
    const users = [...message.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
    const roles = [...message.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string);
    const everyone = /@(everyone|here)\b/.test(message.content);
    const allowed = message.allowedMentions as
      | { parse?: string[]; users?: string[]; roles?: string[]; replied_user?: boolean }
      | undefined;
    const repliedTo = message.messageReference
      ? this.#messageById.get(message.messageReference.message_id)?.authorId
      : undefined;
    if (allowed === undefined || allowed === null) {
      return {
        users: unique([...users, ...(repliedTo ? [repliedTo] : [])]),
        roles: unique(roles),
        everyone: everyone && this.#mayMentionEveryone(message),
      };
    }
    const parse = allowed.parse ?? [];
    return {
      users: unique([
        ...users.filter((u) => parse.includes('users') || (allowed.users ?? []).includes(u)),
        ...(repliedTo && allowed.replied_user ? [repliedTo] : []),
      ]),
      roles: unique(roles.filter((r) => parse.includes('roles') || (allowed.roles ?? []).includes(r))),
      everyone: everyone && parse.includes('everyone') && this.#mayMentionEveryone(message),
    };
  }

  #mayMentionEveryone(message: FakeMessage): boolean {
    const channel = this.channels.get(message.channelId);
    return channel?.guildId == null ? false : this.can(message.authorId, channel, Permission.MentionEveryone);
  }

  // --- reading -------------------------------------------------------------------------------------------

  guildOf(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`No guild ${id} in the fake Discord.`);
    return guild;
  }

  /** The channel's messages in the order they were posted (ephemeral answers and deleted ones left out). */
  messagesIn(channelId: string): FakeMessage[] {
    return (this.#messages.get(channelId) ?? []).filter((m) => !m.deleted);
  }

  message(id: string): FakeMessage | undefined {
    return this.#messageById.get(id);
  }

  allMessages(): FakeMessage[] {
    return [...this.#messageById.values()].sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  /** A user's permission bits in a channel (threads use their parent's overwrites); DMs: all of a DM's. */
  permissionsIn(userId: string, channel: FakeChannel): bigint {
    if (channel.guildId === null) {
      return (
        Permission.ViewChannel |
        Permission.SendMessages |
        Permission.EmbedLinks |
        Permission.AttachFiles |
        Permission.ReadMessageHistory |
        Permission.AddReactions |
        Permission.UseExternalEmojis |
        Permission.UseApplicationCommands
      );
    }
    const guild = this.guildOf(channel.guildId);
    const member = guild.members.get(userId);
    if (!member) return 0n;
    const source =
      channel.thread && channel.parentId ? (this.channels.get(channel.parentId) ?? channel) : channel;
    const parent = source.parentId ? this.channels.get(source.parentId) : undefined;
    const overwrites = source.overwrites.length > 0 || !parent ? source.overwrites : parent.overwrites;
    return channelPermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId,
      everyone: guild.roles.get(guild.id)?.permissions ?? 0n,
      roleIds: member.roles,
      roles: new Map([...guild.roles.values()].map((r) => [r.id, r.permissions])),
      overwrites,
    });
  }

  can(userId: string, channel: FakeChannel, permission: bigint): boolean {
    return (this.permissionsIn(userId, channel) & permission) === permission;
  }

  // --- JSON as Discord sends it --------------------------------------------------------------------------

  userJson(id: string): Record<string, unknown> {
    const user = this.users.get(id);
    const known = user ?? { id, username: `user-${id.slice(-4)}`, globalName: null, bot: false };
    return {
      id: known.id,
      username: known.username,
      global_name: known.globalName,
      avatar: null,
      discriminator: known.bot ? '0001' : '0',
      public_flags: 0,
      flags: 0,
      ...(known.bot ? { bot: true } : {}),
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
  }

  memberJson(member: FakeMember, withUser = true): Record<string, unknown> {
    return {
      ...(withUser ? { user: this.userJson(member.userId) } : {}),
      roles: member.roles,
      nick: member.nick,
      avatar: null,
      banner: null,
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
    };
  }

  roleJson(role: FakeRole): Record<string, unknown> {
    return {
      id: role.id,
      name: role.name,
      description: null,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: role.position,
      permissions: String(role.permissions),
      managed: role.managedBy !== null,
      mentionable: false,
      flags: 0,
      ...(role.managedBy ? { tags: { bot_id: role.managedBy } } : {}),
    };
  }

  channelJson(channel: FakeChannel, options: { withGuildId?: boolean } = {}): Record<string, unknown> {
    if (channel.type === ChannelType.DM) {
      return {
        id: channel.id,
        type: channel.type,
        last_message_id: channel.lastMessageId,
        flags: 0,
        recipients: channel.recipientId ? [this.userJson(channel.recipientId)] : [],
      };
    }
    const json: Record<string, unknown> = {
      id: channel.id,
      type: channel.type,
      ...(options.withGuildId !== false ? { guild_id: channel.guildId } : {}),
      name: channel.name,
      parent_id: channel.parentId,
      flags: 0,
      rate_limit_per_user: channel.rateLimitPerUser,
      last_message_id: channel.lastMessageId,
    };
    if (channel.thread) {
      const thread = channel.thread;
      Object.assign(json, {
        owner_id: thread.ownerId,
        message_count: thread.messageCount,
        member_count: 1,
        total_message_sent: thread.totalMessageSent,
        thread_metadata: {
          archived: thread.archived,
          auto_archive_duration: thread.autoArchiveDuration,
          archive_timestamp: thread.archiveTimestamp,
          locked: thread.locked,
          create_timestamp: thread.createTimestamp,
          ...(channel.type === ChannelType.PrivateThread ? { invitable: true } : {}),
        },
        ...(thread.appliedTags.length > 0 ||
        this.channels.get(channel.parentId ?? '')?.type === ChannelType.GuildForum
          ? { applied_tags: thread.appliedTags }
          : {}),
      });
      return json;
    }
    Object.assign(json, {
      position: channel.position,
      permission_overwrites: channel.overwrites.map((o) => ({
        id: o.id,
        type: o.type,
        allow: String(o.allow),
        deny: String(o.deny),
      })),
      nsfw: channel.nsfw,
      topic: channel.topic,
    });
    if (channel.type === ChannelType.GuildForum) {
      Object.assign(json, {
        available_tags: channel.availableTags,
        default_reaction_emoji: null,
        default_sort_order: null,
        default_forum_layout: 0,
        default_thread_rate_limit_per_user: 0,
        default_auto_archive_duration: 4320,
        template: '',
      });
    }
    return json;
  }

  /** The GUILD_CREATE payload: the whole guild with its roles, members (the bot's too), channels, threads. */
  guildCreateJson(guild: FakeGuild): Record<string, unknown> {
    const channels = [...this.channels.values()].filter((c) => c.guildId === guild.id);
    return {
      ...this.guildJson(guild),
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      members: [...guild.members.values()].map((m) => this.memberJson(m)),
      channels: channels.filter((c) => !c.thread).map((c) => this.channelJson(c, { withGuildId: false })),
      threads: channels.filter((c) => c.thread && !c.thread.archived).map((c) => this.channelJson(c)),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      activity_instances: [],
      lazy: true,
    };
  }

  guildJson(guild: FakeGuild): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [...guild.roles.values()].map((r) => this.roleJson(r)),
      emojis: guild.emojis.map((e) => ({
        id: e.id,
        name: e.name,
        animated: e.animated,
        roles: [],
        require_colons: true,
        managed: false,
        available: true,
      })),
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      nsfw: false,
      nsfw_level: 0,
      hub_type: null,
      incidents_data: null,
      latest_onboarding_question_id: null,
      home_header: null,
      version: Date.now(),
    };
  }

  /** A message as REST returns it (no guild_id or member: those come with gateway events). */
  messageJson(message: FakeMessage): Record<string, unknown> {
    const json: Record<string, unknown> = {
      type: message.type,
      content: message.content,
      mentions: message.pinged.users.map((id) => this.userJson(id)),
      mention_roles: message.pinged.roles,
      attachments: message.attachments,
      embeds: message.embeds,
      timestamp: message.createdAt,
      edited_timestamp: message.editedAt,
      flags: message.flags,
      components: message.components,
      id: message.id,
      channel_id: message.channelId,
      author: this.userJson(message.authorId),
      pinned: false,
      mention_everyone: message.pinged.everyone,
      tts: false,
    };
    if (message.nonce !== null) json.nonce = message.nonce;
    if (message.webhookId) json.webhook_id = message.webhookId;
    if (message.applicationId) json.application_id = message.applicationId;
    if (message.messageReference) {
      json.message_reference = { type: 0, ...message.messageReference };
      const referenced = this.message(message.messageReference.message_id);
      json.referenced_message = referenced && !referenced.deleted ? this.messageJson(referenced) : null;
    }
    if (message.interaction) {
      json.interaction_metadata = {
        id: message.interaction.id,
        type: message.interaction.type,
        name: message.interaction.name,
        command_type: 1,
        user: this.userJson(message.interaction.userId),
        authorizing_integration_owners: message.guildId
          ? { '0': message.guildId }
          : { '1': message.interaction.userId },
      };
    }
    if (message.threadId) {
      const thread = this.channels.get(message.threadId);
      if (thread) json.thread = this.channelJson(thread);
    }
    const channel = this.channels.get(message.channelId);
    if (channel?.thread) json.position = this.messagesIn(channel.id).indexOf(message);
    if (message.reactions.size > 0) {
      json.reactions = [...message.reactions.values()].map((r) => ({
        emoji: r.emoji,
        count: r.users.size,
        count_details: { burst: 0, normal: r.users.size },
        burst_colors: [],
        me_burst: false,
        burst_me: false,
        me: r.users.has(this.bot.id),
        burst_count: 0,
      }));
    }
    return json;
  }
}

/** A random interaction token, shaped like Discord's (long, URL-safe). */
export function interactionToken(id: string): string {
  return `aW50ZXJhY3Rpb246${Buffer.from(id).toString('base64url')}${randomBytes(48).toString('base64url')}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
