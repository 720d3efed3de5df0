/**
 * Citations end to end on the fake Slack: `/arxiv cite` answers the asking user alone with the paper's
 * BibTeX (or RIS) in a code block, and a :books: reaction on a digest paper posts its BibTeX once in the
 * digest's thread, however many react. Text from arXiv inside the code block pings nobody.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readMessage } from '../../fakes/slack/shown.ts';
import { command, rawText } from './slack-steps.ts';
import { keyOf, type SlackWorld, slackWorld } from './world.ts';

let world: SlackWorld;

afterEach(async () => {
  await world?.close();
});

function handled(): string[] {
  return world.logs.withMessage('reaction handled').map((line) => String(line.outcome));
}

async function react(user: string, channel: string, ts: string, reaction: string): Promise<void> {
  const before = handled().length;
  await world.fake.acknowledged(await world.fake.react({ user, channel, ts, reaction }));
  await world.fake.waitFor(() => handled().length > before, 10_000, `the bot to handle :${reaction}:`);
}

describe('Slack end to end: citations', () => {
  it('answers /arxiv cite privately with BibTeX in a code block, or RIS, pinging nobody', async () => {
    world = await slackWorld();
    world.arxiv.setSearch('unused', [
      {
        id: '2602.04243',
        title: 'Heads & Tails <!channel> of $\\alpha$-Attention',
        authors: ['Zoë Ñúñez', 'Bob Smith'],
        categories: ['cs.CL'],
        doi: '10.1000/xyz_1',
        journalRef: 'J. Heads 12 (2026) 1-10',
      },
    ]);
    await world.boot();
    const run = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'cite 2602.04243',
    });
    const answer = run.answers[0]?.body ?? {};
    expect(answer.response_type).toBe('ephemeral');
    const shown = readMessage(answer as never);
    expect(shown.text).toMatch(/@misc\{nunez\d{4}headstails,/);
    expect(shown.text).toContain('title={Heads \\& Tails <!channel> of $\\alpha$-Attention},');
    expect(shown.text).toContain('author={Zoë Ñúñez and Bob Smith},');
    expect(shown.text).toContain('eprint={2602.04243},');
    expect(shown.text).toContain('primaryClass={cs.CL},');
    expect(shown.text).toContain('doi={10.1000/xyz\\_1},');
    expect(shown.text).toContain('note={J. Heads 12 (2026) 1-10},');
    expect(rawText(answer)).toContain('```');
    expect(rawText(answer)).not.toContain('<!channel>');
    expect(shown.pings).toEqual([]);
    expect(world.fake.messagesIn(world.papers.id)).toHaveLength(0);

    const ris = await command(world, {
      user: world.ada.id,
      channel: world.papers.id,
      text: 'cite 2602.04243 ris',
    });
    expect(ris.answers[0]?.body.response_type).toBe('ephemeral');
    const risText = readMessage((ris.answers[0]?.body ?? {}) as never).text;
    expect(risText).toContain('TY  - GEN');
    expect(risText).toContain('AU  - Zoë Ñúñez');
    expect(risText).toContain('DO  - 10.1000/xyz_1');
  });

  it('posts BibTeX once in the digest thread on :books:, however many react', async () => {
    world = await slackWorld();
    const { bot } = await world.boot();
    await bot.deliverScheduled([await world.subscription(world.channel, bot)]);
    const [root, ...replies] = world.postsIn(world.papers.id);
    const paper = replies.find((reply) => keyOf(reply) === '2602.01002');
    if (!root || !paper) throw new Error('the digest was not posted');

    await react(world.ada.id, world.papers.id, paper.ts, 'books');
    await react(world.bob.id, world.papers.id, paper.ts, 'books');
    expect(handled()).toEqual(['posted', 'already-posted']);
    const citations = world
      .postsIn(world.papers.id)
      .filter((post) => String(post.metadata?.event_payload.key).includes('|cite|'));
    expect(citations).toHaveLength(1);
    const citation = citations[0];
    expect(citation?.sent.thread_ts).toBe(root.ts);
    const shown = readMessage(citation?.sent as never);
    expect(shown.text).toMatch(/BibTeX of \*?Distributed Training Without Parameter Servers/);
    expect(shown.text).toMatch(/@misc\{\w+\d{4}distributedtraining,/);
    expect(shown.text).toContain('eprint={2602.01002},');
    expect(shown.text).toContain('archivePrefix={arXiv},');
    expect(shown.pings).toEqual([]);
  });
});
