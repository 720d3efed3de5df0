import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.ts';
import { COMMAND_NAMES } from '../../../src/bot/commands/table.ts';
import type {
  ChatAdapter,
  CommandEvent,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  TargetId,
  TypedCommand,
  UserId,
  Visibility,
} from '../../../src/chat/types.ts';
import type { Config } from '../../../src/config/schema.ts';
import { createEngine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Subscription } from '../../../src/store/repositories/subscriptions.ts';
import type { Store } from '../../../src/store/store.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { MemoryAdapter, TEST_CHANNEL, TEST_USER } from '../../fakes/memory-adapter.ts';
import { botTestConfig } from '../../support/bot-config.ts';

/*
 * The /arxiv commands through the bot, on the in-memory adapter: what each stores and what the user is told,
 * who may run them, and that the adapter learns who will see the answer (acknowledge) before the work, as the
 * answer then shows.
 */

const listing = readFileSync(resolve(import.meta.dirname, '../../fixtures/arxiv/listing.rss.xml'));

/** What happened to one command, in order: its acknowledgment and its answers. */
interface Step {
  step: 'acknowledge' | 'respond';
  visibility: Visibility;
  /** The answer's plain text (respond only). */
  text?: string;
}

/** A typed command, as a platform with typed subcommands (Discord) hands it over. */
type Typed = TypedCommand;

/**
 * The memory adapter with an `acknowledge` on its command events (the memory adapter has none), recording
 * each command's acknowledgment and answers in order; and typed commands, which the memory adapter cannot
 * make, by adding `command` to the event it makes.
 */
class AcknowledgingAdapter implements ChatAdapter {
  readonly platform: string;
  readonly inner: MemoryAdapter;
  #typed: Typed | null = null;
  #last: Step[] = [];

  constructor(inner: MemoryAdapter) {
    this.inner = inner;
    this.platform = inner.platform;
  }

