/**
 * The registry of chat platforms: how each is detected from the configuration, how it is built, and why it
 * runs (a line of the start-up log). The composition root (src/main.ts) reads only this file; adding a
 * platform is a folder under adapters/, an entry here, its variables in src/config and its tests.
 *
 * Every platform whose settings are present runs, side by side in one process. With none, the shell runs:
 * a prompt on a terminal, or the console delivery where there is no terminal (a container, CI).
 */
import { join } from 'node:path';
import type { ChatAdapter, TargetId } from '../src/chat/types.ts';
import type { ChatSettings } from '../src/config/load.ts';
import type { Logger } from '../src/log.ts';
import type { Store } from '../src/store/store.ts';
import { DiscordAdapter } from './discord/discord-adapter.ts';
import { ShellAdapter } from './shell/shell-adapter.ts';
import { SlackAdapter } from './slack/slack-adapter.ts';

/** What a platform's factory may use besides its own settings. */
export interface AdapterContext {
  logger: Logger;
  /** The terminal, for the shell; `interactive` when both ends are a TTY. */
  terminal: { input: NodeJS.ReadStream; output: NodeJS.WriteStream; interactive: boolean };
  /** Where the bot writes its files (digests, the shell's post journal). */
  outputDir: string;
  /** The bot's store, shared by replicas (Slack remembers signed requests there to refuse replays). */
  store?: Store | undefined;
}

/** What is known of the host before anything is built. */
export interface HostFacts {
  /** Both standard input and output are a terminal. */
  terminal: boolean;
}

/** A built adapter and what the composition root needs to know of it. */
export interface BuiltAdapter {
  adapter: ChatAdapter;
  /** Targets that follow config.json's keywords from the first start, besides config's `channels`. */
  seedTargets: readonly TargetId[];
  /** Settles when the adapter's session ends by itself (the shell's input closed): the bot then stops. */
  ended: Promise<void> | null;
}

export interface PlatformEntry {
  readonly platform: string;
  /** Runs only when no other platform is configured (the shell). */
  readonly fallback?: true;
  /** Why this platform runs, for the start-up log; null when its settings are absent. */
  detect(chat: ChatSettings, host: HostFacts): string | null;
  build(chat: ChatSettings, context: AdapterContext): BuiltAdapter;
}

const slack: PlatformEntry = {
  platform: 'slack',
  detect: ({ slack }) =>
    slack &&
    (slack.appToken
      ? 'SLACK_BOT_TOKEN found; Socket Mode (SLACK_APP_TOKEN found)'
      : 'SLACK_BOT_TOKEN found; HTTP mode at /slack/events (SLACK_SIGNING_SECRET found)'),
  build: ({ slack }, { logger, store }) => {
    if (!slack) throw new Error('the Slack adapter was built without its settings');
    const adapter = new SlackAdapter({ ...slack, store, logger: logger.child({ module: 'slack' }) });
    return { adapter, seedTargets: [], ended: null };
  },
};

const discord: PlatformEntry = {
  platform: 'discord',
  detect: ({ discord }) =>
    discord &&
    `DISCORD_TOKEN found; gateway with ${discord.messageContent ? 'the Message Content intent (DISCORD_MESSAGE_CONTENT)' : 'no privileged intent'}${discord.apiUrl ? `, REST at ${discord.apiUrl}` : ''}`,
  build: ({ discord }, { logger }) => {
    if (!discord) throw new Error('the Discord adapter was built without its settings');
    const adapter = new DiscordAdapter({
      token: discord.token,
      apiUrl: discord.apiUrl,
      messageContent: discord.messageContent,
      logger: logger.child({ module: 'discord' }),
    });
    return { adapter, seedTargets: [], ended: null };
  },
};

/** The shell's one channel, which follows config.json's keywords from the first start. */
const SHELL_CHANNEL = 'shell:local';

const shell: PlatformEntry = {
  platform: 'shell',
  fallback: true,
  detect: (_chat, { terminal }) =>
    terminal
      ? 'no SLACK_BOT_TOKEN or DISCORD_TOKEN; a terminal, so a prompt'
      : 'no SLACK_BOT_TOKEN or DISCORD_TOKEN and no terminal; digests are printed and written to files',
  build: (_chat, { logger, terminal, outputDir }) => {
    const adapter = new ShellAdapter({
      input: terminal.input,
      output: terminal.output,
      interactive: terminal.interactive,
      logger: logger.child({ module: 'shell' }),
      channel: SHELL_CHANNEL,
      journal: join(outputDir, 'shell-posts.jsonl'),
    });
    return { adapter, seedTargets: [SHELL_CHANNEL], ended: adapter.closed };
  },
};

/** Every platform of the product, in the order they start. */
export const PLATFORM_REGISTRY: readonly PlatformEntry[] = [slack, discord, shell];

export interface AdapterPlan {
  /** The platforms that will run, with why each does. */
  chosen: ReadonlyArray<{ entry: PlatformEntry; why: string }>;
  /** Whether the fallback (the shell) runs, and so may own the terminal: then logs go to a file. */
  usesFallback: boolean;
}

/**
 * Which platforms the settings ask for: every configured one, or else the fallback. Pure, so that the
 * logger can be set up (on the terminal or in a file) before anything is built.
 */
export function planAdapters(chat: ChatSettings, host: HostFacts, registry = PLATFORM_REGISTRY): AdapterPlan {
  const detected = (entries: readonly PlatformEntry[]) =>
    entries.flatMap((entry) => {
      const why = entry.detect(chat, host);
      return why === null ? [] : [{ entry, why: `${entry.platform}: ${why}` }];
    });
  const configured = detected(registry.filter((entry) => !entry.fallback));
  if (configured.length > 0) return { chosen: configured, usesFallback: false };
  return { chosen: detected(registry.filter((entry) => entry.fallback)), usesFallback: true };
}

/** Builds the planned adapters. */
export function buildAdapters(
  plan: AdapterPlan,
  chat: ChatSettings,
  context: AdapterContext,
): BuiltAdapter[] {
  return plan.chosen.map(({ entry }) => entry.build(chat, context));
}
