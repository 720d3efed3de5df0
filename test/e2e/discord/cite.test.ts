/**
 * Citations end to end on Discord: `/arxiv cite` answers the asking user alone (ephemeral) with the paper's
 * BibTeX in a code block, text from arXiv pinging nobody; a 📚 on a digest paper posts its BibTeX once in
 * the digest's thread, however many react.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { markerOf } from '../../../adapters/discord/posting.ts';
import { shownOf, wouldPing } from '../../fakes/discord/contract-driver.ts';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { command, handled, react } from './steps.ts';
import { type DiscordWorld, discordWorld, paperOf } from './world.ts';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

function citations(channel: string, thread: string, paper: string): FakeMessage[] {
  const marker = markerOf(`${channel}|${thread}|cite|${paper}`, 0);
  return world
    .postsIn(thread)
    .filter((message) =>
      message.embeds.some((embed) =>
        (embed.footer as { text?: string } | undefined)?.text?.endsWith(` · ${marker}`),
      ),
    );
}

describe('Discord end to end: citations', () => {
  it('answers /arxiv cite privately with BibTeX in a code block, pinging nobody', async () => {
    world = await discordWorld();
    world.arxiv.setSearch('unused', [
      {
        id: '2602.04243',
        title: 'Heads & Tails @everyone of $\\alpha$-Attention',
        authors: ['Zoë Ñúñez', 'Bob Smith'],
        categories: ['cs.CL'],
        doi: '10.1000/xyz_1',
        journalRef: 'J. Heads 12 (2026) 1-10',
      },
    ]);
    await world.boot();
    const run = await command(world, {
      user: world.bob.id,
      channel: world.papers.id,
      subcommand: 'cite',
      options: { paper: '2602.04243' },
    });
    expect(run.reply.ephemeral).toBe(true);
    const shown = shownOf(run.answers.at(-1) ?? run.reply);
    expect(shown.text).toMatch(/@misc\{nunez\d{4}headstails,/);
    // The adapter breaks @everyone even in code (a zero-width space after the @); the rest is as written.
    expect(shown.text).toMatch(/title=\{Heads \\& Tails @\u200b?everyone of \$\\alpha\$-Attention\},/);
    expect(shown.text).toContain('author={Zoë Ñúñez and Bob Smith},');
    expect(shown.text).toContain('doi={10.1000/xyz\\_1},');
    expect(shown.text).toContain('note={J. Heads 12 (2026) 1-10},');
    expect(wouldPing(shown)).toBe(false);
    expect(world.postsIn(world.papers.id)).toHaveLength(0);
  });

  it('posts BibTeX once in the digest thread for a 📚 on a paper, however many react', async () => {
    world = await discordWorld();
    const running = await world.boot();
    await running.bot.deliverScheduled([await world.subscription(world.channel, running.bot)]);
    const root = world.postsIn(world.papers.id)[0];
    if (!root) throw new Error('the digest was not posted');
    const paper = world.postsIn(root.id).find((message) => paperOf(message) === '2602.01002');
    if (!paper) throw new Error('the paper was not posted');

    await react(world, { user: world.ada.id, message: paper, emoji: '📚' });
    await react(world, { user: world.bob.id, message: paper, emoji: '📚' });
    expect(handled(world)).toEqual(['posted', 'already-posted']);
    const posted = citations(world.channel, root.id, '2602.01002');
    expect(posted).toHaveLength(1);
    const citation = posted[0] as FakeMessage;
    expect(citation.channelId).toBe(root.id);
    const shown = shownOf(citation);
    expect(shown.text).toContain('Distributed Training Without Parameter Servers');
    expect(shown.text).toMatch(/@misc\{\w+\d{4}distributedtraining,/);
    expect(shown.text).toContain('archivePrefix={arXiv},');
    expect(citation.pinged).toEqual({ users: [], roles: [], everyone: false });
  });
});
