/**
 * The end-to-end world for Discord: the fake Discord (REST + Gateway, which the real discord.js client logs
 * in to) with a server, its people and channels and /arxiv registered to it; the fake arXiv serving the
 * project's listing fixture; the fake OpenAI server; a temp directory for the SQLite store; and `boot()`,
 * which starts the real thing on them: a Bot (the platform-neutral core) with a real DiscordAdapter, an
 * engine and a store opened on the directory. Booting again on the same world is a restart: a new
 * process's objects on the same store file and the same Discord.
 *
 * The people: ada and bob are members of the server; bob has Manage Channels (he may change #papers'
 * digest), ada does not. #papers is a text channel, seeded from config.json's `channels`; #digests a forum
 * channel, seeded too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiscordAdapter, type DiscordAdapterOptions } from '../../../adapters/discord/discord-adapter.ts';
import { channelTarget, userTarget } from '../../../adapters/discord/ids.ts';
import { registerCommands } from '../../../adapters/discord/register.ts';
import { Bot } from '../../../src/bot/bot.ts';
import type { TargetId } from '../../../src/chat/types.ts';
import { validateConfig } from '../../../src/config/load.ts';
import type { Config, ConfigInput } from '../../../src/config/schema.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import type { Logger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Subscription } from '../../../src/store/repositories/subscriptions.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, type FeedPaper, rssItemXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { shownOf } from '../../fakes/discord/contract-driver.ts';
import {
  type FakeChannel,
  FakeDiscord,
  type FakeDiscordOptions,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
} from '../../fakes/discord-server.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { type LogLines, recordingLogger } from '../../integration/slack/harness.ts';

const LISTING = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'), 'utf8');
/** The papers of LISTING that the seeded terms match, best first (as the core ranks them). */
export const MATCHED = ['2602.01003', '2602.01002', '2602.01001'];
/** The announcement date of LISTING. */
export const ANNOUNCED = '2026-02-04';

/** LISTING with more items in rss.arxiv.org's format. */
export function listingWith(...papers: FeedPaper[]): string {
  return LISTING.replace('  </channel>', `${papers.map(rssItemXml).join('\n')}\n  </channel>`);
}

const API_KEY = 'sk-e2e';
export const MODEL = 'fake-model';

export interface BootOptions {
  /** Overrides of the adapter's options. */
  adapter?: Partial<DiscordAdapterOptions>;
  /** The lease holder id: a restarted process with a stable replica name keeps its own. */
  holder?: string;
}

/** One running bot process: what main.ts would build, on the world's fakes and store file. */
export interface RunningBot {
  bot: Bot;
  adapter: DiscordAdapter;
  engine: Engine;
  store: Store;
  /** Stops the bot and closes what it opened, as a clean shutdown does. */
  stop(): Promise<void>;
}

/**
 * What one bot process is started with; plain data, so a child process can be started with it too
 * (bot-process.ts).
 */
export interface BotSpec {
  config: ConfigInput;
  storePath: string;
  discord: { token: string; apiUrl: string };
  /** The lease holder id: a restarted process with a stable replica name keeps its own. */
  holder?: string | undefined;
}

/** Starts a bot as main.ts would: store, engine, the Discord adapter, the core. */
export async function bootBot(
  spec: BotSpec,
  logger: Logger,
  adapterOptions: Partial<DiscordAdapterOptions> = {},
): Promise<RunningBot> {
  const config = validated(spec.config);
  const store = await openStore(`sqlite://${spec.storePath}`);
  const engine = createEngine({ config, store, logger, env: { OPENAI_API_KEY: API_KEY } });
  const adapter = new DiscordAdapter({
    ...spec.discord,
    logger,
    connectTimeoutMs: 10_000,
    ...adapterOptions,
  });
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [adapter],
    logger,
    publicUrl: 'http://bot.test',
    ...(spec.holder ? { holder: spec.holder } : {}),
  });
  let stopped: Promise<void> | null = null;
  const handle: RunningBot = {
    bot,
    adapter,
    engine,
    store,
    stop: () => {
      stopped ??= (async () => {
        await bot.stop();
        await engine.close();
        await store.close();
      })();
      return stopped;
    },
  };
  await bot.start();
  return handle;
}

export interface DiscordWorld {
  fake: FakeDiscord;
  arxiv: FakeArxiv;
  openai: FakeOpenAIServer;
  guild: FakeGuild;
  /** A member without Manage Channels. */
  ada: FakeUser;
  /** A member with Manage Channels. */
  bob: FakeUser;
  papers: FakeChannel;
  /** A forum channel. */
  forum: FakeChannel;
  /** `discord:<guild>:<#papers>`, seeded from config.json's `channels`. */
  channel: TargetId;
  /** `discord:<guild>:<#digests>`, the forum, seeded too. */
  forumTarget: TargetId;
  logs: LogLines;
  boot(options?: BootOptions): Promise<RunningBot>;
  /** What a bot process of this world is started with (for a child process). */
  spec(holder?: string): BotSpec;
  subscription(target: TargetId, bot: Bot): Promise<Subscription>;
  /** The bot's messages (not interaction answers) in a channel or thread, oldest first. */
  postsIn(channel: string): FakeMessage[];
  close(): Promise<void>;
}

