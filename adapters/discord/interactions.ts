/**
 * /arxiv interactions: an application command becomes a CommandEvent for the core, an autocomplete gets the
 * core's suggestions. Discord wants every interaction acknowledged within 3 seconds, once, and decides then
 * whether the reply is ephemeral; the core says which before it does the work (`acknowledge`), and the
 * reply is deferred that way. Should the core not have said within ACK_DEADLINE_MS (a slow store, say), the
 * reply is deferred as private so that the interaction does not expire; the answer then follows as a
 * message of its own when it is for the channel.
 *
 * The deferred reply is edited with the first answer; more answers are follow-ups. A problem after a public
 * acknowledgment replaces the public placeholder with a private follow-up.
 */
import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { suggestions } from '../../src/bot/commands/autocomplete.ts';
import { commandSpec, isCommandKind } from '../../src/bot/commands/table.ts';
import type {
  CommandEvent,
  InboundHandlers,
  OutboundMessage,
  TargetId,
  TypedCommand,
  Visibility,
} from '../../src/chat/types.ts';
import type { Logger } from '../../src/log.ts';
import { focusedOption, type InteractionData, readInteraction } from './commands.ts';
import { channelTarget, userTarget } from './ids.ts';
import { NO_MENTIONS } from './posting.ts';
import { renderMessage } from './render.ts';

/** Discord gives 3 s; past this, the adapter defers on its own rather than risk the deadline. */
export const ACK_DEADLINE_MS = 2_000;

export interface InteractionContext {
  handlers: InboundHandlers;
  logger: Logger;
  /** Makes stop() wait for a command's answer. */
  track: <T>(work: Promise<T>) => Promise<T>;
  ackDeadlineMs?: number;
}

/** The command's channel: a thread's parent (subscriptions belong to channels), or the user's DM target. */
function channelOf(interaction: ChatInputCommandInteraction): TargetId {
  if (!interaction.guildId) return userTarget(interaction.user.id);
  const channel = interaction.channel;
  const parent = channel?.isThread() ? channel.parentId : null;
  return channelTarget(interaction.guildId, parent ?? interaction.channelId);
}

function data(interaction: ChatInputCommandInteraction | AutocompleteInteraction): InteractionData {
  // discord.js keeps the options as the API sent them (name, type, value, options, focused).
  return { name: interaction.commandName, options: interaction.options.data as InteractionData['options'] };
}

export async function handleCommandInteraction(
  interaction: ChatInputCommandInteraction,
  context: InteractionContext,
): Promise<void> {
  const reply = new DeferredReply(interaction, context.logger, context.ackDeadlineMs ?? ACK_DEADLINE_MS);
  const channel = channelOf(interaction);
  const typed = readInteraction(data(interaction));
  const event: CommandEvent = {
    platform: 'discord',
    text: commandText(typed),
    typed,
    user: userTarget(interaction.user.id),
    channel,
    // The member's permissions in this channel, as Discord computed them for the interaction. In a DM the
    // channel is the user's own target.
    managesChannel: interaction.inGuild()
      ? (interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false)
      : true,
    acknowledge: (visibility) => reply.defer(visibility),
    respond: (message, visibility) => reply.send(message, visibility),
  };
  try {
    await context.track(context.handlers.onCommand(event));
  } finally {
    reply.settle();
  }
}

/**
 * The command as it reads in text, for logs: `me schedule 09:00 Europe/Berlin`, `public on`, `feed revoke`:
 * the options' values in order, a boolean as the text grammar spells it (the table's `spelled`).
 */
export function commandText(typed: TypedCommand): string {
  const spec = isCommandKind(typed.name) ? commandSpec(typed.name) : null;
  const values = Object.entries(typed.options).map(([name, value]) => {
    if (typeof value !== 'boolean') return value ?? '';
    const spelled = spec?.arguments.find((argument) => argument.name === name)?.spelled;
    return spelled ? spelled[value ? 'true' : 'false'] : `${name}:${value}`;
  });
  return [
    ...(typed.scope === 'user' ? ['me'] : []),
    typed.name,
    ...values,
    ...(typed.share ? ['--share'] : []),
  ]
    .filter((word) => word !== '')
    .join(' ');
}

export async function handleAutocomplete(
  interaction: AutocompleteInteraction,
  logger: Logger,
): Promise<void> {
  const focused = focusedOption(data(interaction));
  const choices = focused ? suggestions(focused.kind, focused.typed) : [];
  await interaction.respond(choices).catch((error: unknown) => {
    logger.debug({ err: error }, 'could not answer an autocomplete');
  });
}

/** One interaction's reply: deferred once (by the core, or by the deadline), then edited and followed up. */
class DeferredReply {
  readonly #interaction: ChatInputCommandInteraction;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #deferred: Promise<void> | null = null;
  #deferredAs: Visibility | null = null;
  /** Whether the deferred reply still shows "thinking": the first answer edits it. */
  #placeholder = true;

  constructor(interaction: ChatInputCommandInteraction, logger: Logger, deadlineMs: number) {
    this.#interaction = interaction;
    this.#logger = logger;
    this.#timer = setTimeout(() => {
      this.defer('private').catch((error: unknown) => {
        logger.warn({ err: error }, 'could not defer an interaction before its deadline');
      });
    }, deadlineMs);
  }

  defer(visibility: Visibility): Promise<void> {
    clearTimeout(this.#timer);
    if (!this.#deferred) {
      this.#deferredAs = visibility;
      this.#deferred = this.#interaction
        .deferReply(visibility === 'private' ? { flags: MessageFlags.Ephemeral } : {})
        .then(() => undefined);
    }
    return this.#deferred;
  }

  async send(message: OutboundMessage, visibility: Visibility): Promise<void> {
    await this.defer(visibility);
    const parts = renderMessage(message).map((part) => ({ ...part, allowedMentions: NO_MENTIONS }));
    const ephemeral = visibility === 'private' ? { flags: MessageFlags.Ephemeral as const } : {};
    for (const part of parts) {
      if (this.#placeholder && this.#deferredAs === visibility) {
        this.#placeholder = false;
        await this.#interaction.editReply(part as InteractionEditReplyOptions);
        continue;
      }
      if (this.#placeholder) {
        // Deferred the other way: the placeholder goes, the answer comes as a follow-up seen by the right people.
        this.#placeholder = false;
        await this.#interaction.deleteReply().catch((error: unknown) => {
          this.#logger.debug({ err: error }, 'could not remove the placeholder of a deferred reply');
        });
      }
      await this.#interaction.followUp({ ...part, ...ephemeral } as InteractionReplyOptions);
    }
  }

  /** The command is over: no deferral after it. */
  settle(): void {
    clearTimeout(this.#timer);
  }
}
