/**
 * Application commands: Discord's checks on a command (names 1-32 characters, lowercase for slash commands
 * and their options; descriptions 1-100; at most 25 options and 25 choices; subcommand nesting; required
 * options first; unique names; 4,000 characters in all) and the registry the bulk overwrite replaces, global
 * or per guild. A command keeps its id when an overwrite keeps its name and type, as on Discord.
 */
import { FormErrors } from './errors.ts';
import type { Snowflakes } from './snowflake.ts';

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export interface CommandOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOption[];
  [key: string]: unknown;
}

export interface StoredCommand {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  description: string;
  guild_id?: string;
  options?: CommandOption[];
  default_member_permissions: string | null;
  [key: string]: unknown;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const CHAT_INPUT = 1;
const MAX_PER_TYPE: Record<number, number> = { 1: 100, 2: 5, 3: 5, 4: 1 };

/** Checks a bulk overwrite (a list of commands); throws 50035 with Discord's error tree. */
export function validateCommands(body: unknown): Record<string, unknown>[] {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    errors.throwIfAny();
    return [];
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((command, index) => {
    checkCommand(errors, [index], command);
    const c = (command ?? {}) as Record<string, unknown>;
    const type = typeof c.type === 'number' ? c.type : CHAT_INPUT;
    const key = `${type}:${String(c.name)}`;
    if (seen.has(key))
      errors.add(
        [index, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        'Application command names must be unique',
      );
    seen.add(key);
    perType.set(type, (perType.get(type) ?? 0) + 1);
  });
  for (const [type, count] of perType) {
    const max = MAX_PER_TYPE[type] ?? 100;
    if (count > max) errors.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
  errors.throwIfAny();
  return body as Record<string, unknown>[];
}

/** Checks one command (POST or PATCH of a single command, or one item of a bulk overwrite). */
export function validateCommand(body: unknown): Record<string, unknown> {
  const errors = new FormErrors();
  checkCommand(errors, [], body);
  errors.throwIfAny();
  return body as Record<string, unknown>;
}

function checkCommand(errors: FormErrors, path: Array<string | number>, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const command = value as Record<string, unknown>;
  const type = command.type === undefined ? CHAT_INPUT : command.type;
  if (typeof type !== 'number' || ![1, 2, 3, 4].includes(type)) {
    errors.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4).');
    return;
  }
  const slash = type === CHAT_INPUT;
  checkName(errors, [...path, 'name'], command.name, slash);
  if (slash) checkDescription(errors, [...path, 'description'], command.description);
  else if (command.description !== undefined && command.description !== '' && command.description !== null)
    errors.add(
      [...path, 'description'],
      'APPLICATION_COMMAND_INVALID_DESCRIPTION',
      'Description must be empty',
    );
  if (command.options !== undefined && command.options !== null) {
    if (!slash)
      errors.add(
        [...path, 'options'],
        'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
        'Only slash commands may have options',
      );
    else checkOptions(errors, [...path, 'options'], command.options, 0);
  }
  const dmp = command.default_member_permissions;
  if (dmp !== undefined && dmp !== null && (typeof dmp !== 'string' || !/^\d+$/.test(dmp)))
    errors.add(
      [...path, 'default_member_permissions'],
      'NUMBER_TYPE_COERCE',
      `Value "${String(dmp)}" is not int.`,
    );
  if (size(command) > 4000)
    errors.add(path, 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (4000)');
}

function checkName(
  errors: FormErrors,
  path: Array<string | number>,
  name: unknown,
  lowercase: boolean,
): void {
  if (typeof name !== 'string') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (name.length < 1 || name.length > 32) {
    errors.add(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
    return;
  }
  if (lowercase ? !NAME.test(name) || name !== name.toLowerCase() : name.trim() === '')
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
}

function checkDescription(errors: FormErrors, path: Array<string | number>, description: unknown): void {
  if (typeof description !== 'string') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (description.length < 1 || description.length > 100)
    errors.add(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
}

/** depth 0: a command's options; 1: a group's or subcommand's; 2: a subcommand's inside a group. */
function checkOptions(errors: FormErrors, path: Array<string | number>, value: unknown, depth: number): void {
  if (!Array.isArray(value)) {
    errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (value.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const names = new Set<string>();
  let optionalSeen = false;
  let nested = 0;
  value.forEach((raw: unknown, index: number) => {
    const at = [...path, index];
    if (typeof raw !== 'object' || raw === null) {
      errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const option = raw as Record<string, unknown>;
    const type = option.type;
    if (typeof type !== 'number' || type < 1 || type > 11) {
      errors.add(
        [...at, 'type'],
        'BASE_TYPE_CHOICES',
        'Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).',
      );
      return;
    }
    checkName(errors, [...at, 'name'], option.name, true);
    checkDescription(errors, [...at, 'description'], option.description);
    if (typeof option.name === 'string') {
      if (names.has(option.name))
        errors.add(
          [...at, 'name'],
          'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
          'Option names must be unique',
        );
      names.add(option.name);
    }
    const isSub = type === OptionType.Subcommand || type === OptionType.SubcommandGroup;
    if (isSub) {
      nested += 1;
      const allowed = type === OptionType.SubcommandGroup ? depth === 0 : depth === 0 || depth === 1;
      if (!allowed)
        errors.add(
          [...at, 'type'],
          'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
          'Sub-command and sub-command group option types are mutually exclusive to all other types',
        );
      if (option.required === true)
        errors.add(
          [...at, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Sub-commands may not be required',
        );
      if (option.options !== undefined) {
        const inner = option.options;
        if (
          type === OptionType.SubcommandGroup &&
          Array.isArray(inner) &&
          inner.some((o) => (o as { type?: unknown })?.type !== OptionType.Subcommand)
        )
          errors.add(
            [...at, 'options'],
            'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
            'A sub-command group may only contain sub-commands',
          );
        checkOptions(errors, [...at, 'options'], inner, type === OptionType.SubcommandGroup ? depth + 1 : 2);
      }
      return;
    }
    if (option.required === true) {
      if (optionalSeen)
        errors.add(
          [...at, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
    } else optionalSeen = true;
    if (option.choices !== undefined) {
      const choices = option.choices;
      if (![OptionType.String, OptionType.Integer, OptionType.Number].includes(type as 3 | 4 | 10))
        errors.add(
          [...at, 'choices'],
          'APPLICATION_COMMAND_OPTION_CHOICES_INVALID',
          'Choices are only allowed for string, integer and number options',
        );
      if (!Array.isArray(choices)) errors.add([...at, 'choices'], 'BASE_TYPE_ARRAY', 'Must be an array.');
      else {
        if (choices.length > 25)
          errors.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
        checkChoices(errors, [...at, 'choices'], choices, type);
      }
      if (option.autocomplete === true && Array.isArray(choices) && choices.length > 0)
        errors.add(
          [...at, 'autocomplete'],
          'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES',
          'Autocomplete cannot be enabled with choices',
        );
    }
    for (const key of ['min_length', 'max_length'] as const) {
      const n = option[key];
      if (n !== undefined && (typeof n !== 'number' || n < 0 || n > 6000))
        errors.add([...at, key], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 6000.');
    }
  });
  if (nested > 0 && nested < value.length)
    errors.add(
      path,
      'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
      'Sub-command and sub-command group option types are mutually exclusive to all other types',
    );
}

/** Autocomplete results and option choices: name 1-100, string values up to 100, numbers for numbers. */
export function checkChoices(
  errors: FormErrors,
  path: Array<string | number>,
  choices: unknown[],
  type?: number,
): void {
  choices.forEach((raw, index) => {
    const choice = (raw ?? {}) as Record<string, unknown>;
    const name = choice.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 100)
      errors.add([...path, index, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    const v = choice.value;
    if (type === OptionType.String || (type === undefined && typeof v === 'string')) {
      if (typeof v !== 'string')
        errors.add([...path, index, 'value'], 'BASE_TYPE_STRING', 'Must be a string.');
      else if (v.length > 100)
        errors.add([...path, index, 'value'], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    } else if (typeof v !== 'number') {
      errors.add([...path, index, 'value'], 'NUMBER_TYPE_COERCE', `Value "${String(v)}" is not a number.`);
    }
  });
}

/** The characters Discord counts toward a command's 4,000: names, descriptions, choice names and values. */
function size(command: Record<string, unknown>): number {
  let total = String(command.name ?? '').length + String(command.description ?? '').length;
  const walk = (options: unknown): void => {
    if (!Array.isArray(options)) return;
    for (const raw of options) {
      const o = (raw ?? {}) as Record<string, unknown>;
      total += String(o.name ?? '').length + String(o.description ?? '').length;
      if (Array.isArray(o.choices))
        for (const c of o.choices as Array<Record<string, unknown>>)
          total += String(c.name ?? '').length + String(c.value ?? '').length;
      walk(o.options);
    }
  };
  walk(command.options);
  return total;
}

/** Registered commands: global (`scope` null) and per guild. */
export class CommandRegistry {
  readonly #scopes = new Map<string, StoredCommand[]>();
  readonly #ids: Snowflakes;
  readonly #applicationId: string;

  constructor(ids: Snowflakes, applicationId: string) {
    this.#ids = ids;
    this.#applicationId = applicationId;
  }

  list(guildId: string | null): StoredCommand[] {
    return [...(this.#scopes.get(guildId ?? 'global') ?? [])];
  }

  /** Replaces a scope's commands (bulk overwrite), keeping the ids of those whose name and type remain. */
  overwrite(guildId: string | null, commands: Record<string, unknown>[]): StoredCommand[] {
    const before = this.list(guildId);
    const stored = commands.map((c) => this.#store(guildId, c, before));
    this.#scopes.set(guildId ?? 'global', stored);
    return stored;
  }

  /** Creates or replaces one command by name and type (POST). */
  upsert(
    guildId: string | null,
    command: Record<string, unknown>,
  ): { command: StoredCommand; created: boolean } {
    const list = this.list(guildId);
    const stored = this.#store(guildId, command, list);
    const index = list.findIndex((c) => c.id === stored.id);
    if (index === -1) list.push(stored);
    else list[index] = stored;
    this.#scopes.set(guildId ?? 'global', list);
    return { command: stored, created: index === -1 };
  }

  /** Edits one command in place (PATCH): it keeps its id even when renamed. */
  edit(guildId: string | null, id: string, command: Record<string, unknown>): StoredCommand | undefined {
    const list = this.list(guildId);
    const index = list.findIndex((c) => c.id === id);
    if (index === -1) return undefined;
    const stored = { ...this.#store(guildId, command, []), id };
    list[index] = stored;
    this.#scopes.set(guildId ?? 'global', list);
    return stored;
  }

  get(guildId: string | null, id: string): StoredCommand | undefined {
    return this.list(guildId).find((c) => c.id === id);
  }

  remove(guildId: string | null, id: string): boolean {
    const list = this.list(guildId);
    const next = list.filter((c) => c.id !== id);
    this.#scopes.set(guildId ?? 'global', next);
    return next.length !== list.length;
  }

  /** The command an interaction names: the guild's own first, then the global one. */
  find(name: string, guildId: string | null, type = CHAT_INPUT): StoredCommand | undefined {
    const match = (c: StoredCommand) => c.name === name && c.type === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list(null).find(match);
  }

  #store(guildId: string | null, command: Record<string, unknown>, existing: StoredCommand[]): StoredCommand {
    const type = typeof command.type === 'number' ? command.type : CHAT_INPUT;
    const previous = existing.find((c) => c.name === command.name && c.type === type);
    const dmp = command.default_member_permissions;
    return {
      ...command,
      id: previous?.id ?? this.#ids.next(),
      application_id: this.#applicationId,
      version: this.#ids.next(),
      type,
      name: String(command.name),
      description: String(command.description ?? ''),
      name_localizations: command.name_localizations ?? null,
      description_localizations: command.description_localizations ?? null,
      default_member_permissions: typeof dmp === 'string' ? dmp : null,
      dm_permission: command.dm_permission ?? true,
      contexts: command.contexts ?? null,
      integration_types: command.integration_types ?? [0],
      nsfw: command.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
      ...(Array.isArray(command.options) ? { options: command.options as CommandOption[] } : {}),
    };
  }
}
