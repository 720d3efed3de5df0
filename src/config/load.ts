import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { isAppError, UserError } from '../errors.ts';
import { checkConfig, classicKeyWarnings, daysBackWarning, unknownKeyWarnings } from './checks.ts';
import { parseConfigJson } from './json.ts';
import { type Config, configSchema, type Env, envSchema } from './schema.ts';

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
  /** Posts to the workspace a minute, at most (Slack's workspace-wide limit); undefined for the default. */
  workspacePostsPerMinute?: number | undefined;
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
 * Reads, validates and merges config.json and the environment: the one place that reads either, and the one
 * validation that check-config and start both run. Throws a UserError listing every problem, each with its
 * JSON path (or variable), what was expected and what was found: the schema's, and what start would
 * otherwise find later (keyword queries, the store URL, the prompt file, the chat platforms' variables).
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const { env, issues: envIssues } = parseEnv(options.env ?? process.env);
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
  const document = raw === null ? {} : parseConfigJson(raw, path);
  if (raw === null) warnings.push(`No config file at ${path}; using the built-in defaults.`);
  warnings.push(...unknownKeyWarnings(document));

  const { config: parsed, issues, badKeys } = parseDocument(document);
  const problems: string[] = [...issues];
  let config: Config | null = null;
  if (parsed) {
    warnings.push(...classicKeyWarnings(document, parsed), ...daysBackWarning(parsed));
    const checked = checkConfig(applyEnv(parsed, env), cwd);
    problems.push(...checked.issues);
    warnings.push(...checked.warnings);
    config = checked.config;
  } else {
    // Every problem at once: the keys the schema accepted are checked further too.
    const rest = parseDocument(
      Object.fromEntries(Object.entries(document).filter(([key]) => !badKeys.has(key))),
    ).config;
    if (rest) problems.push(...checkConfig(applyEnv(rest, env), cwd).issues);
  }

  const sections: string[] = [];
  if (envIssues.length > 0) sections.push(`The environment is not valid:\n${bullets(envIssues)}`);
  if (problems.length > 0) {
    sections.push(`${raw === null ? 'The default configuration' : path} is not valid:\n${bullets(problems)}`);
  }
  let chat: ChatSettings | null = null;
  if (envIssues.length === 0) {
    try {
      chat = chatSettings(env);
    } catch (error) {
      if (!isAppError(error)) throw error;
      sections.push(error.userMessage);
    }
  }
  if (sections.length > 0 || config === null || chat === null) {
    throw new UserError('CONFIG_INVALID', sections.join('\n'));
  }
  return { config, path: raw === null ? null : path, warnings, env, chat };
}

function bullets(lines: readonly string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
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
    workspacePostsPerMinute: env.SLACK_POSTS_PER_MINUTE,
  };
}

/** Validates a parsed config document; returns the config or one line per problem. */
export function validateConfig(document: unknown): { config: Config | null; issues: string[] } {
  const { config, issues } = parseDocument(document);
  return { config, issues };
}

/** validateConfig, and the top-level keys its issues are about. */
function parseDocument(document: unknown): { config: Config | null; issues: string[]; badKeys: Set<string> } {
  const result = configSchema.safeParse(document, { reportInput: true });
  if (result.success) return { config: result.data, issues: [], badKeys: new Set() };
  return {
    config: null,
    issues: result.error.issues.map((issue) => describeIssue(issue)),
    badKeys: new Set(result.error.issues.map((issue) => String(issue.path[0]))),
  };
}

/** The environment's variables of envSchema; a variable that is not valid is left out and reported. */
function parseEnv(source: NodeJS.ProcessEnv): { env: Env; issues: string[] } {
  // An empty variable counts as unset, as shells and .env files commonly leave them.
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((name) => [name, source[name]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = envSchema.safeParse(present, { reportInput: true });
  if (result.success) return { env: result.data, issues: [] };
  const bad = new Set(result.error.issues.map((issue) => String(issue.path[0])));
  const rest = envSchema.safeParse(
    Object.fromEntries(Object.entries(present).filter(([name]) => !bad.has(name))),
  );
  return {
    env: rest.success ? rest.data : {},
    issues: result.error.issues.map((issue) => describeIssue(issue)),
  };
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
