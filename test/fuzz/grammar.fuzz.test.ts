/**
 * Fuzz of the /arxiv command grammar: the text grammar (parseCommand), typed commands (commandFromOptions),
 * and the bot answering both (Bot.onCommand on the in-memory adapter, against the fake arXiv). See fuzz.ts for
 * the seed and how to replay a failure.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandText } from '../../adapters/discord/interactions.ts';
import { Bot, splitShareFlag } from '../../src/bot/bot.ts';
import { parseCommand } from '../../src/bot/commands/grammar.ts';
import { cleanText, MAX_COMMAND_LENGTH } from '../../src/bot/commands/input.ts';
import { commandFromOptions } from '../../src/bot/commands/options.ts';
import type { CommandEvent, OutboundMessage, Visibility } from '../../src/chat/types.ts';
import { createEngine } from '../../src/engine.ts';
import { UserError } from '../../src/errors.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../fakes/memory-adapter.ts';
import { botTestConfig } from '../support/bot-config.ts';
import { commandProblems, typedCommand } from './commands.ts';
import { commandLine, fuzz, hostileText } from './fuzz.ts';
import { renderProblems } from './render-checks.ts';

/** Runs `parse`; the Command it returns, or the UserError it throws. Anything else thrown fails the property. */
function outcomeOf(parse: () => unknown): { command: unknown } | { error: UserError } {
  try {
    return { command: parse() };
  } catch (error) {
    if (error instanceof UserError) return { error };
    throw error;
  }
}

/** A UserError's message is short, whatever the input: it quotes only a clipped piece of it. */
function expectShortMessage(error: UserError): void {
  expect(error.userMessage.trim()).not.toBe('');
  expect(error.userMessage.length, error.userMessage).toBeLessThan(1200);
}

describe('the text grammar', () => {
  it('parses any text to a well-formed Command, or refuses it with a UserError', async () => {
    await fuzz(
      fc.property(commandLine, (text) => {
        const outcome = outcomeOf(() => parseCommand(text));
        if ('error' in outcome) expectShortMessage(outcome.error);
        else expect(commandProblems(outcome.command as never)).toEqual([]);
      }),
      1500,
    );
  });

  it('parses a command the same with a bot mention and /arxiv before it', async () => {
    await fuzz(
      fc.property(
        hostileText,
        fc.constantFrom('<@U0BOT> ', '<@!123456789012345678> /arxiv ', 'arxiv ', '/arxiv '),
        (text, prefix) => {
          // Only one mention and one /arxiv are dropped; and the prefix counts toward the length limit.
          fc.pre(!/^\s*(?:<@|\/?arxiv(?:\s|$))/iu.test(cleanText(text)));
          fc.pre(prefix.length + text.length <= MAX_COMMAND_LENGTH);
          const plain = outcomeOf(() => parseCommand(text));
          const prefixed = outcomeOf(() => parseCommand(prefix + text));
          if ('command' in plain) expect(prefixed).toEqual(plain);
          else if ('error' in prefixed && prefixed.error.code !== 'LIMIT_EXCEEDED')
            expect(prefixed.error.code).toBe(plain.error.code);
        },
      ),
      500,
    );
  });
});

