/**
 * The end-to-end world for Slack: the fake Slack workspace, the fake arXiv (serving the project's listing
 * fixture) and the fake OpenAI server, a temp directory for the SQLite store, and `boot()`, which starts the
 * real thing on them: a Bot (the platform-neutral core) with a real SlackAdapter connected over Socket Mode,
 * an engine and a store opened on the directory. Booting again on the same world is a restart: a new
 * process's objects on the same store file and the same workspace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { channelTarget, userTarget } from '../../../adapters/slack/ids.ts';
import { SlackAdapter, type SlackAdapterOptions } from '../../../adapters/slack/slack-adapter.ts';
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
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { type FakeChannel, type FakeMessage, FakeSlack, type FakeUser } from '../../fakes/slack-server.ts';
import { type LogLines, recordingLogger } from '../../integration/slack/harness.ts';

const LISTING = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'), 'utf8');
/** The papers of LISTING that the seeded terms match, best first (as the core ranks them). */
export const MATCHED = ['2602.01003', '2602.01002', '2602.01001'];
/** LISTING with more items in rss.arxiv.org's format (so their text arrives XML-escaped, as arXiv sends it). */
export function listingWith(...papers: FeedPaper[]): string {
  return LISTING.replace('  </channel>', `${papers.map(rssItemXml).join('\n')}\n  </channel>`);
}

const API_KEY = 'sk-e2e';
export const MODEL = 'fake-model';

export interface BootOptions {
  /** Overrides of the adapter's options (the Web API URL of a proxy, pacing, retries). */
  adapter?: Partial<SlackAdapterOptions>;
  /** The lease holder id: a restarted process with a stable replica name keeps its own. */
  holder?: string;
}

/** One running bot process: what main.ts would build, on the world's fakes and store file. */
export interface RunningBot {
  bot: Bot;
  adapter: SlackAdapter;
  engine: Engine;
  store: Store;
  /** Stops the bot and closes what it opened, as a clean shutdown does. */
  stop(): Promise<void>;
}

export interface SlackWorld {
  fake: FakeSlack;
  arxiv: FakeArxiv;
  openai: FakeOpenAIServer;
  /** A member of #papers. */
  ada: FakeUser;
  /** Another member of #papers. */
  bob: FakeUser;
  papers: FakeChannel;
  /** `slack:<team>:<#papers>`, seeded from config.json's `channels` with the config's keywords. */
  channel: TargetId;
  logs: LogLines;
  boot(options?: BootOptions): Promise<RunningBot>;
  /** What a bot process of this world is started with (for a child process). */
  spec(holder?: string): BotSpec;
  subscription(target: TargetId, bot: Bot): Promise<Subscription>;
  /** The bot's chat.postMessage posts in a channel, oldest first. */
  postsIn(channel: string): FakeMessage[];
  close(): Promise<void>;
}

export interface WorldOptions {
  /** The listing fixture to serve instead of LISTING. */
  listing?: string;
  /** Config keys on top of the world's. */
  config?: Partial<ConfigInput>;
}

/** The config.json a deployment would write, pointed at the fakes. */
function worldConfig(
  arxiv: FakeArxiv,
  openai: FakeOpenAIServer,
  channel: TargetId,
  extra: Partial<ConfigInput>,
): ConfigInput {
  return {
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['mixture of experts', 'distributed training', 'translation'],
    channels: [{ target: channel }],
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

/**
 * What one bot process is started with; plain data, so a child process can be started with it too
 * (bot-process.ts, the benchmarks).
 */
export interface BotSpec {
  config: ConfigInput;
  storePath: string;
  /** Socket Mode with `appToken`, HTTP mode with `signingSecret`. */
  slack: { botToken: string; apiUrl: string; appToken?: string; signingSecret?: string };
  /** Adapter options on top of the shipped defaults. */
  adapter?: Pick<
    SlackAdapterOptions,
    'minPostIntervalMs' | 'postBurst' | 'workspacePostsPerMinute' | 'maxPostsInFlight' | 'retryConfig'
  >;
  /** The lease holder id: a restarted process with a stable replica name keeps its own. */
  holder?: string | undefined;
}

/** Starts a bot as main.ts would: store, engine, the Slack adapter, the core. */
export async function bootBot(
  spec: BotSpec,
  logger: Logger,
  adapterOptions: Partial<SlackAdapterOptions> = {},
): Promise<RunningBot> {
  const config = validated(spec.config);
  const store = await openStore(`sqlite://${spec.storePath}`);
  const engine = createEngine({ config, store, logger, env: { OPENAI_API_KEY: API_KEY } });
  const adapter = new SlackAdapter({ ...spec.slack, logger, ...spec.adapter, ...adapterOptions });
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

export async function slackWorld(options: WorldOptions = {}): Promise<SlackWorld> {
  const fake = await FakeSlack.start({ pingIntervalMs: 0 });
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(options.listing ?? LISTING);
  const openai = await startFakeOpenAIServer({ apiKey: API_KEY });
  const ada = fake.addUser('ada');
  const bob = fake.addUser('bob');
  const papers = fake.addChannel({ name: 'papers', members: [ada.id, bob.id] });
  const channel = channelTarget(fake.teamId, papers.id);
  const configInput = worldConfig(arxiv, openai, channel, options.config ?? {});
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-slack-e2e-'));
  const { logger, logs } = recordingLogger();
  const running = new Set<RunningBot>();

  const spec = (holder?: string): BotSpec => ({
    config: configInput,
    storePath: join(dir, 'state.sqlite'),
    slack: { botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl },
    // Test pace: no pacing between posts, quick retries.
    adapter: { minPostIntervalMs: 0, retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 } },
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
    ada,
    bob,
    papers,
    channel,
    logs,
    boot,
    spec,
    async subscription(target, bot) {
      const found = await bot.subscriptions.get(target);
      if (!found) throw new Error(`no subscription for ${target}`);
      return found;
    },
    postsIn: (id) => fake.messagesIn(id).filter((message) => message.via === 'chat.postMessage'),
    async close() {
      for (const handle of [...running]) await handle.stop();
      await fake.close();
      await arxiv.close();
      await openai.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `slack:<team>:@<user>`: a user's own target (their DMs). */
export function userOf(world: SlackWorld, user: FakeUser): TargetId {
  return userTarget(world.fake.teamId, user.id);
}

/** The arXiv id a digest post carries in its idempotency key (`<target>|<date>|<paper id>`), or `root`. */
export function keyOf(message: FakeMessage): string | null {
  const key = message.metadata?.event_payload.key;
  return typeof key === 'string' ? (key.split('|').at(-1) ?? null) : null;
}
