import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatWorld, chatWorld, run } from './chat-world.ts';

/*
 * Issue 10, "In the chat", item 1 (and 6 for search): /arxiv search takes free text, words and quoted
 * phrases mixed, through the bot, the arXiv client and the fake arXiv; typed commands (Discord) alike.
 */

let world: ChatWorld;

beforeEach(async () => {
  world = await chatWorld();
  world.arxiv.setSearch('speculative decoding tree', [
    { id: '2603.00001', title: 'Tree-Based Speculative Decoding for Fast Inference', categories: ['cs.CL'] },
  ]);
  world.arxiv.setSearch('large language models agents', [
    { id: '2603.00002', title: 'Agents Built on Large Language Models', categories: ['cs.AI'] },
  ]);
});

afterEach(async () => {
  await world.close();
});

/** The search_query of every API request the fake arXiv saw. */
const apiQueries = () =>
  world.arxiv.requests.filter((request) => request.path.startsWith('/api/')).map((r) => r.query.search_query);

describe('/arxiv search with quoted phrases', () => {
  it.each([
    [
      'search "speculative decoding" tree',
      'all:"speculative decoding" AND all:"tree"',
      'Tree-Based Speculative',
    ],
    ['"large language models" agents', 'all:"large language models" AND all:"agents"', 'Agents Built on'],
    [
      'search “speculative decoding” tree',
      'all:"speculative decoding" AND all:"tree"',
      'Tree-Based Speculative',
    ],
  ])('%j finds the papers, asking arXiv for the phrase as a phrase', async (text, query, title) => {
    const { answers } = await run(world, text);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).not.toMatch(/Usage|Term \d|quote/);
    expect(answers[0]?.text).toContain(title);
    expect(apiQueries()).toEqual([query]);
  });

  it('reads an unbalanced quote as words, never refusing it', async () => {
    const { answers } = await run(world, 'search "speculative decoding tree');
    expect(answers[0]?.text).toContain('Tree-Based Speculative');
    expect(apiQueries()).toEqual(['all:"speculative" AND all:"decoding" AND all:"tree"']);
  });

  it('takes the same text as a typed command (Discord)', async () => {
    const { answers } = await run(world, 'search', {
      typed: {
        name: 'search',
        scope: 'channel',
        options: { query: '"large language models" agents' },
        share: false,
      },
    });
    expect(answers[0]?.text).toContain('Agents Built on Large Language Models');
    expect(apiQueries()).toEqual(['all:"large language models" AND all:"agents"']);
  });
});
