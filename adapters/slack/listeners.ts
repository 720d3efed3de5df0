/**
 * What the bot listens to on Slack, registered on the Bolt App by `register(app, context)` in the manner of
 * bolt-js's `register(app)` functions. Each listener is an exported function of the context and Bolt's
 * arguments, so a test can call it with a context of its own and no connection.
 *
 * - The slash command (`/arxiv`): acknowledged at once (Slack waits 3 seconds), then handed to the core;
 *   its answers go to the command's response_url. While the adapter is not running it answers that the bot
 *   is restarting. A command from another workspace than the bot's, or with a malformed workspace, channel
 *   or user id, is answered with what is wrong (in the acknowledgement) and never reaches the core.
 * - Another command routed to this app (renamed in the app's settings) gets an answer, not a timeout.
 * - `reaction_added` and `reaction_removed` on a message: the core gets the reaction, added or removed, with
 *   the message's thread looked up (not one from another workspace).
 * - Bolt's own errors are logged.
 */
import type { App, RespondArguments } from '@slack/bolt';
import type {
  CommandEvent,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  TargetId,
  Visibility,
} from '../../src/chat/types.ts';
import { isAppError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import { renderMessage } from './blocks.ts';
import { answerFailure } from './errors.ts';
import {
  commandOrigin,
  commandProblem,
  type ReactionCallback,
  reactionOnMessage,
  type SlashCommandFields,
} from './translate.ts';

export interface ListenerContext {
  /** The slash command the app defines, e.g. `/arxiv`. */
  command: string;
  handlers: InboundHandlers;
  logger: Logger;
  /** The workspace the bot is installed in. */
  team: string;
  /** Whether the adapter takes events now. */
  running: () => boolean;
  /** Makes the adapter's stop() wait for `work` (a command's answer). */
  track: <T>(work: Promise<T>) => Promise<T>;
  /** Which target a conversation is, and which thread a message is in. */
  conversations: {
    targetOf(team: string, channel: string): Promise<TargetId>;
    locate(channel: string, ts: string): Promise<{ thread_ts?: string } | null>;
  };
}

/** What a slash-command listener reads of Bolt's arguments. */
export interface CommandArgs {
  command: SlashCommandFields;
  ack: (response?: RespondArguments) => Promise<void>;
  respond: (message: RespondArguments) => Promise<unknown>;
}

/** What the reaction listeners read of Bolt's arguments: the event callback. */
export interface ReactionArgs {
  body: unknown;
}

export function register(app: App, context: ListenerContext): void {
  app.command(context.command, (args) => slashCommand(context, args));
  app.command(otherCommands(context.command), (args) => otherCommand(context, args));
  app.event('reaction_added', (args) => reactionEvent(context, args));
  app.event('reaction_removed', (args) => reactionEvent(context, args));
  app.error((error) => boltError(context, error));
}

/** Every command but `command`. */
export function otherCommands(command: string): RegExp {
  return new RegExp(`^(?!${escapeRegExp(command)}$)`);
}

export async function slashCommand(
  context: ListenerContext,
  { command, ack, respond }: CommandArgs,
): Promise<void> {
  if (!context.running()) {
    await ack({ response_type: 'ephemeral', text: 'The bot is restarting; try again in a minute.' });
    return;
  }
  const problem = commandProblem(command, context.team);
  if (problem !== null) {
    context.logger.warn(
      {
        problem,
        team: command.team_id,
        channel: command.channel_id,
        user: command.user_id,
        installedIn: context.team,
      },
      'refused a slash command',
    );
    await ack({ response_type: 'ephemeral', text: REFUSALS[problem] });
    return;
  }
  // Acknowledged before anything else, so Slack's 3 seconds hold whatever the command does next.
  await ack();
  const origin = commandOrigin(command);
  const event: CommandEvent = {
    platform: 'slack',
    ...origin,
    respond: (message, visibility) => context.track(answer(respond, message, visibility)),
  };
  // Not tracked for stop(): a long search must not hold up shutdown; its posts and answers are.
  void context.handlers
    .onCommand(event)
    .catch((error: unknown) => commandFailed(context.logger, event, error));
}

/** What a person is told when their command cannot be taken. */
const REFUSALS = {
  'other-workspace':
    'This bot is not installed in this Slack workspace, so it cannot answer commands here. Ask an admin to install the app in this workspace.',
  malformed:
    'This command came from Slack without a valid channel, user or workspace id, so I did nothing. Run it again from a channel or a direct message.',
} as const;

export async function otherCommand(
  context: ListenerContext,
  { command, ack }: Pick<CommandArgs, 'command' | 'ack'>,
): Promise<void> {
  await ack({
    response_type: 'ephemeral',
    text: `This app answers ${context.command}; ${command.command} is not one of its commands.`,
  });
}

/** `reaction_added` or `reaction_removed`: the payload says which. */
export async function reactionEvent(context: ListenerContext, { body }: ReactionArgs): Promise<void> {
  if (!context.running()) return;
  const reaction = reactionOnMessage(body as ReactionCallback, context.team);
  if (!reaction) return;
  if (reaction.team !== context.team) {
    context.logger.debug({ team: reaction.team }, 'ignored a reaction from another workspace');
    return;
  }
  try {
    const target = await context.conversations.targetOf(reaction.team, reaction.channel);
    const located = await context.conversations.locate(reaction.channel, reaction.ts).catch(() => null);
    const root = located?.thread_ts;
    const message: MessageRef =
      root !== undefined && root !== reaction.ts
        ? { target, id: reaction.ts, threadId: root }
        : { target, id: reaction.ts };
    await context.handlers.onReaction({
      platform: 'slack',
      action: reaction.action,
      emoji: reaction.emoji,
      user: reaction.user,
      message,
    });
  } catch (error) {
    context.logger.error(
      { err: error, channel: reaction.channel, ts: reaction.ts },
      'a reaction failed in the bot',
    );
  }
}

export async function boltError(context: ListenerContext, error: unknown): Promise<void> {
  context.logger.error({ err: error }, 'Bolt reported an error');
}

/** Answers a command through its response_url, a part at a time when the message is long. */
export async function answer(
  respond: CommandArgs['respond'],
  message: OutboundMessage,
  visibility: Visibility,
): Promise<void> {
  for (const part of renderMessage(message)) {
    try {
      await respond({
        response_type: visibility === 'private' ? 'ephemeral' : 'in_channel',
        replace_original: false,
        text: part.text,
        ...(part.blocks.length > 0 ? { blocks: part.blocks } : {}),
      });
    } catch (error) {
      throw answerFailure(error);
    }
  }
}

/** A command whose handler threw: the user gets a private answer (the error's own message when it has one). */
export async function commandFailed(logger: Logger, event: CommandEvent, error: unknown): Promise<void> {
  let text: string;
  if (isAppError(error)) {
    text = error.userMessage;
    logger.warn({ err: error, channel: event.channel }, 'a command ended with an error for the user');
  } else {
    text = 'That failed unexpectedly; the log has the details.';
    logger.error({ err: error, channel: event.channel }, 'a command failed in the bot');
  }
  await event
    .respond({ text, blocks: [{ kind: 'text', spans: [{ text }] }] }, 'private')
    .catch((respondError: unknown) =>
      logger.warn({ err: respondError }, 'could not tell the user that their command failed'),
    );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
