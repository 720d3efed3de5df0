/**
 * Discord's `/arxiv` command, made from the core's command table (src/bot/commands/table.ts) and nothing
 * else: a subcommand per command, the subcommand group `me` with the scoped ones, an option per argument.
 * And the way back: an interaction's `data` read into what `commandFromOptions` takes, and the option being
 * typed in an autocomplete interaction.
 *
 * Decisions:
 * - A subcommand's description is its first usage entry's summary (for `me`, its `mine` form): the table
 *   lists what a command does first (search's second entry is about the text form).
 * - Options follow the table's order with the required ones first, as Discord requires.
 * - A command whose answer is `shareable` gets a last, optional boolean option `share`: the typed `--share`.
 *   A command whose only shareable form is its bare `show` form gets it only when it has no required
 *   argument, since Discord cannot send that form otherwise.
 * - The command is offered in servers and in the bot's DMs (`contexts`), for a bot installed in a server
 *   (`integration_types`). `default_member_permissions` is left unset: who may change a channel's digest is
 *   decided per subcommand by the core (the table's `who`), which Discord's per-command setting cannot say.
 * - Reading an interaction never throws: a command, subcommand, group or option this definition does not
 *   have (a registration older or newer than the bot, or another application's command) is passed on as it
 *   is named, so that commandFromOptions refuses it with a USAGE error and the usage lines. A value of a type
 *   this definition never registers (an INTEGER, a USER ...) is passed on as a value of the other type than
 *   the argument takes (see `foreignValue`), for the same refusal ("is text", "is true or false").
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type APIChatInputApplicationCommandInteractionData,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Scope } from '../../src/bot/commands/command.ts';
import {
  type ArgumentSpec,
  type Autocomplete,
  COMMAND_TABLE,
  type CommandSpec,
  commandSpec,
  isCommandKind,
  isScopedKind,
  ME_GROUP,
} from '../../src/bot/commands/table.ts';
import type { TypedCommand } from '../../src/chat/types.ts';

/** The command's name: `/arxiv`. */
export const COMMAND_NAME = 'arxiv';

/** The option of shareable commands that shows the answer to the channel (the text form's `--share`). */
export const SHARE_OPTION = 'share';

const DESCRIPTION = 'arXiv papers for your team: search, daily keyword digests, summaries';
const SHARE_DESCRIPTION = 'Show the answer to everyone in the channel, not only to you';

/** The JSON body that registers `/arxiv` (POST or bulk PUT of application commands). */
export function arxivCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    description: DESCRIPTION,
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: [
      ...COMMAND_TABLE.map((spec) => subcommand(spec, 'channel')),
      {
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: ME_GROUP.name,
        description: ME_GROUP.description,
        options: ME_GROUP.commands.map((kind) => subcommand(commandSpec(kind), 'user')),
      },
    ],
  };
}

function subcommand(spec: CommandSpec, scope: Scope): APIApplicationCommandSubcommandOption {
  const entry = spec.help.entries[0];
  const summary = scope === 'user' ? (entry?.mine ?? entry?.summary) : entry?.summary;
  const required = spec.arguments.filter((argument) => argument.required);
  const optional = spec.arguments.filter((argument) => !argument.required);
  const options: APIApplicationCommandBasicOption[] = [...required, ...optional].map(option);
  if (hasShare(spec)) {
    options.push({
      type: ApplicationCommandOptionType.Boolean,
      name: SHARE_OPTION,
      description: SHARE_DESCRIPTION,
    });
  }
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: spec.name,
    description: summary ?? spec.name,
    ...(options.length > 0 ? { options } : {}),
  };
}

/** Whether a typed form of this command can be answered privately or to the channel, as the user says. */
export function hasShare(spec: CommandSpec): boolean {
  if (spec.access.answer === 'shareable') return true;
  return spec.show?.answer === 'shareable' && !spec.arguments.some((argument) => argument.required);
}

function option(argument: ArgumentSpec): APIApplicationCommandBasicOption {
  const base = {
    name: argument.name,
    description: argument.description,
    ...(argument.required ? { required: true } : {}),
  };
  if (argument.kind === 'boolean') return { type: ApplicationCommandOptionType.Boolean, ...base };
  return {
    type: ApplicationCommandOptionType.String,
    ...base,
    ...(argument.autocomplete ? { autocomplete: true } : {}),
  };
}

/** The Discord option type an argument of the table is registered with. */
export function optionType(argument: ArgumentSpec): ApplicationCommandOptionType {
  return argument.kind === 'boolean'
    ? ApplicationCommandOptionType.Boolean
    : ApplicationCommandOptionType.String;
}

// ---------------------------------------------------------------------------------------------------------
// Reading interactions
// ---------------------------------------------------------------------------------------------------------