  start(handlers: InboundHandlers): Promise<void> {
    return this.inner.start({
      onCommand: (event) => handlers.onCommand(this.#decorate(event)),
      onReaction: (event) => handlers.onReaction(event),
    });
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  health() {
    return this.inner.health();
  }

  post(target: TargetId, message: OutboundMessage, options?: PostOptions): Promise<MessageRef> {
    return this.inner.post(target, message, options);
  }

  findPosted(target: TargetId, key: string, thread?: MessageRef): Promise<MessageRef | null> {
    return this.inner.findPosted(target, key, thread);
  }

  fetchMessageText(message: MessageRef): Promise<string | null> {
    return this.inner.fetchMessageText(message);
  }

  canManageChannel(user: UserId, channel: TargetId): Promise<boolean> {
    return this.inner.canManageChannel(user, channel);
  }

  /** Types `/arxiv <text>` (or hands over a typed command, with `text` for the logs); returns what happened. */
  async command(text: string, as: { user?: UserId; typed?: Typed } = {}): Promise<Step[]> {
    this.#typed = as.typed ?? null;
    await this.inner.command(text, { user: as.user ?? TEST_USER, channel: TEST_CHANNEL });
    return this.#last;
  }

  #decorate(event: CommandEvent): CommandEvent {
    const steps: Step[] = [];
    this.#last = steps;
    const typed = this.#typed;
    this.#typed = null;
    return {
      ...event,
      ...(typed ? { typed } : {}),
      acknowledge: async (visibility) => {
        steps.push({ step: 'acknowledge', visibility });
      },
      respond: async (message, visibility) => {
        steps.push({ step: 'respond', visibility, text: message.text });
        await event.respond(message, visibility);
      },
    };
  }
}

interface World {
  arxiv: FakeArxiv;
  store: Store;
  chat: AcknowledgingAdapter;
  bot: Bot;
}

async function makeWorld(change: (config: Config) => Config = (config) => config): Promise<World> {
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(listing);
  const config = change(botTestConfig(arxiv));
  const store = await openStore('sqlite://:memory:');
  const engine = createEngine({ config, store, env: {} });
  const chat = new AcknowledgingAdapter(new MemoryAdapter());
  const bot = new Bot({
    config,
    engine,
    store,
    adapters: [chat],
    logger: silentLogger,
    publicUrl: 'http://bot.test',
    seedTargets: [TEST_CHANNEL],
  });
  await bot.start();
  return { arxiv, store, chat, bot };
}

async function closeWorld(world: World): Promise<void> {
  await world.bot.stop();
  await world.store.close();
  await world.arxiv.close();
}

const GUEST = 'test:@guest';

let world: World;

beforeEach(async () => {
  world = await makeWorld();
});

afterEach(async () => {
  await closeWorld(world);
});

/** Runs a command and returns its one answer (failing the test unless there is exactly one). */
async function answer(text: string, as: { user?: UserId; typed?: Typed } = {}): Promise<Step> {
  const steps = await world.chat.command(text, as);
  const answers = steps.filter((step) => step.step === 'respond');
  expect(answers, `answers to ${text}`).toHaveLength(1);
  return answers[0] as Step;
}

async function stored(target: TargetId): Promise<Subscription> {
  const subscription = await world.bot.subscriptions.get(target);
  if (!subscription) throw new Error(`${target} has no subscription`);
  return subscription;
}

const termsOf = (subscription: Subscription | undefined) => ({
  terms: subscription?.query?.terms.map((term) => term.text) ?? null,
  exclude: subscription?.query?.exclude.map((term) => term.text) ?? null,
});

describe('schedule', () => {
  it("sets the channel's time and zone, keeps the other part when given one, and says so in the channel", async () => {
    expect(await answer('schedule 8:30 Europe/Berlin')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest now arrives daily at 08:30 Europe/Berlin.",
    });
    expect((await stored(TEST_CHANNEL)).schedule).toEqual({ time: '08:30', timeZone: 'Europe/Berlin' });

    expect((await answer('schedule 7pm')).text).toBe(
      "This channel's digest now arrives daily at 19:00 Europe/Berlin.",
    );
    expect((await answer('schedule new york')).text).toBe(
      "This channel's digest now arrives daily at 19:00 America/New_York.",
    );
    expect((await stored(TEST_CHANNEL)).schedule).toEqual({ time: '19:00', timeZone: 'America/New_York' });

    expect(await answer('schedule')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: "This channel's digest arrives daily at 19:00 America/New_York.",
    });
  });

  it("sets the user's own schedule privately, apart from the channel's", async () => {
    const before = (await stored(TEST_CHANNEL)).schedule;
    expect(await answer('me schedule 06:45 Asia/Tokyo')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'Your digest now arrives daily at 06:45 Asia/Tokyo.',
    });
    const mine = await stored(TEST_USER);
    expect(mine.schedule).toEqual({ time: '06:45', timeZone: 'Asia/Tokyo' });
    expect(mine.kind).toBe('user');
    expect((await stored(TEST_CHANNEL)).schedule).toEqual(before);
    expect((await answer('me schedule')).text).toBe('Your digest arrives daily at 06:45 Asia/Tokyo.');
  });

  it('refuses a bad time with the usage line and stores nothing', async () => {
    const before = (await stored(TEST_CHANNEL)).schedule;
    const refused = await answer('schedule 25:00');
    expect(refused.visibility).toBe('private');
    expect(refused.text).toContain('Usage: /arxiv schedule [HH:MM] [Area/City]');
    expect((await stored(TEST_CHANNEL)).schedule).toEqual(before);
  });
});

