/**
 * Votes end to end on Slack (issue 13, "Feedback"): `reaction_added` and `reaction_removed` events from the
 * fake workspace reach the real Bolt app over Socket Mode; a :+1: or :-1: on a digest paper (in a channel
 * or in a DM digest) is the user's vote, taken back with the reaction, and `/arxiv top` and `/arxiv me top`
 * answer with the counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import type { FakeMessage } from '../../fakes/slack-server.ts';
import { command } from './slack-steps.ts';
import { keyOf, type SlackWorld, slackWorld, userOf } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

/** The votes the core has handled so far, with their outcome. */
function votes(): string[] {
  return world.logs.withMessage('vote handled').map((line) => String(line.outcome));
}

type Reaction = { user: string; channel: string; ts: string; reaction: string };

/** A person adds (or removes) a reaction; resolves once the bot has handled it as a vote. */
async function vote(input: Reaction, action: 'add' | 'remove' = 'add'): Promise<void> {
  const before = votes().length;
  const delivery = action === 'add' ? await world.fake.react(input) : await world.fake.unreact(input);
  if (!delivery) throw new Error(`${input.user} had no :${input.reaction}: there to remove`);
  await world.fake.acknowledged(delivery);
  await world.fake.waitFor(() => votes().length > before, 10_000, `the bot to handle :${input.reaction}:`);
}

function paperIn(posts: FakeMessage[], id: string): FakeMessage {
  const found = posts.find((post) => keyOf(post) === id);
  if (!found) throw new Error(`paper ${id} was not posted`);
  return found;
}

async function top(user: string, channel: string, text: string): Promise<{ shown: string; type: unknown }> {
  const run = await command(world, { user, channel, text });
  const body = run.answers[0]?.body ?? {};
  return { shown: readMessage(body as never).text, type: body.response_type };
}

describe('Slack end to end: votes by reaction', () => {
  it('counts a :+1: on a digest paper, takes it back with reaction_removed, and top shows the counts', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const posts = world.postsIn(world.papers.id);
    const training = paperIn(posts, '2602.01002');
    const translation = paperIn(posts, '2602.01003');
    const channel = world.papers.id;

    await vote({ user: world.ada.id, channel, ts: training.ts, reaction: '+1' });
    await vote({ user: world.bob.id, channel, ts: training.ts, reaction: '+1::skin-tone-4' });
    await vote({ user: world.bob.id, channel, ts: translation.ts, reaction: 'thumbsup' });
    await vote({ user: world.ada.id, channel, ts: translation.ts, reaction: '-1' });
    expect(votes()).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);

    const before = await top(world.ada.id, channel, 'top');
    expect(before.type).toBe('ephemeral');
    expect(before.shown).toContain('Most liked papers here in the last 7 days');
    expect(before.shown).toMatch(/1\. Distributed Training Without Parameter Servers.*👍 2/);
    expect(before.shown).toMatch(/2\. Tokenizer-Free Translation.*👍 1 · 👎 1/);

    // Ada takes her :+1: off: one like left on that paper.
    await vote({ user: world.ada.id, channel, ts: training.ts, reaction: '+1' }, 'remove');
    expect(votes().at(-1)).toBe('removed');
    const after = await top(world.bob.id, channel, 'top month --share');
    expect(after.type).toBe('in_channel');
    expect(after.shown).toMatch(/Distributed Training Without Parameter Servers.*👍 1(?! ·)/);
    expect(after.shown).not.toContain('👍 2');
    // The votes asked for no summary.
    expect(world.logs.withMessage('reaction handled').map((line) => String(line.outcome))).not.toContain(
      'posted',
    );
  });

  it('counts a vote on a DM digest for the user, in me top and not in the channel', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    await command(world, { user: world.ada.id, channel: world.papers.id, text: 'me subscribe translation' });
    await bot.deliverScheduled([await world.subscription(userOf(world, world.ada), bot)]);
    const dm = world.fake.imWith(world.ada.id);
    const paper = paperIn(world.postsIn(dm.id), '2602.01003');

    await vote({ user: world.ada.id, channel: dm.id, ts: paper.ts, reaction: '+1' });
    expect(votes()).toEqual(['recorded']);
    const mine = await top(world.ada.id, world.papers.id, 'me top');
    expect(mine.shown).toMatch(/Papers you liked in the last 7 days[\s\S]*Tokenizer-Free Translation.*👍 1/);
    const here = await top(world.ada.id, world.papers.id, 'top');
    expect(here.shown).toContain('No paper here was liked in the last 7 days.');
    expect(here.shown).toContain('React with 👍 (or 👎)');
  });
});
