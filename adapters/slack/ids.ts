/**
 * Slack's side of the opaque ids of adapters/types.ts: channels are `slack:<team>:<channel>`, users (and
 * their direct-message targets) `slack:<team>:@<user>`.
 */
import type { TargetId, UserId } from '../../src/chat/types.ts';

export type SlackTarget =
  | { kind: 'channel'; team: string; channel: string }
  | { kind: 'user'; team: string; user: string };

/** Slack ids: upper-case letters and digits (`T0JFD6M53`, `C2147483705`, `U2CERLKJA`, `W…` on Enterprise Grid). */
const SLACK_ID = /^[A-Z0-9]+$/;
const TARGET = /^slack:([A-Z0-9]+):(@?)([A-Z0-9]+)$/;

export function channelTarget(team: string, channel: string): TargetId {
  return `slack:${checked(team)}:${checked(channel)}`;
}

export function userTarget(team: string, user: string): UserId {
  return `slack:${checked(team)}:@${checked(user)}`;
}

/** Parses a Slack target or user id; throws for anything else (a bug in the caller, not a user's mistake). */
export function parseSlackTarget(id: string): SlackTarget {
  const match = TARGET.exec(id);
  if (!match)
    throw new Error(`"${id}" is not a Slack target (slack:<team>:<channel> or slack:<team>:@<user>).`);
  const [, team = '', at, rest = ''] = match;
  return at ? { kind: 'user', team, user: rest } : { kind: 'channel', team, channel: rest };
}

/** A direct-message conversation's id starts with D. */
export function isDirectMessageChannel(channel: string): boolean {
  return channel.startsWith('D');
}

/** Whether `id` has the form of a Slack id (a team, channel or user). */
export function isSlackId(id: unknown): id is string {
  return typeof id === 'string' && SLACK_ID.test(id);
}

function checked(id: string): string {
  if (!isSlackId(id)) throw new Error(`"${id}" is not a Slack id.`);
  return id;
}