describe('categories', () => {
  it("replaces the channel's categories, in arXiv's spelling, and says so in the channel", async () => {
    expect(await answer('categories cs.ai, STAT.ML cs.ai')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest now covers cs.AI, stat.ML.",
    });
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.AI', 'stat.ML']);
    expect(await answer('categories')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: "This channel's digest covers cs.AI, stat.ML.",
    });
    expect((await answer('categories --share')).visibility).toBe('channel');
  });

  it("sets the user's own categories privately", async () => {
    expect(await answer('me categories math.CO')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'Your digest now covers math.CO.',
    });
    expect((await stored(TEST_USER)).categories).toEqual(['math.CO']);
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.CL', 'cs.LG']);
  });

  it('refuses an unknown category and keeps the old ones', async () => {
    const refused = await answer('categories cs.AI cs.XY');
    expect(refused.visibility).toBe('private');
    expect(refused.text).toContain('"cs.XY" is not an arXiv category');
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.CL', 'cs.LG']);
  });
});

describe('unsubscribe', () => {
  it('removes the named terms, wanted or excluded, in any case and quoting', async () => {
    expect((await answer('subscribe agents, -survey')).visibility).toBe('channel');
    expect(await answer('unsubscribe TRANSLATION, "survey", -Agents')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest now follows mixture of experts, distributed training.",
    });
    expect(termsOf(await stored(TEST_CHANNEL))).toEqual({
      terms: ['mixture of experts', 'distributed training'],
      exclude: [],
    });
  });

  it('removes all terms, which stops the digests', async () => {
    expect(await answer('unsubscribe all')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest follows no terms now: no more digests.",
    });
    expect((await stored(TEST_CHANNEL)).query).toBeNull();
    // The last wanted term going takes the exclusions with it.
    await answer('subscribe LLM, -survey');
    expect((await answer('unsubscribe llm')).text).toBe(
      "This channel's digest follows no terms now: no more digests.",
    );
    expect((await stored(TEST_CHANNEL)).query).toBeNull();
  });

  it('says which terms it does not follow, and changes nothing', async () => {
    const refused = await answer('unsubscribe translation, agents');
    expect(refused).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'This channel does not follow "agents". It follows: mixture of experts, distributed training, translation.',
    });
    expect(termsOf(await stored(TEST_CHANNEL)).terms).toEqual([
      'mixture of experts',
      'distributed training',
      'translation',
    ]);
  });

  it("removes the user's own terms privately, and all of them", async () => {
    expect((await answer('me unsubscribe LLM')).text).toBe('Your digest follows no terms yet.');
    await answer('me subscribe LLM, agents');
    expect(await answer('me unsubscribe agents')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'Your digest now follows LLM.',
    });
    expect(termsOf(await stored(TEST_USER))).toEqual({ terms: ['LLM'], exclude: [] });
    expect((await answer('me unsubscribe all')).text).toBe(
      'Your digest follows no terms now: no more digests.',
    );
    expect((await stored(TEST_USER)).query).toBeNull();
    expect(termsOf(await stored(TEST_CHANNEL)).terms).toHaveLength(3);
  });
});

