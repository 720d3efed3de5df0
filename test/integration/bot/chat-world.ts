import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { messagePlainText } from '../../../adapters/shell/render.ts';
import { Bot, type BotOptions } from '../../../src/bot/bot.ts';
import type { CommandEvent, OutboundMessage, TypedCommand, Visibility } from '../../../src/chat/types.ts';
import { validateConfig } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/schema.ts';
import { createEngine, type Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../../fakes/memory-adapter.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { botTestConfig } from '../../support/bot-config.ts';

/*
 * The bot on the memory adapter, the fake arXiv serving the listing fixture, and (when asked) the fake
 * OpenAI-compatible model, for the tests of issue 10 ("In the chat").
 */

export const LISTING = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));
export const API_KEY = 'sk-chat-tests';

export interface ChatWorld {
  arxiv: FakeArxiv;
  openai: FakeOpenAIServer | null;
  store: Store;
  engine: Engine;
  chat: MemoryAdapter;
  bot: Bot;
  config: Config;
  close(): Promise<void>;
}

export interface ChatWorldOptions {
  /** Summaries by the fake model (otherwise no model: extractive summaries). */
  model?: boolean;
  bot?: Partial<BotOptions>;
}

export async function chatWorld(options: ChatWorldOptions = {}): Promise<ChatWorld> {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(LISTING);
  const openai = options.model ? await startFakeOpenAIServer({ apiKey: API_KEY }) : null;
  const config = openai ? modelConfig(arxiv, openai) : botTestConfig(arxiv);
  const store = await openStore('sqlite://:memory:');
  const engine = createEngine({ config, store, env: { OPENAI_API_KEY: API_KEY } });
  const chat = new MemoryAdapter();
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
    seedTargets: [TEST_CHANNEL],
    ...options.bot,
  });
  await bot.start();
  let closed = false;
  return {
    arxiv,
    openai,
    store,
    engine,
    chat,
    bot,
    config,
    async close() {
      if (closed) return;
      closed = true;
      await bot.stop();
      await engine.close();
      await store.close();
      await arxiv.close().catch(() => undefined);
      await openai?.close();
    },
  };
}

function modelConfig(arxiv: FakeArxiv, openai: FakeOpenAIServer): Config {
  const { config, issues } = validateConfig({
    categories: ['cs.CL', 'cs.LG'],
    keywords: ['mixture of experts', 'distributed training', 'translation'],
    ai_summary: {
      base_url: openai.baseUrl,
      model: 'fake-model',
      api_key_env: 'OPENAI_API_KEY',
      max_papers_to_summarize: 1,
      max_retries: 0,
      request_timeout_seconds: 10,
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
  });
  if (!config) throw new Error(`test config invalid: ${issues.join('; ')}`);
  return config;
}

/** A message as a reader sees it, in plain text. */
export const shown = (message: OutboundMessage): string => messagePlainText(message);

export interface Answer {
  visibility: Visibility;
  text: string;
  /** Milliseconds since the command was handed to the bot. */
  at: number;
}

/**
 * Hands the bot one command, typed as text or as a typed command (Discord), with an acknowledge, and
 * returns what happened in order: `acknowledge` then the answers.
 */
export async function run(
  world: ChatWorld,
  text: string,
  as: { typed?: TypedCommand; user?: string } = {},
): Promise<{ acknowledged: Visibility | null; answers: Answer[] }> {
  const started = performance.now();
  let acknowledged: Visibility | null = null;
  const answers: Answer[] = [];
  const event: CommandEvent = {
    platform: 'test',
    text,
    ...(as.typed ? { typed: as.typed } : {}),
    user: as.user ?? TEST_USER,
    channel: TEST_CHANNEL,
    acknowledge: async (visibility) => {
      acknowledged = visibility;
    },
    respond: async (message, visibility) => {
      answers.push({ visibility, text: shown(message), at: performance.now() - started });
    },
  };
  await world.bot.onCommand(event);
  return { acknowledged, answers };
}