/** What an autocomplete interaction asks to complete. */
export interface FocusedOption {
  readonly kind: Autocomplete;
  /** What the user has typed in the option so far. */
  readonly typed: string;
}

/** An interaction's command data: a command's (type 2) or an autocomplete's (type 4). */
export type InteractionData = Pick<APIChatInputApplicationCommandInteractionData, 'name' | 'options'>;

/** One option of an interaction, as the raw API gives it (read defensively: any field may be missing). */
interface RawOption {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly value?: unknown;
  readonly focused?: unknown;
  readonly options?: unknown;
}

interface Located {
  readonly name: string;
  readonly scope: Scope;
  readonly leaves: readonly RawOption[];
}

/** The subcommand named (inside the `me` group or not) and its options. */
function locate(data: InteractionData): Located {
  const top = rawOptions(data.options);
  const first = top[0];
  const commandName = typeof data.name === 'string' ? data.name : '';
  if (commandName !== COMMAND_NAME || first === undefined) {
    // Not /arxiv (another command of the application), or /arxiv without a subcommand: named as it is.
    return { name: commandName, scope: 'channel', leaves: top };
  }
  if (first.type === ApplicationCommandOptionType.SubcommandGroup) {
    const group = nameOf(first);
    const sub = rawOptions(first.options)[0];
    const subName = sub === undefined ? '' : nameOf(sub);
    if (group === ME_GROUP.name) return { name: subName, scope: 'user', leaves: rawOptions(sub?.options) };
    return { name: `${group} ${subName}`.trim(), scope: 'channel', leaves: rawOptions(sub?.options) };
  }
  if (first.type === ApplicationCommandOptionType.Subcommand) {
    return { name: nameOf(first), scope: 'channel', leaves: rawOptions(first.options) };
  }
  return { name: '', scope: 'channel', leaves: top };
}

/** The arguments of the named command in the table, or none when it is not one of ours. */
function argumentsOf(name: string, scope: Scope): readonly ArgumentSpec[] {
  if (!isCommandKind(name) || (scope === 'user' && !isScopedKind(name))) return [];
  return commandSpec(name).arguments;
}

/**
 * An application command interaction's `data` as `commandFromOptions(name, scope, options)` takes it, with
 * the `share` option apart. Never throws; see the decisions above for what is not ours.
 */
export function readInteraction(data: InteractionData): TypedCommand {
  const { name, scope, leaves } = locate(data);
  const known = argumentsOf(name, scope);
  const options: Record<string, string | boolean> = {};
  let share = false;
  for (const leaf of leaves) {
    const optionName = nameOf(leaf);
    const argument = known.find((candidate) => candidate.name === optionName);
    if (
      optionName === SHARE_OPTION &&
      argument === undefined &&
      leaf.type === ApplicationCommandOptionType.Boolean &&
      typeof leaf.value === 'boolean'
    ) {
      share = leaf.value;
      continue;
    }
    options[optionName] = leafValue(leaf, argument);
  }
  return { name, scope, options, share };
}

function leafValue(leaf: RawOption, argument: ArgumentSpec | undefined): string | boolean {
  if (leaf.type === ApplicationCommandOptionType.String && typeof leaf.value === 'string') return leaf.value;
  if (leaf.type === ApplicationCommandOptionType.Boolean && typeof leaf.value === 'boolean')
    return leaf.value;
  return foreignValue(leaf, argument);
}

/**
 * An option of a type this definition never registers, or whose value does not have its type's shape: for an
 * argument of ours, a value of the other type than it takes, which commandFromOptions refuses with the
 * argument's usage; for an option the command does not have, its value as text (refused by its name).
 */
function foreignValue(leaf: RawOption, argument: ArgumentSpec | undefined): string | boolean {
  if (argument === undefined || argument.kind === 'boolean') return describe(leaf.value);
  return false;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * The option being typed in an autocomplete interaction's `data`, and which suggestions it takes; null
 * when none is focused, or the focused one is not an argument of ours with autocomplete.
 */
export function focusedOption(data: InteractionData): FocusedOption | null {
  const { name, scope, leaves } = locate(data);
  const focused = leaves.find((leaf) => leaf.focused === true);
  if (!focused) return null;
  const argument = argumentsOf(name, scope).find((candidate) => candidate.name === nameOf(focused));
  if (!argument?.autocomplete) return null;
  return { kind: argument.autocomplete, typed: describe(focused.value) };
}

function rawOptions(value: unknown): RawOption[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is RawOption => typeof item === 'object' && item !== null);
}

function nameOf(option: RawOption): string {
  return typeof option.name === 'string' ? option.name : '';
}