describe('follow and unfollow', () => {
  it("follows authors in the channel's digest, says so in the channel, and list shows them", async () => {
    expect(await answer('follow Yann LeCun; Hinton, Geoffrey')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest now follows the papers of Yann LeCun; Hinton, Geoffrey.",
    });
    // Another way of writing a followed name adds nothing.
    expect((await answer('follow LeCun, Yann')).text).toBe(
      "This channel's digest now follows the papers of Yann LeCun; Hinton, Geoffrey.",
    );
    expect((await stored(TEST_CHANNEL)).authors).toEqual(['Yann LeCun', 'Hinton, Geoffrey']);
    const list = await answer('list');
    expect(list.visibility).toBe('private');
    const [message] = world.chat.inner.answers.slice(-1);
    expect(JSON.stringify(message)).toContain('Authors followed: ');
    expect(JSON.stringify(message)).toContain('Yann LeCun; Hinton, Geoffrey');
  });

  it('refuses a surname alone, a mention and a blank name, storing nothing', async () => {
    const alone = await answer('follow LeCun');
    expect(alone.visibility).toBe('private');
    expect(alone.text).toContain('"LeCun" has no given name.');
    expect(alone.text).toContain('Usage: /arxiv follow <author name>');
    expect((await answer('follow Yann <!channel> LeCun')).text).toContain('cannot hold mentions');
    expect((await answer('follow ;')).text).toContain('Name the author to follow');
    expect((await stored(TEST_CHANNEL)).authors).toBeUndefined();
  });

  it('unfollows any spelling of a followed name, or all, and says which it does not follow', async () => {
    await answer('follow Yann LeCun; Geoffrey Hinton');
    expect(await answer('unfollow Y. LeCun')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest now follows the papers of Geoffrey Hinton.",
    });
    expect(await answer('unfollow Zhang Hinton')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'This channel does not follow "Zhang Hinton". It follows: Geoffrey Hinton.',
    });
    expect((await answer('unfollow ALL')).text).toBe("This channel's digest follows no authors now.");
    expect((await stored(TEST_CHANNEL)).authors).toEqual([]);
    expect((await answer('unfollow Geoffrey Hinton')).text).toBe('This channel follows no authors yet.');
  });

  it("follows authors in the user's own digest privately, apart from the channel's, and says when no digest comes yet", async () => {
    expect(await answer('me follow Yann LeCun')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'Your digest now follows the papers of Yann LeCun. Digests start once it follows terms too: /arxiv me subscribe <terms>.',
    });
    expect((await stored(TEST_USER)).authors).toEqual(['Yann LeCun']);
    expect((await stored(TEST_CHANNEL)).authors).toBeUndefined();
    await answer('me list');
    expect(JSON.stringify(world.chat.inner.answers.slice(-1))).toContain('Yann LeCun');
    expect((await answer('me unfollow yann lecun')).text).toBe('Your digest follows no authors now.');
    // A name ending with a dot ends the sentence.
    expect((await answer('me follow Chomsky, N.')).text).toBe(
      'Your digest now follows the papers of Chomsky, N. Digests start once it follows terms too: /arxiv me subscribe <terms>.',
    );
  });
});

describe('public', () => {
  it('lists the channel on the archive page and stops, telling the channel', async () => {
    expect((await stored(TEST_CHANNEL)).public).toBe(false);
    expect(await answer('public on')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest is now listed on the public archive page (http://bot.test/digests).",
    });
    expect((await stored(TEST_CHANNEL)).public).toBe(true);
    expect(await answer('public')).toEqual({
      step: 'respond',
      visibility: 'private',
      text: "This channel's digest is listed on the public archive page.",
    });
    expect(await answer('public OFF')).toEqual({
      step: 'respond',
      visibility: 'channel',
      text: "This channel's digest is no longer listed on the public archive page.",
    });
    expect((await stored(TEST_CHANNEL)).public).toBe(false);
    expect((await answer('public')).text).toBe(
      "This channel's digest is not listed on the public archive page.",
    );
  });

  it('has no me form', async () => {
    const refused = await answer('me public on');
    expect(refused.visibility).toBe('private');
    expect(refused.text).toContain('"me public" is not a command');
    expect((await world.bot.subscriptions.get(TEST_USER)) ?? null).toBeNull();
  });
});

describe('cite', () => {
  /** The code block of the last answer: the citation, as the adapter gets it. */
  function citationOf(): string {
    const last = world.chat.inner.answers.at(-1);
    const code = last?.message.blocks.find((block) => block.kind === 'markdown');
    if (code?.kind !== 'markdown') throw new Error('no code block in the answer');
    return code.text;
  }

  it("answers privately with the paper's BibTeX, or its RIS, from an id or a link", async () => {
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    const bibtex = await answer('cite 2602.01002');
    expect(bibtex.visibility).toBe('private');
    expect(bibtex.text).toContain('BibTeX of Distributed Training Without Parameter Servers');
    expect(citationOf()).toMatch(
      /^```\n@misc\{\w+2026distributedtraining,\n {2}title=\{Distributed Training Without Parameter Servers\},\n/,
    );
    expect(citationOf()).toContain('  eprint={2602.01002},\n  archivePrefix={arXiv},\n');
    expect(citationOf()).toMatch(/\n}\n```$/);

    const ris = await answer('cite https://arxiv.org/abs/2602.01002v1 RIS');
    expect(ris.visibility).toBe('private');
    expect(citationOf()).toContain('TY  - GEN\nTI  - Distributed Training Without Parameter Servers\n');
    expect(citationOf()).toContain('UR  - https://arxiv.org/abs/2602.01002\n');
    expect(citationOf()).toContain('ER  - ');
  });

  it('refuses a format it does not know and a paper arXiv does not have, privately', async () => {
    const format = await answer('cite 2602.01002 endnote');
    expect(format.visibility).toBe('private');
    expect(format.text).toContain('cite gives bibtex or ris, not "endnote".');
    expect(format.text).toContain('Usage: /arxiv cite <arXiv id or link> [bibtex | ris]');
    const missing = await answer('cite 2602.09999');
    expect(missing.visibility).toBe('private');
    expect(missing.text).toContain('arXiv has no paper 2602.09999');
  });
});

