/**
 * Discord's side of the opaque ids of src/chat/types.ts: channels are `discord:<guild>:<channel>`, users (and
 * their direct-message targets) `discord:@<user>`. A thread is not a target: it is the `threadId` of a
 * MessageRef in its parent channel, and on Discord its id is the id of the message it was started from.
 */
import type { TargetId, UserId } from '../../src/chat/types.ts';

export type DiscordTarget =
  | { kind: 'channel'; guild: string; channel: string }
  | { kind: 'user'; user: string };

/** A snowflake: a decimal number of 17 to 20 digits. */
const SNOWFLAKE = /^\d{17,20}$/;
const TARGET = /^discord:(?:@(\d{17,20})|(\d{17,20}):(\d{17,20}))$/;

export function channelTarget(guild: string, channel: string): TargetId {
  return `discord:${checked(guild)}:${checked(channel)}`;
}

export function userTarget(user: string): UserId {
  return `discord:@${checked(user)}`;
}

/** Parses a Discord target or user id; throws for anything else (a bug in the caller, not a user's mistake). */
export function parseDiscordTarget(id: string): DiscordTarget {
  const match = TARGET.exec(id);
  if (!match)
    throw new Error(`"${id}" is not a Discord target (discord:<guild>:<channel> or discord:@<user>).`);
  const [, user, guild = '', channel = ''] = match;
  return user ? { kind: 'user', user } : { kind: 'channel', guild, channel };
}

export function isSnowflake(id: string): boolean {
  return SNOWFLAKE.test(id);
}

function checked(id: string): string {
  if (!SNOWFLAKE.test(id)) throw new Error(`"${id}" is not a Discord id.`);
  return id;
}
