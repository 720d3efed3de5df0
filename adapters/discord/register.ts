/**
 * `npm run register:discord`: registers `/arxiv` (adapters/discord/commands.ts) with Discord, for the
 * server DISCORD_DEV_GUILD_ID when it is set (shown at once, for trying the bot out) or globally (Discord may
 * take up to an hour to show it everywhere). It reads what is registered first and writes only when that
 * differs, so running it on every deploy is harmless.
 *
 * Decisions:
 * - The write is a bulk overwrite of the scope's commands with `/arxiv` alone: the application is this bot's,
 *   and a command the bot no longer has (an old name) would otherwise linger and fail when used. The line
 *   printed names any command it removed.
 * - The comparison normalizes both sides to the fields a definition sets, with Discord's defaults for the
 *   ones left out (`required` false, no localizations, `default_member_permissions` null, `integration_types`
 *   guild install, `nsfw` false): what Discord adds (ids, version, application_id, guild_id, dm_permission)
 *   does not count as a difference.
 * - Exit codes as the CLI's: 2 for something to fix in the settings (no Discord variables, a token Discord
 *   rejects, a bot that is not in the server), 1 for Discord or the network failing.
 */
import {
  DefaultRestOptions,
  DiscordAPIError,
  HTTPError,
  REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';
import { loadDotEnv } from '../../src/config/dotenv.ts';
import { type DiscordSettings, loadConfig } from '../../src/config/load.ts';
import { ExternalError, isAppError, UserError } from '../../src/errors.ts';
import { VERSION } from '../../src/version.ts';
import { arxivCommand, COMMAND_NAME } from './commands.ts';
import { inviteUrl } from './invite.ts';

export interface RegisterOptions {
  settings: Pick<DiscordSettings, 'token' | 'applicationId' | 'devGuildId' | 'apiUrl'>;
  /** Where the one line of the outcome goes; none by default (it is also returned). */
  output?: (line: string) => void;
  /** The definition to register: `/arxiv` from the command table unless a test gives another. */
  command?: RESTPostAPIChatInputApplicationCommandsJSONBody;
}

export interface RegisterResult {
  /** Whether the commands were written (false: they were up to date). */
  changed: boolean;
  /** The server registered to, or null for global. */
  guildId: string | null;
  /** Commands of the scope that the overwrite removed, by name. */
  removed: string[];
  /** The line printed. */
  message: string;
}

/** Reads the registered commands, compares them with `/arxiv`, and overwrites them when they differ. */
export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const { token, applicationId, devGuildId, apiUrl } = options.settings;
  const command = options.command ?? arxivCommand();
  const guildId = devGuildId ?? null;
  const route =
    guildId === null
      ? Routes.applicationCommands(applicationId)
      : Routes.applicationGuildCommands(applicationId, guildId);
  const rest = new REST({
    api: apiUrl ?? DefaultRestOptions.api,
    userAgentAppendix: `arxiv-digest/${VERSION}`,
  }).setToken(token);
  const context: FailureContext = { applicationId, guildId, apiUrl: apiUrl ?? DefaultRestOptions.api };

  const registered = await call(() => rest.get(route), 'read the registered commands', context);
  const current = Array.isArray(registered) ? (registered as Record<string, unknown>[]) : [];
  const others = current.filter((c) => !(c.name === command.name && (c.type ?? 1) === (command.type ?? 1)));
  const mine = current.find((c) => !others.includes(c));

  let result: RegisterResult;
  if (mine !== undefined && others.length === 0 && sameCommand(mine, command)) {
    result = {
      changed: false,
      guildId,
      removed: [],
      message: `/${command.name} is already registered and up to date; nothing changed`,
    };
  } else {
    await call(() => rest.put(route, { body: [command] }), `register /${command.name}`, context);
    const removed = others.map((c) => String(c.name));
    const where =
      guildId === null
        ? `globally (Discord may take up to an hour to show it everywhere)`
        : `to the server ${guildId}`;
    const also = removed.length > 0 ? `; removed ${removed.map((name) => `/${name}`).join(', ')}` : '';
    result = { changed: true, guildId, removed, message: `registered /${command.name} ${where}${also}` };
  }
  options.output?.(result.message);
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Whether a registered command (as Discord returns it) is the same as a definition to register. */
export function sameCommand(registered: object, wanted: object): boolean {
  return JSON.stringify(normalizeCommand(registered)) === JSON.stringify(normalizeCommand(wanted));
}

/** A command reduced to the fields a definition sets, with Discord's defaults for the missing ones. */
export function normalizeCommand(raw: object): Json {
  const c = raw as Record<string, unknown>;
  return {
    type: numberOr(c.type, 1),
    name: stringOr(c.name, ''),
    description: stringOr(c.description, ''),
    name_localizations: localizations(c.name_localizations),
    description_localizations: localizations(c.description_localizations),
    default_member_permissions:
      typeof c.default_member_permissions === 'string' ? c.default_member_permissions : null,
    contexts: sortedNumbers(c.contexts),
    integration_types: sortedNumbers(c.integration_types) ?? [0],
    nsfw: c.nsfw === true,
    options: list(c.options).map(normalizeOption),
  };
}

function normalizeOption(raw: Record<string, unknown>): Json {
  return {
    type: numberOr(raw.type, 0),
    name: stringOr(raw.name, ''),
    description: stringOr(raw.description, ''),
    name_localizations: localizations(raw.name_localizations),
    description_localizations: localizations(raw.description_localizations),
    required: raw.required === true,
    autocomplete: raw.autocomplete === true,
    choices: list(raw.choices).map((choice) => ({
      name: stringOr(choice.name, ''),
      value: typeof choice.value === 'number' ? choice.value : stringOr(choice.value, ''),
      name_localizations: localizations(choice.name_localizations),
    })),
    channel_types: sortedNumbers(raw.channel_types) ?? [],
    min_value: typeof raw.min_value === 'number' ? raw.min_value : null,
    max_value: typeof raw.max_value === 'number' ? raw.max_value : null,
    min_length: typeof raw.min_length === 'number' ? raw.min_length : null,
    max_length: typeof raw.max_length === 'number' ? raw.max_length : null,
    options: list(raw.options).map(normalizeOption),
  };
}

function list(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function sortedNumbers(value: unknown): number[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((item): item is number => typeof item === 'number').sort((a, b) => a - b);
}

/** Localizations by locale, in a fixed order; none (null, missing or empty) is null. */
function localizations(value: unknown): Json {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------------------

interface FailureContext {
  applicationId: string;
  guildId: string | null;
  apiUrl: string;
}

async function call<T>(run: () => Promise<T>, what: string, context: FailureContext): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw registerFailure(error, what, context);
  }
}

/** A failed call to Discord in the project's terms, saying what to do about it. */
export function registerFailure(error: unknown, what: string, context: FailureContext): Error {
  if (error instanceof DiscordAPIError) {
    const detail = error.code === 0 ? error.message : `${error.code} ${error.message}`;
    if (error.status === 401) {
      return new UserError(
        'CONFIG_INVALID',
        `Discord rejected DISCORD_TOKEN (401): ${error.message}. Copy the bot token from the Bot page of the application (Reset Token) into DISCORD_TOKEN and run npm run register:discord again.`,
        { cause: error },
      );
    }
    if (error.status === 403 || error.code === 50001) {
      return new UserError(
        'CONFIG_INVALID',
        context.guildId === null
          ? `Discord refused to let this bot ${what} (${error.status}: ${detail}). Check that DISCORD_APPLICATION_ID (${context.applicationId}) is the id of the application whose bot token DISCORD_TOKEN is.`
          : `Discord refused to let this bot ${what} in the server ${context.guildId} (${error.status}: ${detail}): the bot is not in that server, or it was invited without the applications.commands scope. Invite it with both the bot and applications.commands scopes (OAuth2 URL Generator of the application), check DISCORD_DEV_GUILD_ID, or unset DISCORD_DEV_GUILD_ID to register globally.`,
        { cause: error },
      );
    }
    if (error.code === 10002 || error.code === 10004) {
      return new UserError(
        'CONFIG_INVALID',
        error.code === 10002
          ? `Discord does not know the application ${context.applicationId} (${detail}): set DISCORD_APPLICATION_ID to the Application ID on the General Information page of the bot's application.`
          : `Discord does not know the server ${context.guildId} (${detail}): set DISCORD_DEV_GUILD_ID to a server the bot is in (Copy Server ID in Developer Mode), or unset it to register globally.`,
        { cause: error },
      );
    }
    if (error.code === 50035) {
      // The definition comes from the command table and a test checks it against Discord's limits.
      return new Error(`Discord refused the /${COMMAND_NAME} definition as invalid: ${error.message}`, {
        cause: error,
      });
    }
    return new ExternalError('PLATFORM_HTTP', `Discord refused to ${what} (${error.status}: ${detail}).`, {
      cause: error,
    });
  }
  if (error instanceof HTTPError) {
    return new ExternalError(
      'PLATFORM_HTTP',
      `Discord failed to ${what} (HTTP ${error.status} ${error.message}); try again in a few minutes.`,
      { cause: error, retryable: true },
    );
  }
  if (isAppError(error)) return error;
  const reason = networkReason(error);
  return new ExternalError(
    'PLATFORM_HTTP',
    `Cannot reach Discord at ${context.apiUrl} to ${what}: ${reason}. Check the network connection${context.apiUrl === DefaultRestOptions.api ? '' : ' and DISCORD_API_URL'}, then try again.`,
    { cause: error, retryable: true },
  );
}

/** The most telling line of a network failure (undici's code, a timeout, the cause's message). */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (error as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = cause?.message ?? error.message;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

// ---------------------------------------------------------------------------------------------------------
// The script
// ---------------------------------------------------------------------------------------------------------

export interface RegisterIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Runs `npm run register:discord`: returns the exit code (0, 1 for Discord or the network, 2 for settings). */
export async function runRegister(io: RegisterIo): Promise<number> {
  try {
    const loaded = loadConfig({ env: io.env, cwd: io.cwd });
    const settings = loaded.chat.discord;
    if (settings === null) {
      io.stderr.write(
        'register:discord: Discord is not configured: set DISCORD_TOKEN (the Bot page of your application at discord.com/developers/applications) and DISCORD_APPLICATION_ID (its General Information page), and DISCORD_DEV_GUILD_ID to register to one server at once, then run npm run register:discord again.\n',
      );
      return 2;
    }
    await registerCommands({ settings, output: (line) => io.stdout.write(`${line}\n`) });
    io.stdout.write(`add the bot to a server with: ${inviteUrl(settings.applicationId)}\n`);
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      io.stderr.write(`register:discord: ${error.userMessage}\n`);
      return error.kind === 'user' ? 2 : 1;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`register:discord: internal error (please report it): ${message}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const cwd = process.cwd();
  // .env of the working directory, as npm start reads it; the environment wins.
  for (const warning of loadDotEnv(cwd, process.env))
    process.stderr.write(`register:discord: warning: ${warning}\n`);
  process.exitCode = await runRegister({
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd,
  });
}