describe('who may change a channel', () => {
  const CHANGES = [
    'subscribe LLM',
    'unsubscribe translation',
    'unsubscribe all',
    'follow Yann LeCun',
    'unfollow all',
    'categories cs.AI',
    'schedule 10:00 UTC',
    'public on',
    'public off',
    'feed',
    'feed revoke',
  ];

  it.each(CHANGES)('refuses %j to a user who may not manage the channel, changing nothing', async (text) => {
    world.chat.inner.setPermission(GUEST, TEST_CHANNEL, false);
    const before = await stored(TEST_CHANNEL);
    const steps = await world.chat.command(text, { user: GUEST });
    expect(steps.at(-1)).toEqual({
      step: 'respond',
      visibility: 'private',
      text: 'Only people who can manage this channel can change its digest. You can follow terms for yourself with /arxiv me subscribe <terms>.',
    });
    expect(steps.filter((step) => step.step === 'respond')).toHaveLength(1);
    expect(await stored(TEST_CHANNEL)).toEqual(before);
    // No feed link was made either (revoking finds none).
    expect(await world.bot.feeds.revoke(TEST_CHANNEL)).toBe(false);
  });

  it('lets that user see the settings and change their own', async () => {
    world.chat.inner.setPermission(GUEST, TEST_CHANNEL, false);
    for (const text of ['list', 'categories', 'schedule', 'public', 'help']) {
      expect((await answer(text, { user: GUEST })).text).not.toMatch(/Only people/);
    }
    for (const text of [
      'me subscribe LLM',
      'me categories cs.AI',
      'me schedule 07:00',
      'me unsubscribe all',
    ]) {
      expect((await answer(text, { user: GUEST })).visibility).toBe('private');
    }
    expect(await stored(GUEST)).toMatchObject({
      query: null,
      categories: ['cs.AI'],
      schedule: { time: '07:00' },
    });
  });

  it("with admins in the config, lets only them change a channel, whatever the platform's permissions", async () => {
    await closeWorld(world);
    world = await makeWorld((config) => ({ ...config, admins: ['test:@boss'] }));
    const refused = await answer('categories cs.AI');
    expect(refused.text).toBe(
      "Only the bot's admins can change this channel's digest. You can follow terms for yourself with /arxiv me subscribe <terms>.",
    );
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.CL', 'cs.LG']);
    world.chat.inner.setPermission('test:@boss', TEST_CHANNEL, false);
    expect((await answer('categories cs.AI', { user: 'test:@boss' })).visibility).toBe('channel');
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.AI']);
    expect((await answer('me categories math', { user: TEST_USER })).visibility).toBe('private');
  });

  it("with admins in the config, still lets a user change their own DM's digest, typed in that DM", async () => {
    await closeWorld(world);
    world = await makeWorld((config) => ({ ...config, admins: ['test:@boss'] }));
    // In a direct message with the bot, the channel is the user's own target.
    const answers = await world.chat.inner.command('subscribe LLM', { user: TEST_USER, channel: TEST_USER });
    expect(answers.map((given) => given.visibility)).toEqual(['channel']);
    expect((await stored(TEST_USER)).query?.terms.map((term) => term.text)).toEqual(['LLM']);
  });
});

