/**
 * The gateway events that follow from changes in the fake's Discord, shaped as Discord sends them and sent
 * to the sessions whose intents carry them: MESSAGE_CREATE/UPDATE/DELETE (Guild Messages or Direct
 * Messages; content, embeds, attachments and components left empty for a session without Message Content,
 * unless the bot wrote the message, is mentioned in it, or it is a DM), MESSAGE_REACTION_ADD/REMOVE,
 * THREAD_CREATE, CHANNEL_CREATE, GUILD_CREATE, GUILD_MEMBER_ADD, INTERACTION_CREATE.
 */
import { type Gateway, Intent, type Session } from './gateway.ts';
import type { FakeChannel, FakeGuild, FakeMember, FakeMessage, Reaction, World } from './world.ts';

export class Events {
  readonly #world: World;
  readonly #gateway: Gateway;

  constructor(world: World, gateway: Gateway) {
    this.#world = world;
    this.#gateway = gateway;
  }

  messageCreate(message: FakeMessage): void {
    this.#message('MESSAGE_CREATE', message);
  }

  messageUpdate(message: FakeMessage): void {
    this.#message('MESSAGE_UPDATE', message);
  }

  messageDelete(message: FakeMessage): void {
    this.#gateway.dispatch(
      'MESSAGE_DELETE',
      {
        id: message.id,
        channel_id: message.channelId,
        ...(message.guildId ? { guild_id: message.guildId } : {}),
      },
      { guildId: message.guildId, intents: message.guildId ? Intent.GuildMessages : Intent.DirectMessages },
    );
  }

  /** `data` is the event's `d`; built by reactionPayload. */
  reaction(type: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', data: Record<string, unknown>): number {
    const guildId = typeof data.guild_id === 'string' ? data.guild_id : null;
    return this.#gateway.dispatch(type, data, {
      guildId,
      intents: guildId ? Intent.GuildMessageReactions : Intent.DirectMessageReactions,
    });
  }

  /**
   * MESSAGE_REACTION_ADD's `d` (as in the recorded ones: remora, serenity) for `userId` on `message`; with
   * `add` false, MESSAGE_REACTION_REMOVE's, which Discord sends without member, message author and colours.
   */
  reactionPayload(
    message: FakeMessage,
    userId: string,
    reaction: Reaction,
    add: boolean,
  ): Record<string, unknown> {
    const member = message.guildId ? this.#world.guildOf(message.guildId).members.get(userId) : undefined;
    return {
      user_id: userId,
      channel_id: message.channelId,
      message_id: message.id,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
      ...(add && member ? { member: this.#world.memberJson(member) } : {}),
      emoji: reaction.emoji,
      ...(add ? { message_author_id: message.authorId } : {}),
      burst: false,
      ...(add ? { burst_colors: [] } : {}),
      type: 0,
    };
  }

  threadCreate(thread: FakeChannel, newlyCreated: boolean): void {
    this.#gateway.dispatch(
      'THREAD_CREATE',
      { ...this.#world.channelJson(thread), ...(newlyCreated ? { newly_created: true } : {}) },
      { guildId: thread.guildId, intents: Intent.Guilds },
    );
  }

  channelCreate(channel: FakeChannel): void {
    this.#gateway.dispatch('CHANNEL_CREATE', this.#world.channelJson(channel), {
      guildId: channel.guildId,
      intents: Intent.Guilds,
    });
  }

  guildCreate(guild: FakeGuild): void {
    this.#gateway.dispatch('GUILD_CREATE', this.#world.guildCreateJson(guild), {
      guildId: guild.id,
      intents: Intent.Guilds,
    });
  }

  memberAdd(member: FakeMember): void {
    this.#gateway.dispatch(
      'GUILD_MEMBER_ADD',
      { ...this.#world.memberJson(member), guild_id: member.guildId },
      { guildId: member.guildId, intents: Intent.GuildMembers },
    );
  }

  interactionCreate(payload: Record<string, unknown>): number {
    const guildId = typeof payload.guild_id === 'string' ? payload.guild_id : null;
    return this.#gateway.dispatch('INTERACTION_CREATE', payload, { guildId });
  }

  #message(type: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: FakeMessage): void {
    if (message.ephemeral) return;
    const json = this.#world.messageJson(message);
    const member = message.guildId
      ? this.#world.guildOf(message.guildId).members.get(message.authorId)
      : undefined;
    const full = {
      ...json,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
      ...(member ? { member: this.#world.memberJson(member, false) } : {}),
    };
    const readable =
      message.guildId === null ||
      message.authorId === this.#world.bot.id ||
      message.pinged.users.includes(this.#world.bot.id);
    this.#gateway.dispatch(
      type,
      (session: Session) =>
        readable || (session.intents & Intent.MessageContent) !== 0 ? full : withoutContent(full),
      { guildId: message.guildId, intents: message.guildId ? Intent.GuildMessages : Intent.DirectMessages },
    );
  }
}

/** A message as a bot without the Message Content intent sees it. */
export function withoutContent(message: Record<string, unknown>): Record<string, unknown> {
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
