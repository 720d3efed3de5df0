/**
 * Votes end to end on Discord (issue 13, "Feedback"): MESSAGE_REACTION_ADD and MESSAGE_REACTION_REMOVE
 * dispatches from the fake Discord reach the real discord.js client; a 👍 or 👎 on a digest paper (in a
 * channel or a DM digest) is the user's vote, taken back with the reaction, and `/arxiv top` and
 * `/arxiv me top` answer with the counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { command } from './steps.ts';
import { type DiscordWorld, discordWorld, paperOf, shownText, userOf } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

/** The votes the core has handled so far, with their outcome. */
function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

/** A person adds (or removes) `emoji` on `message`; resolves once the bot has handled it as a vote. */
async function vote(user: string, message: FakeMessage, emoji: string, action: 'add' | 'remove' = 'add') {
  const before = votes().length;
  const input = { user, channel: message.channelId, message: message.id, emoji };
  const sessions = action === 'add' ? world.fake.react(input) : world.fake.unreact(input);
  expect(sessions).toBe(1);
  await world.fake.waitFor(() => votes().length > before, 15_000, `the bot to handle ${emoji}`);
}

function paperIn(messages: FakeMessage[], id: string): FakeMessage {
  const found = messages.find((message) => paperOf(message) === id);
  if (!found) throw new Error(`paper ${id} was not posted`);
  return found;
}

describe('Discord end to end: votes by reaction', () => {
  it('counts a 👍 on a digest paper, takes it back on MESSAGE_REACTION_REMOVE, and top shows the counts', async () => {
    world = await discordWorld();
    const running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const root = world.postsIn(world.papers.id)[0];
    if (!root) throw new Error('the digest was not posted');
    const papers = world.postsIn(root.id);
    const training = paperIn(papers, '2602.01002');
    const translation = paperIn(papers, '2602.01003');

    await vote(world.ada.id, training, '👍');
    await vote(world.bob.id, training, '👍🏽');
    await vote(world.bob.id, translation, '👍');
    await vote(world.ada.id, translation, '👎');
    expect(votes()).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);

    const asked = { user: world.ada.id, channel: world.papers.id, subcommand: 'top' };
    const before = await command(world, asked);
    expect(before.reply.ephemeral).toBe(true);
    const shown = shownText(before.reply);
    expect(shown).toContain('Most liked papers here in the last 7 days');
    expect(shown).toMatch(/1\. Distributed Training Without Parameter Servers.*👍 2/);
    expect(shown).toMatch(/2\. Tokenizer-Free Translation.*👍 1 · 👎 1/);

    await vote(world.ada.id, training, '👍', 'remove');
    expect(votes().at(-1)).toBe('removed');
    const after = await command(world, { ...asked, options: { period: 'month', share: true } });
    expect(after.reply.ephemeral).toBe(false);
    expect(shownText(after.reply)).not.toContain('👍 2');
    expect(shownText(after.reply)).toMatch(/Distributed Training Without Parameter Servers.*👍 1/);
    // The summary emoji's handling saw the votes as other emoji and posted nothing.
    expect(world.logs.withMessage('reaction handled').map((line) => String(line.outcome))).not.toContain(
      'posted',
    );
  });

  it('counts a vote on a DM digest for the user, in me top and not in the channel', async () => {
    world = await discordWorld();
    const running = await world.boot();
    await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      group: 'me',
      subcommand: 'subscribe',
      options: { terms: 'translation' },
    });
    await running.bot.deliverScheduled([await world.subscription(userOf(world.ada), running.bot)]);
    const dm = world.fake.dmChannel(world.ada.id);
    const paper = paperIn(world.postsIn(dm.id), '2602.01003');

    await vote(world.ada.id, paper, '👍');
    expect(votes()).toEqual(['recorded']);
    const mine = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      group: 'me',
      subcommand: 'top',
    });
    expect(shownText(mine.reply)).toMatch(
      /Papers you liked in the last 7 days[\s\S]*Tokenizer-Free Translation.*👍 1/,
    );
    const here = await command(world, { user: world.ada.id, channel: world.papers.id, subcommand: 'top' });
    expect(shownText(here.reply)).toContain('No paper here was liked in the last 7 days.');
  });
});