describe('acknowledge', () => {
  // Every command and form that succeeds here, with and without --share.
  const SUCCEEDING = [
    'graph networks',
    'search graph networks',
    'help',
    'help me',
    'help schedule',
    'list',
    'me list',
    'subscribe LLM',
    'me subscribe agents',
    'unsubscribe LLM',
    'me unsubscribe agents',
    'follow Yann LeCun',
    'me follow LeCun, Y.',
    'unfollow Yann LeCun',
    'me unfollow all',
    'categories',
    'categories cs.CL cs.LG',
    'me categories',
    'me categories cs.AI',
    'schedule',
    'schedule 09:15',
    'me schedule',
    'me schedule 06:00 UTC',
    'digest',
    'summary 2602.01002',
    'cite 2602.01002',
    'top',
    'me top month',
    'weekly',
    'weekly on friday 17:00',
    'me weekly on',
    'weekly off',
    'feed',
    'feed revoke',
    'public',
    'public on',
    'public off',
    '',
  ];

  async function check(text: string, as: { typed?: Typed } = {}): Promise<Visibility> {
    const steps = await world.chat.command(text, as);
    const [first, ...rest] = steps;
    expect(first?.step, `${text}: acknowledged first`).toBe('acknowledge');
    expect(
      rest.filter((step) => step.step === 'acknowledge'),
      `${text}: acknowledged once`,
    ).toEqual([]);
    const answers = rest.filter((step) => step.step === 'respond');
    expect(answers.length, `${text}: answered`).toBeGreaterThan(0);
    expect(answers[0]?.text ?? '', `${text}: no problem`).not.toMatch(/Usage:|not your mistake|went wrong/);
    expect(answers[0]?.visibility, `${text}: the answer goes where the adapter was told`).toBe(
      first?.visibility,
    );
    return first?.visibility ?? 'private';
  }

  it('tells the adapter, before the work, who will see the first answer, for every command', async () => {
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    const told = new Map<string, Visibility>();
    for (const text of SUCCEEDING) told.set(text, await check(text));
    for (const text of SUCCEEDING) {
      // Undo what the first round changed, so that each command succeeds again.
      if (text === 'unsubscribe LLM') await answer('subscribe LLM');
      if (text === 'me unsubscribe agents') await answer('me subscribe agents');
      told.set(`${text} --share`, await check(`${text} --share`));
    }
    const kinds = new Set(SUCCEEDING.map((text) => (text === '' ? 'help' : text.split(' ')[0])));
    kinds.add('search');
    kinds.delete('me');
    kinds.delete('graph');
    expect([...kinds].sort()).toEqual([...COMMAND_NAMES].sort());
    expect(Object.fromEntries(told)).toMatchObject({
      'search graph networks': 'private',
      'search graph networks --share': 'channel',
      list: 'private',
      'me list --share': 'channel',
      'subscribe LLM': 'channel',
      'me subscribe agents': 'private',
      'me subscribe agents --share': 'private',
      'follow Yann LeCun': 'channel',
      'me follow LeCun, Y. --share': 'private',
      categories: 'private',
      'categories cs.CL cs.LG': 'channel',
      digest: 'private',
      'digest --share': 'private',
      'summary 2602.01002': 'channel',
      'cite 2602.01002': 'private',
      'cite 2602.01002 --share': 'private',
      feed: 'private',
      'feed --share': 'private',
      'feed revoke': 'channel',
      'public on': 'channel',
      weekly: 'private',
      'weekly on friday 17:00': 'channel',
      'me weekly on': 'private',
      'weekly off --share': 'channel',
    });
  });

  it('acknowledges typed commands the same way', async () => {
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    const typed = (name: string, scope: 'channel' | 'user', options: Record<string, string | boolean>) => ({
      name,
      scope,
      options,
      share: false,
    });
    expect(await check('/arxiv search', { typed: typed('search', 'channel', { query: 'graph' }) })).toBe(
      'private',
    );
    expect(
      await check('/arxiv search', {
        typed: { ...typed('search', 'channel', { query: 'graph' }), share: true },
      }),
    ).toBe('channel');
    expect(await check('/arxiv schedule', { typed: typed('schedule', 'channel', { time: '9am' }) })).toBe(
      'channel',
    );
    expect(await check('/arxiv me schedule', { typed: typed('schedule', 'user', { time: '9am' }) })).toBe(
      'private',
    );
    expect(await check('/arxiv public', { typed: typed('public', 'channel', { enabled: true }) })).toBe(
      'channel',
    );
    expect((await stored(TEST_CHANNEL)).public).toBe(true);
    expect(
      await check('/arxiv summary', { typed: typed('summary', 'channel', { paper: '2602.01002' }) }),
    ).toBe('channel');
  });

  it('runs a typed command as given, without parsing its text', async () => {
    const steps = await world.chat.command('this text is only for logs', {
      typed: { name: 'categories', scope: 'channel', options: { categories: 'cs.AI' }, share: false },
    });
    expect(steps.at(-1)?.text).toBe("This channel's digest now covers cs.AI.");
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.AI']);
  });

  it('answers a typed command the table does not know (an old registration) privately, with the usage', async () => {
    const steps = await world.chat.command('/arxiv testcommand', {
      typed: { name: 'testcommand', scope: 'channel', options: { testint: '1' }, share: false },
    });
    expect(steps.map((step) => [step.step, step.visibility])).toEqual([
      ['acknowledge', 'private'],
      ['respond', 'private'],
    ]);
    expect(steps.at(-1)?.text).toMatch(/testcommand/);
  });

  it('acknowledges a command that cannot be parsed privately, then explains', async () => {
    const steps = await world.chat.command('schedule 25:99 --share');
    expect(steps.map((step) => [step.step, step.visibility])).toEqual([
      ['acknowledge', 'private'],
      ['respond', 'private'],
    ]);
    expect(steps[1]?.text).toContain('Usage:');
  });

  it('checks permission before acknowledging, so a refusal is private from the start', async () => {
    world.chat.inner.setPermission(GUEST, TEST_CHANNEL, false);
    const refused = await world.chat.command('subscribe LLM', { user: GUEST });
    expect(refused.map((step) => [step.step, step.visibility])).toEqual([
      ['acknowledge', 'private'],
      ['respond', 'private'],
    ]);
  });

  it('takes the permission the platform sends with the command over asking the adapter', async () => {
    world.chat.inner.setPermission(GUEST, TEST_CHANNEL, true);
    const answers: Visibility[] = [];
    const event = (managesChannel: boolean): CommandEvent => ({
      platform: 'test',
      text: 'categories cs.AI',
      user: GUEST,
      channel: TEST_CHANNEL,
      managesChannel,
      respond: async (_message, visibility) => {
        answers.push(visibility);
      },
    });
    await world.bot.onCommand(event(false));
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.CL', 'cs.LG']);
    await world.bot.onCommand(event(true));
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.AI']);
    expect(answers).toEqual(['private', 'channel']);
  });

  it('answers a problem found after acknowledging privately, once', async () => {
    const missing = await world.chat.command('summary 2602.09999');
    expect(missing.map((step) => [step.step, step.visibility])).toEqual([
      ['acknowledge', 'channel'],
      ['respond', 'private'],
    ]);
  });

  it('does not run a command whose acknowledgment failed', async () => {
    const event: CommandEvent = {
      platform: 'test',
      text: 'categories cs.AI',
      user: TEST_USER,
      channel: TEST_CHANNEL,
      acknowledge: async () => {
        throw new Error('the interaction expired');
      },
      respond: async () => {},
    };
    await world.bot.onCommand(event);
    expect((await stored(TEST_CHANNEL)).categories).toEqual(['cs.CL', 'cs.LG']);
  });
});
