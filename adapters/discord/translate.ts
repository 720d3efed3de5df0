/**
 * Discord's gateway payloads in the core's terms: pure functions, tested on recorded payloads
 * (../shared/fixtures/discord). A reaction comes as the raw MESSAGE_REACTION_ADD (or _REMOVE) dispatch
 * rather than discord.js's event, so that a reaction on a message, thread or DM posted before a restart
 * (nothing of it in the client's cache) is handled the same as any other.
 */
import type {
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
} from 'discord.js';
import { ChannelType } from 'discord.js';
import { isSnowflake } from './ids.ts';

/** A reaction, as far as the payload alone says: where the thread's parent is needs a channel lookup. */
export interface ReactionPayload {
  /** The emoji as Discord names it: the character of a Unicode emoji, a custom emoji's name. */
  emoji: string;
  user: string;
  /** The channel the message is in: a text channel, a thread, a forum post, or a DM. */
  channel: string;
  /** Null in a direct message. */
  guild: string | null;
  message: string;
}

/** Whether a dispatch adds or removes a reaction; null for any other dispatch. */
export function reactionAction(type: unknown): 'added' | 'removed' | null {
  if (type === 'MESSAGE_REACTION_ADD') return 'added';
  if (type === 'MESSAGE_REACTION_REMOVE') return 'removed';
  return null;
}

/**
 * The reaction in a MESSAGE_REACTION_ADD's or MESSAGE_REACTION_REMOVE's `d` (the removal carries the same
 * ids and emoji, without member and message author), or null when it is not one to act on: the bot's own,
 * or a payload without the ids every reaction has (a malformed event is dropped, never a crash).
 */
export function reactionOf(data: unknown, botId: string | null): ReactionPayload | null {
  const d = data as Partial<
    GatewayMessageReactionAddDispatchData | GatewayMessageReactionRemoveDispatchData
  > | null;
  if (!d || typeof d !== 'object') return null;
  const { user_id: user, channel_id: channel, message_id: message, guild_id: guild } = d;
  if (!isId(user) || !isId(channel) || !isId(message)) return null;
  if (user === botId) return null;
  const emoji = typeof d.emoji?.name === 'string' ? d.emoji.name : '';
  if (emoji === '') return null;
  return { emoji, user, channel, guild: isId(guild) ? guild : null, message };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && isSnowflake(value);
}

const THREAD_TYPES: ReadonlySet<number> = new Set([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

/** Whether a channel of this type is a thread (or a forum post, which is a public thread). */
export function isThreadType(type: number): boolean {
  return THREAD_TYPES.has(type);
}
