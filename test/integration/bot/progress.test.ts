import { afterEach, describe, expect, it } from 'vitest';
import { faults } from '../../fakes/arxiv-server.ts';
import { type ChatWorld, chatWorld, run } from './chat-world.ts';

/*
 * Issue 10, "In the chat", item 3: a command whose work takes long says what it is doing, then answers;
 * one whose work is quick answers once. The note goes where the acknowledged answer goes, so the first
 * answer keeps the acknowledged visibility. The fake model and the fake arXiv are made slow.
 */

let world: ChatWorld | null = null;

afterEach(async () => {
  await world?.close();
  world = null;
});

const NOTE_AFTER_MS = 300;

describe('a slow command', () => {
  it('digest: says it is preparing the digest, with the listing and how many it summarizes, then posts it', async () => {
    world = await chatWorld({ model: true, bot: { progressAfterMs: NOTE_AFTER_MS } });
    world.openai?.setDefault({ type: 'slow', delayMs: 1500 });
    const { acknowledged, answers } = await run(world, 'digest');
    expect(acknowledged).toBe('private');
    expect(answers.map((answer) => answer.visibility)).toEqual(['private', 'private']);
    const [note, result] = answers;
    expect(note?.text).toMatch(
      /^Preparing the digest of 2026-02-04: \d+ papers in the listing, summarizing the top 3…$/,
    );
    expect(note?.at).toBeGreaterThanOrEqual(NOTE_AFTER_MS - 5);
    expect(note?.at).toBeLessThan(1400);
    expect(result?.text).toBe('Posted the digest of 2026-02-04 (3 papers) in this channel.');
  });

  it('digest: says it is fetching the listing while arXiv is slow, then what it prepares', async () => {
    world = await chatWorld({ model: true, bot: { progressAfterMs: NOTE_AFTER_MS } });
    world.arxiv.fail({ ...faults.slow(800), on: 'rss' });
    world.openai?.setDefault({ type: 'slow', delayMs: 800 });
    const { answers } = await run(world, 'digest');
    expect(answers.map((answer) => answer.text)).toEqual([
      'Fetching the arXiv listing for cs.CL, cs.LG…',
      expect.stringMatching(
        /^Preparing the digest of 2026-02-04: \d+ papers in the listing, summarizing the top 3…$/,
      ),
      'Posted the digest of 2026-02-04 (3 papers) in this channel.',
    ]);
  });

  it('digest: does not say it prepares a digest that is out already', async () => {
    world = await chatWorld({ bot: { progressAfterMs: NOTE_AFTER_MS } });
    expect((await run(world, 'digest')).answers.map((answer) => answer.text)).toEqual([
      'Posted the digest of 2026-02-04 (3 papers) in this channel.',
    ]);
    // Other categories: a listing is fetched again, slowly; the day's digest is out already.
    await run(world, 'categories cs.AI');
    world.arxiv.fail({ ...faults.slow(800), on: 'rss' });
    const { answers } = await run(world, 'digest');
    expect(answers.map((answer) => answer.text)).toEqual([
      'Fetching the arXiv listing for cs.AI…',
      'The digest of 2026-02-04 is already in this channel.',
    ]);
  });

  it('summary: says which paper it summarizes, for the channel, as the summary will be', async () => {
    world = await chatWorld({ model: true, bot: { progressAfterMs: NOTE_AFTER_MS } });
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    world.openai?.setDefault({ type: 'slow', delayMs: 1200 });
    const { acknowledged, answers } = await run(world, 'summary 2602.01002');
    expect(acknowledged).toBe('channel');
    expect(answers.map((answer) => [answer.visibility, answer.text.split('\n')[0]])).toEqual([
      ['channel', 'Summarizing arXiv:2602.01002…'],
      ['channel', 'Distributed Training Without Parameter Servers'],
    ]);
  });

  it('search: says it is searching arXiv while the API is slow', async () => {
    world = await chatWorld({ bot: { progressAfterMs: NOTE_AFTER_MS } });
    world.arxiv.setSearch('speculative decoding', [
      { id: '2603.00001', title: 'Speculative Decoding at Scale' },
    ]);
    world.arxiv.fail({ ...faults.slow(1000), on: 'api' });
    const { answers } = await run(world, 'search "speculative decoding"');
    expect(answers.map((answer) => [answer.visibility, answer.text.split('\n')[0]])).toEqual([
      ['private', 'Searching arXiv for "speculative decoding"…'],
      ['private', '1 paper for "speculative decoding"'],
    ]);
  });
});

describe('a quick command (the default: a note only after 2 s)', () => {
  it.each(['digest', 'summary 2602.01002', 'search distributed training', 'list', 'help'])(
    '%s answers once, with no note',
    async (text) => {
      world = await chatWorld({ model: true });
      await world.bot.listings.latest(['cs.CL', 'cs.LG']);
      const { answers } = await run(world, text);
      expect(answers).toHaveLength(1);
      expect(answers[0]?.text).not.toMatch(/…$/);
    },
  );
});
