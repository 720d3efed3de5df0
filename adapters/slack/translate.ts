/**
 * Slack payloads in, the core's ids out. Pure functions over the payloads Slack sends (slash commands as
 * form fields, `reaction_added` and `reaction_removed` in an `event_callback` envelope, old or current
 * shape), so they are tested on the recorded payloads without a connection.
 */
import type { TargetId, UserId } from '../../src/chat/types.ts';
import { channelTarget, isDirectMessageChannel, isSlackId, userTarget } from './ids.ts';

/** The fields of a slash command the adapter reads (Slack sends more). */
export interface SlashCommandFields {
  team_id: string;
  channel_id: string;
  user_id: string;
  command: string;
  text: string;
}

export interface CommandOrigin {
  text: string;
  user: UserId;
  /** A command typed in a direct-message conversation counts as typed in the user's own target. */
  channel: TargetId;
}

/**
 * Why a slash command cannot be taken, or null when it can: it comes from a workspace other than the one
 * the bot is installed in (the app may be installed in several, each with its own bot; this one answers
 * its own workspace only), or its workspace, channel or user id is not a Slack id. Signed by Slack or not,
 * such a command must not reach the core: its ids would name targets of another workspace, or none.
 */
export function commandProblem(
  fields: SlashCommandFields,
  installationTeam: string,
): 'other-workspace' | 'malformed' | null {
  if (!isSlackId(fields.team_id) || !isSlackId(fields.channel_id) || !isSlackId(fields.user_id)) {
    return 'malformed';
  }
  return fields.team_id === installationTeam ? null : 'other-workspace';
}

/** The command's origin as the core's ids; `commandProblem` must have found nothing wrong with it. */
export function commandOrigin(fields: SlashCommandFields): CommandOrigin {
  const user = userTarget(fields.team_id, fields.user_id);
  const channel = isDirectMessageChannel(fields.channel_id)
    ? user
    : channelTarget(fields.team_id, fields.channel_id);
  return { text: fields.text ?? '', user, channel };
}

/** The parts of a `reaction_added` or `reaction_removed` event callback the adapter reads (the two have one shape). */
export interface ReactionCallback {
  team_id?: string;
  event: {
    type: string;
    user: string;
    reaction: string;
    item: { type: string; channel?: string; ts?: string };
  };
}

export interface ReactionOnMessage {
  action: 'added' | 'removed';
  team: string;
  user: UserId;
  emoji: string;
  /** The conversation and timestamp of the message reacted to. */
  channel: string;
  ts: string;
}

/**
 * A reaction added to or removed from a message, or null for a reaction to something else (a file, a file comment) or a payload
 * that lacks what is needed or has malformed ids. `team` is the envelope's when it has one, else the
 * installation's (the listener ignores a reaction from another workspace).
 */
export function reactionOnMessage(
  callback: ReactionCallback,
  installationTeam: string,
): ReactionOnMessage | null {
  // Read defensively: a payload is checked for what it needs, whatever its declared type says.
  const event = (callback as Partial<ReactionCallback>).event;
  const action =
    event?.type === 'reaction_added' ? 'added' : event?.type === 'reaction_removed' ? 'removed' : null;
  if (action === null || event?.item?.type !== 'message') return null;
  const { channel, ts } = event.item;
  if (typeof channel !== 'string' || typeof ts !== 'string' || !ts) return null;
  if (typeof event.user !== 'string' || typeof event.reaction !== 'string' || !event.reaction) return null;
  const team = callback.team_id || installationTeam;
  if (!isSlackId(team) || !isSlackId(channel) || !isSlackId(event.user)) return null;
  return { action, team, user: userTarget(team, event.user), emoji: event.reaction, channel, ts };
}
