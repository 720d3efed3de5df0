/**
 * `/arxiv` end to end on Discord: interactions dispatched by the fake Discord reach the real discord.js
 * client, are acknowledged within Discord's 3 seconds (the fake refuses a later acknowledgement with 10062),
 * go through the core, and are answered by editing the deferred reply and following it up, privately
 * (ephemeral) or for the channel, as the command table says. Autocomplete is answered with choices.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../adapters/discord/register.ts';
import { shownOf, wouldPing } from '../../fakes/discord/contract-driver.ts';
import type { FakeMessage, InteractInput } from '../../fakes/discord-server.ts';
import { ACK_WINDOW_MS, command } from './steps.ts';
import { type DiscordWorld, discordWorld, MODEL, paperOf, userOf } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

const EPHEMERAL = 64;
const shown = (message: FakeMessage) => shownOf(message).text;

interface Case {
  input: Omit<InteractInput, 'user' | 'channel'>;
  visibility: 'private' | 'channel';
  says: string | RegExp;
}

/** Every subcommand of /arxiv, as someone who may manage #papers types it there, in an order that works. */
const EVERY_SUBCOMMAND: Case[] = [
  {
    input: { subcommand: 'search', options: { query: 'speculative decoding' } },
    visibility: 'private',
    says: 'Speculative Decoding at Scale',
  },
  {
    input: { subcommand: 'search', options: { query: 'speculative decoding', share: true } },
    visibility: 'channel',
    says: 'Draft Models for Speculative Decoding',
  },
  {
    input: { subcommand: 'subscribe', options: { terms: '"scaling laws", -quantum' } },
    visibility: 'channel',
    says: '"scaling laws", -quantum',
  },
  {
    input: { subcommand: 'unsubscribe', options: { terms: '-quantum' } },
    visibility: 'channel',
    says: 'now follows mixture of experts, distributed training, translation, "scaling laws".',
  },
  { input: { subcommand: 'list' }, visibility: 'private', says: 'Categories: cs.CL, cs.LG' },
  { input: { subcommand: 'list', options: { share: true } }, visibility: 'channel', says: '"scaling laws"' },
  {
    input: { subcommand: 'categories', options: { categories: 'cs.AI, cs.LG' } },
    visibility: 'channel',
    says: 'cs.AI, cs.LG',
  },
  {
    input: { subcommand: 'schedule', options: { time: '08:30', timezone: 'Europe/Berlin' } },
    visibility: 'channel',
    says: /08:30.*Europe\/Berlin/s,
  },
  {
    input: { subcommand: 'digest' },
    visibility: 'private',
    says: 'Posted the digest of 2026-02-04 (3 papers) in this channel.',
  },
  { input: { subcommand: 'summary', options: { paper: '2602.01001' } }, visibility: 'channel', says: MODEL },
  {
    input: { subcommand: 'cite', options: { paper: 'https://arxiv.org/abs/2602.01001' } },
    visibility: 'private',
    says: /@misc\{\w+\d{4}\w*,\n {2}title=/,
  },
  {
    input: { subcommand: 'cite', options: { paper: '2602.01001', format: 'ris' } },
    visibility: 'private',
    says: 'TY  - GEN',
  },
  {
    input: { subcommand: 'feed' },
    visibility: 'private',
    says: "This channel's digests as RSS: http://bot.test/feeds/",
  },
  {
    input: { subcommand: 'feed', options: { revoke: true } },
    visibility: 'channel',
    says: "This channel's RSS feed link was revoked.",
  },
  {
    input: { subcommand: 'public', options: { enabled: true } },
    visibility: 'channel',
    says: 'is now listed on the public archive page',
  },
  {
    input: { subcommand: 'top', options: { period: 'month' } },
    visibility: 'private',
    says: 'No paper here was liked in the last 30 days.',
  },
  { input: { group: 'me', subcommand: 'top' }, visibility: 'private', says: 'You have liked no paper' },
  { input: { subcommand: 'help' }, visibility: 'private', says: '/arxiv me subscribe' },
  {
    input: { subcommand: 'help', options: { command: 'schedule' } },
    visibility: 'private',
    says: 'Europe/Berlin',
  },
  {
    input: { group: 'me', subcommand: 'subscribe', options: { terms: 'RL' } },
    visibility: 'private',
    says: 'RL',
  },
  {
    input: { group: 'me', subcommand: 'categories', options: { categories: 'cs.LG' } },
    visibility: 'private',
    says: 'cs.LG',
  },
  {
    input: { group: 'me', subcommand: 'schedule', options: { time: '9am', timezone: 'UTC' } },
    visibility: 'private',
    says: /09:00/,
  },
  { input: { group: 'me', subcommand: 'list' }, visibility: 'private', says: 'RL' },
  {
    input: { group: 'me', subcommand: 'unsubscribe', options: { terms: 'all' } },
    visibility: 'private',
    says: 'Your digest follows no terms now',
  },
];

function nameOf(input: Case['input']): string {
  return [input.group, input.subcommand, ...Object.entries(input.options ?? {}).map(([k, v]) => `${k}:${v}`)]
    .filter(Boolean)
    .join(' ');
}

describe('Discord end to end: /arxiv', () => {
  it('answers every subcommand within the acknowledgement window, privately or for the channel as the table says', async () => {
    world = await discordWorld();
    world.arxiv.setSearch('speculative decoding', [
      { id: '2602.05001', title: 'Speculative Decoding at Scale', categories: ['cs.CL'] },
      { id: '2602.05002', title: 'Draft Models for Speculative Decoding', categories: ['cs.LG'] },
    ]);
    const { bot } = await world.boot();

    for (const { input, visibility, says } of EVERY_SUBCOMMAND) {
      const name = nameOf(input);
      const run = await command(world, { user: world.bob.id, channel: world.papers.id, ...input });
      const ack = run.handle.record.ack;
      expect(ack?.type, name).toBe(5);
      expect(run.reply.ephemeral, name).toBe(visibility === 'private');
      const text = shown(run.reply);
      expect(text, name).toMatch(says);
      expect(text, name).not.toContain('Something went wrong');
      expect(text, name).not.toMatch(/not your mistake/);
      for (const answer of run.answers) {
        expect(answer.allowedMentions, name).toEqual({ parse: [] });
        expect(wouldPing(shownOf(answer)), name).toBe(false);
      }
    }
    // No interaction was acknowledged late, twice, or refused.
    for (const record of world.fake.interactions) {
      expect(record.attempts.map((attempt) => attempt.status)).toEqual([204]);
    }

    // What the commands changed, in the store.
    const channel = await world.subscription(world.channel, bot);
    expect(channel.categories).toEqual(['cs.AI', 'cs.LG']);
    expect(channel.query?.terms.map((term) => term.text)).toContain('scaling laws');
    expect(channel.query?.exclude ?? []).not.toContain('quantum');
    const mine = await world.subscription(userOf(world.bob), bot);
    expect(mine.categories).toEqual(['cs.LG']);
    // /arxiv digest posted the digest in the channel, as a thread.
    const root = world.postsIn(world.papers.id)[0];
    expect(root && shown(root)).toContain('arXiv digest');
    expect(world.postsIn(root?.id ?? '').map(paperOf).length).toBeGreaterThan(0);
  });

  it('acknowledges at once and answers later when the work outlasts the window: a slow model', async () => {
    world = await discordWorld();
    world.arxiv.setSearch('unused', [
      { id: '2602.04242', title: 'Retrieval Heads in Long-Context Models', categories: ['cs.CL'] },
    ]);
    await world.boot();
    world.openai.enqueue({ type: 'slow', delayMs: ACK_WINDOW_MS + 500 });
    const run = await command(
      world,
      {
        user: world.ada.id,
        channel: world.papers.id,
        subcommand: 'summary',
        options: { paper: 'https://arxiv.org/abs/2602.04242' },
      },
      1,
    );
    const ack = run.handle.record.ack;
    // Deferred for the channel (a summary is everyone's) within the window; the work outlasted the core's
    // progress delay, so the reply says what is under way and the summary follows it.
    expect(ack).toMatchObject({ type: 5 });
    expect(ack?.data?.flags ?? 0).toBe(0);
    expect(run.reply.ephemeral).toBe(false);
    expect(shown(run.reply)).toContain('Summarizing arXiv:2602.04242');
    const summary = run.answers.at(-1);
    if (!summary) throw new Error('no summary');
    expect(summary.ephemeral).toBe(false);
    expect(Date.now() - run.handle.record.dispatchedAt).toBeGreaterThan(ACK_WINDOW_MS);
    expect(shown(summary)).toContain('Retrieval Heads in Long-Context Models');
    expect(shown(summary)).toContain(MODEL);
    expect(world.openai.requests).toHaveLength(1);
  });

  it('answers autocomplete with choices within the window: categories, time zones, help topics', async () => {
    world = await discordWorld();
    await world.boot();
    const cases: Array<{ input: Omit<InteractInput, 'user' | 'channel'>; expected: string }> = [
      {
        input: { subcommand: 'categories', options: { categories: 'cs.AI, cs.L' }, focused: 'categories' },
        expected: 'cs.LG',
      },
      {
        input: {
          subcommand: 'schedule',
          options: { time: '08:30', timezone: 'Europe/Ber' },
          focused: 'timezone',
        },
        expected: 'Europe/Berlin',
      },
      {
        input: { subcommand: 'help', options: { command: 'sch' }, focused: 'command' },
        expected: 'schedule',
      },
      {
        input: {
          group: 'me',
          subcommand: 'categories',
          options: { categories: 'stat.M' },
          focused: 'categories',
        },
        expected: 'stat.ML',
      },
      {
        input: {
          group: 'me',
          subcommand: 'schedule',
          options: { time: '9am', timezone: 'new_y' },
          focused: 'timezone',
        },
        expected: 'America/New_York',
      },
    ];
    for (const { input, expected } of cases) {
      const handle = world.fake.interact({ user: world.ada.id, channel: world.papers.id, ...input });
      const choices = await handle.choices(5000);
      const ack = handle.record.ack;
      expect(ack?.type).toBe(8);
      expect((ack?.at ?? Number.POSITIVE_INFINITY) - handle.record.dispatchedAt).toBeLessThan(ACK_WINDOW_MS);
      expect(choices.length).toBeGreaterThan(0);
      expect(choices.length).toBeLessThanOrEqual(25);
      expect(choices.map((choice) => String(choice.value)).join(' | ')).toContain(expected);
    }
  });

  it('tells someone without Manage Channels privately what to do instead, and changes nothing', async () => {
    world = await discordWorld();
    const { bot } = await world.boot();
    const before = await world.subscription(world.channel, bot);

    const refused: Array<Omit<InteractInput, 'user' | 'channel'>> = [
      { subcommand: 'subscribe', options: { terms: 'quantum' } },
      { subcommand: 'categories', options: { categories: 'quant-ph' } },
      { subcommand: 'schedule', options: { time: '06:00' } },
    ];
    for (const input of refused) {
      const run = await command(world, { user: world.ada.id, channel: world.papers.id, ...input });
      // Refused before the acknowledgement: deferred privately, never a public "thinking…" in the channel.
      expect(run.handle.record.ack?.data).toMatchObject({ flags: EPHEMERAL });
      expect(run.reply.ephemeral).toBe(true);
      expect(shown(run.reply)).toContain('Only people who can manage this channel can change its digest.');
      expect(shown(run.reply)).toContain('/arxiv me subscribe');
    }
    expect(world.fake.messagesIn(world.papers.id)).toEqual([]);
    const after = await world.subscription(world.channel, bot);
    expect(after.query).toEqual(before.query);
    expect(after.categories).toEqual(before.categories);
    expect(after.schedule).toEqual(before.schedule);

    // What they may do instead works.
    const mine = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      group: 'me',
      subcommand: 'subscribe',
      options: { terms: 'quantum' },
    });
    expect(mine.reply.ephemeral).toBe(true);
    expect((await world.subscription(userOf(world.ada), bot)).query?.terms.map((term) => term.text)).toEqual([
      'quantum',
    ]);
  });

  it('runs /arxiv in a DM with the bot, for the user', async () => {
    world = await discordWorld();
    // Commands in DMs are global ones: register /arxiv globally, as a production deployment does.
    await registerCommands({
      settings: {
        token: world.fake.token,
        applicationId: world.fake.applicationId,
        devGuildId: undefined,
        apiUrl: world.fake.apiUrl,
      },
    });
    const { bot } = await world.boot();
    const dm = world.fake.dmChannel(world.ada.id);
    const run = await command(world, {
      user: world.ada.id,
      channel: dm.id,
      group: 'me',
      subcommand: 'subscribe',
      options: { terms: 'diffusion' },
    });
    expect(shown(run.reply)).toContain('diffusion');
    expect((await world.subscription(userOf(world.ada), bot)).query?.terms.map((term) => term.text)).toEqual([
      'diffusion',
    ]);
  });
});