describe('typed commands', () => {
  it('turn any options into a well-formed Command, or are refused with a UserError', async () => {
    await fuzz(
      fc.property(typedCommand, ({ name, scope, options }) => {
        const outcome = outcomeOf(() => commandFromOptions(name, scope, options));
        if ('error' in outcome) expectShortMessage(outcome.error);
        else expect(commandProblems(outcome.command as never)).toEqual([]);
      }),
      1000,
    );
  });

  it('parse to the command their text for the logs parses to', async () => {
    await fuzz(
      fc.property(typedCommand, (typed) => {
        const outcome = outcomeOf(() => commandFromOptions(typed.name, typed.scope, typed.options));
        fc.pre('command' in outcome);
        // Known and harmless: a value ending in --share reads as the share flag in the text (logs only).
        fc.pre(
          !Object.values(typed.options).some(
            (value) => typeof value === 'string' && /--share\s*$/iu.test(value),
          ),
        );
        const text = commandText(typed);
        // The text adds the subcommand's name: it may go over the limit that the option alone kept.
        fc.pre(text.length <= MAX_COMMAND_LENGTH);
        const { text: rest, share } = splitShareFlag(text);
        expect({ command: parseCommand(rest), share }, text).toEqual({ ...outcome, share: typed.share });
      }),
      800,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The bot answers every command
// ---------------------------------------------------------------------------------------------------------

const listing = readFileSync(resolve(import.meta.dirname, '../fixtures/arxiv/listing.rss.xml'));

interface World {
  arxiv: FakeArxiv;
  store: Store;
  chat: MemoryAdapter;
  bot: Bot;
  /** Error-level log lines: a command that failed with a bug logs one. */
  errors: string[];
}

let world: World;

beforeAll(async () => {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
  const config = botTestConfig(arxiv);
  const store = await openStore('sqlite://:memory:');
  const engine = createEngine({ config, store, env: {} });
  const chat = new MemoryAdapter();
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger,
    publicUrl: 'http://bot.test',
    seedTargets: [TEST_CHANNEL],
  });
  await bot.start();
  world = { arxiv, store, chat, bot, errors };
});

afterAll(async () => {
  await world?.bot.stop();
  await world?.store.close();
  await world?.arxiv.close();
});

const APOLOGY = 'Something went wrong on our side';

/** What is wrong with the answers to one command: none, an apology for a bug, or an answer that renders badly. */
function answerProblems(answers: readonly OutboundMessage[]): string[] {
  const problems: string[] = [];
  if (answers.length === 0) problems.push('no answer');
  const logged = world.errors.splice(0);
  for (const message of answers) {
    if (message.text.includes(APOLOGY)) problems.push(`a bug's apology: ${message.text}`);
    problems.push(...renderProblems(message));
  }
  if (logged.length > 0) problems.push(`logged an error: ${logged.join('')}`);
  return problems;
}

describe('the bot', () => {
  it('answers a search word made only of combining marks (found by the fuzz: it crashed the ranking)', async () => {
    world.errors.splice(0);
    const answers = await world.chat.command('\u0301 channel');
    expect(answers.map((answer) => answer.message.text).join('\n')).not.toContain(APOLOGY);
    expect(world.errors.splice(0)).toEqual([]);
  });

  it('answers every text command, at least once, without a bug, and no answer pings', async () => {
    await fuzz(
      fc.asyncProperty(commandLine, async (text) => {
        const answers = await world.chat.command(text);
        expect(answerProblems(answers.map((answer) => answer.message)), text).toEqual([]);
      }),
      150,
    );
  });

  it('answers every typed command, acknowledged once before its answers, without a bug, and no answer pings', async () => {
    await fuzz(
      fc.asyncProperty(typedCommand, async (typed) => {
        const steps: Array<{ step: 'acknowledge' | 'respond'; visibility: Visibility }> = [];
        const answers: OutboundMessage[] = [];
        const event: CommandEvent = {
          platform: 'test',
          text: commandText(typed),
          typed,
          user: TEST_USER,
          channel: TEST_CHANNEL,
          acknowledge: async (visibility) => {
            steps.push({ step: 'acknowledge', visibility });
          },
          respond: async (message, visibility) => {
            steps.push({ step: 'respond', visibility });
            answers.push(message);
          },
        };
        await world.bot.onCommand(event);
        expect(answerProblems(answers), JSON.stringify(typed)).toEqual([]);
        expect(steps[0]?.step).toBe('acknowledge');
        expect(steps.filter((step) => step.step === 'acknowledge')).toHaveLength(1);
      }),
      100,
    );
  });
});
