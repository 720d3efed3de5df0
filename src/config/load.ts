import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { type Config, configSchema, type Env, envSchema, KNOWN_KEYS } from './schema.ts';

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when none was found and the defaults apply. */
  path: string | null;
  /** Things worth telling the user that do not stop the bot (unknown keys, say). */
  warnings: string[];
  env: Env;
  /** The chat platforms' settings, from their variables; null for a platform whose variables are not set. */
  chat: ChatSettings;
}

/** Slack's variables, once they are known to make a working pair (a bot token and a way to receive events). */
export interface SlackSettings {
  botToken: string;
  /** Socket Mode when set; HTTP mode (with the signing secret) otherwise. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string | undefined;
}

/** Discord's variables, once they are known to be complete. */
export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** Commands are registered to this server only (instant, for trying the bot out); globally otherwise. */
  devGuildId: string | undefined;
  /** The REST base including `/api`; the gateway address then comes from that server's `GET /gateway/bot`. */
  apiUrl: string | undefined;
  /** Read message text (a privileged intent) to summarize any message holding an arXiv link. Off by default. */
  messageContent: boolean;
}

/** Each chat platform's settings. The adapters' registry (adapters/index.ts) decides from these what runs. */
export interface ChatSettings {
  slack: SlackSettings | null;
  discord: DiscordSettings | null;
}

export interface LoadOptions {
  /** An explicit path (`--config`); it must exist. Otherwise ARXIV_DIGEST_CONFIG, then ./config.json. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Reads, validates and merges config.json and the environment: the one place that reads either.
 * Throws a UserError listing every problem, each with its JSON path, what was expected and what was found.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = parseEnv(options.env ?? process.env);
  const explicit = options.path ?? env.ARXIV_DIGEST_CONFIG;
  const path = resolve(cwd, explicit ?? 'config.json');

  let raw: string | null;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (explicit) {
      throw new UserError(
        'CONFIG_NOT_FOUND',
        `Config file not found: ${path}. Check the path, or leave it out to use ./config.json.`,
      );
    }
    raw = null;
  }

  const warnings: string[] = [];
  const document = raw === null ? {} : parseJson(raw, path);
  if (raw === null) warnings.push(`No config file at ${path}; using the built-in defaults.`);
  warnings.push(...unknownKeyWarnings(document));

  const { config, issues } = validateConfig(document);
  if (issues.length > 0) {
    throw new UserError(
      'CONFIG_INVALID',
      `${raw === null ? 'The default configuration' : path} is not valid:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`,
    );
  }
  return {
    config: applyEnv(config as Config, env),
    path: raw === null ? null : path,
    warnings,
    env,
    chat: chatSettings(env),
  };
}

/** The platforms' settings; a platform whose variables are set but incomplete is a configuration error. */
function chatSettings(env: Env): ChatSettings {
  return { slack: slackSettings(env), discord: discordSettings(env) };
}

function discordSettings(env: Env): DiscordSettings | null {
  const related = (['DISCORD_APPLICATION_ID', 'DISCORD_DEV_GUILD_ID', 'DISCORD_API_URL'] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (!env.DISCORD_TOKEN) {
    if (related.length === 0) return null;
    throw new UserError(
      'CONFIG_INVALID',
      `${related.join(', ')} ${related.length > 1 ? 'are' : 'is'} set but DISCORD_TOKEN is not: set DISCORD_TOKEN to the bot token (the application's Bot page) to run on Discord.`,
    );
  }
  if (!env.DISCORD_APPLICATION_ID) {
    throw new UserError(
      'CONFIG_INVALID',
      "DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: set it to the application id (the application's General Information page).",
    );
  }
  return {
    token: env.DISCORD_TOKEN,
    applicationId: env.DISCORD_APPLICATION_ID,
    devGuildId: env.DISCORD_DEV_GUILD_ID,
    apiUrl: env.DISCORD_API_URL,
    messageContent: env.DISCORD_MESSAGE_CONTENT ?? false,
  };
}

function slackSettings(env: Env): SlackSettings | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    throw new UserError(
      'CONFIG_INVALID',
      'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is: set one of them.',
    );
  }
  return {
    botToken: env.SLACK_BOT_TOKEN,
    appToken: env.SLACK_APP_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    apiUrl: env.SLACK_API_URL,
  };
}

/** Validates a parsed config document; returns the config or one line per problem. */
export function validateConfig(document: unknown): { config: Config | null; issues: string[] } {
  const result = configSchema.safeParse(document, { reportInput: true });
  if (result.success) return { config: result.data, issues: [] };
  return { config: null, issues: result.error.issues.map((issue) => describeIssue(issue)) };
}

function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable counts as unset, as shells and .env files commonly leave them.
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((name) => [name, source[name]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = envSchema.safeParse(present, { reportInput: true });
  if (result.success) return result.data;
  throw new UserError(
    'CONFIG_INVALID',
    `The environment is not valid:\n${result.error.issues.map((issue) => `  - ${describeIssue(issue)}`).join('\n')}`,
  );
}

function applyEnv(config: Config, env: Env): Config {
  return {
    ...config,
    log_level: env.LOG_LEVEL ?? config.log_level,
    arxiv: {
      ...config.arxiv,
      rss_url: env.ARXIV_RSS_URL ?? config.arxiv.rss_url,
      api_url: env.ARXIV_API_URL ?? config.arxiv.api_url,
      min_interval_ms: env.ARXIV_MIN_INTERVAL_MS ?? config.arxiv.min_interval_ms,
    },
    store: { url: env.STORE_URL ?? config.store.url },
    http: {
      host: env.HTTP_HOST ?? config.http.host,
      port: env.PORT ?? config.http.port,
      public_url: env.PUBLIC_URL ?? config.http.public_url,
    },
  };
}

function parseJson(raw: string, path: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${detail}. Fix the syntax and try again.`,
    );
  }
}

function unknownKeyWarnings(document: unknown): string[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return [];
  return Object.keys(document)
    .filter((key) => !KNOWN_KEYS.includes(key))
    .map((key) => {
      const near = KNOWN_KEYS.find((known) => similar(known, key));
      return `Unknown config key "${key}" is ignored${near ? ` (did you mean "${near}"?)` : ''}.`;
    });
}

function similar(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/[_-]/g, '');
  const y = b.toLowerCase().replace(/[_-]/g, '');
  return x === y || x.startsWith(y) || y.startsWith(x);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? '(top level)' : formatPath(issue.path);
  return `${path}: expected ${issue.message}, found ${describeValue(issue.input)}`;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** A short, readable rendering of the value that was found, including its JSON type. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    // A URL's credentials are never echoed back.
    const shown = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
    return `"${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}" (a string)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${value} (a ${typeof value})`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}