export interface WorldOptions {
  /** The listing fixture to serve instead of LISTING. */
  listing?: string;
  /** Config keys on top of the world's. */
  config?: Partial<ConfigInput>;
  fake?: FakeDiscordOptions;
}

function worldConfig(
  arxiv: FakeArxiv,
  openai: FakeOpenAIServer,
  channels: TargetId[],
  extra: Partial<ConfigInput>,
): ConfigInput {
  return {
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['mixture of experts', 'distributed training', 'translation'],
    channels: channels.map((target) => ({ target })),
    summary_emoji: '📝',
    ai_summary: {
      base_url: openai.baseUrl,
      model: MODEL,
      api_key_env: 'OPENAI_API_KEY',
      max_papers_to_summarize: 1,
      max_retries: 0,
      request_timeout_seconds: 5,
      digest_deadline_seconds: 20,
    },
    arxiv: {
      rss_url: arxiv.rssUrl,
      api_url: arxiv.apiUrl,
      html_url: `${arxiv.url}/html`,
      pdf_url: `${arxiv.url}/pdf`,
      min_interval_ms: 0,
      max_retries: 0,
      timeout_ms: 2000,
    },
    ...extra,
  };
}

function validated(input: ConfigInput): Config {
  const { config, issues } = validateConfig(input);
  if (!config) throw new Error(`the e2e config is not valid: ${issues.join('; ')}`);
  return config;
}

export async function discordWorld(options: WorldOptions = {}): Promise<DiscordWorld> {
  const fake = await FakeDiscord.start(options.fake);
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(options.listing ?? LISTING);
  const openai = await startFakeOpenAIServer({ apiKey: API_KEY });
  const ada = fake.addUser({ username: 'ada' });
  const bob = fake.addUser({ username: 'bob' });
  const guild = fake.addGuild({ name: 'Reading Group' });
  fake.addMember({ guild: guild.id, user: ada.id });
  fake.addMember({ guild: guild.id, user: bob.id, permissions: ['ManageChannels'] });
  const papers = fake.addChannel({ guild: guild.id, name: 'papers' });
  const forum = fake.addChannel({ guild: guild.id, name: 'digests', type: 'forum' });
  await registerCommands({
    settings: {
      token: fake.token,
      applicationId: fake.applicationId,
      devGuildId: guild.id,
      apiUrl: fake.apiUrl,
    },
  });
  const channel = channelTarget(guild.id, papers.id);
  const forumTarget = channelTarget(guild.id, forum.id);
  const configInput = worldConfig(arxiv, openai, [channel, forumTarget], options.config ?? {});
  validated(configInput);
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-discord-e2e-'));
  const { logger, logs } = recordingLogger();
  const running = new Set<RunningBot>();

  const spec = (holder?: string): BotSpec => ({
    config: configInput,
    storePath: join(dir, 'state.sqlite'),
    discord: { token: fake.token, apiUrl: fake.apiUrl },
    holder,
  });
  const boot = async (bootOptions: BootOptions = {}): Promise<RunningBot> => {
    const handle = await bootBot(spec(bootOptions.holder), logger, bootOptions.adapter);
    running.add(handle);
    return {
      ...handle,
      stop: async () => {
        running.delete(handle);
        await handle.stop();
      },
    };
  };

  return {
    fake,
    arxiv,
    openai,
    guild,
    ada,
    bob,
    papers,
    forum,
    channel,
    forumTarget,
    logs,
    boot,
    spec,
    async subscription(target, bot) {
      const found = await bot.subscriptions.get(target);
      if (!found) throw new Error(`no subscription for ${target}`);
      return found;
    },
    postsIn: (id) => fake.messagesIn(id).filter((message) => message.via === 'rest'),
    async close() {
      for (const handle of [...running]) await handle.stop();
      const errors = [...fake.serverErrors];
      await fake.close();
      await arxiv.close();
      await openai.close();
      rmSync(dir, { recursive: true, force: true });
      // No request may have tripped over a bug inside the fake.
      if (errors.length > 0) throw new Error(`the fake Discord failed inside: ${String(errors[0])}`);
    },
  };
}

/** `discord:@<user>`: a user, and their direct-message target. */
export function userOf(user: FakeUser): TargetId {
  return userTarget(user.id);
}

/** The arXiv id a paper message links its title to, or null for a message about no one paper. */
export function paperOf(message: FakeMessage): string | null {
  const url = (message.embeds[0] as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? (/arxiv\.org\/abs\/([^v?#]+)/.exec(url)?.[1] ?? null) : null;
}

/** The message as a Discord client shows it. */
export function shownText(message: FakeMessage): string {
  return shownOf(message).text;
}
