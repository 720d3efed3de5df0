import { describe, expect, it } from 'vitest';
import { buildSearchQuery, searchPieces } from '../../../src/arxiv/query.ts';
import type { Command } from '../../../src/bot/commands/command.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { commandFromOptions } from '../../../src/bot/commands/options.ts';
import { searchQuery } from '../../../src/bot/search.ts';

/*
 * Issue 10, "In the chat": a search is free text, as in arXiv's own search box: words and "quoted phrases"
 * mixed; a phrase stays a phrase in the ranking and in the API query; an unbalanced quote is read as a word.
 */

const search = (query: string): Command => ({ kind: 'search', query });
const word = (text: string) => ({ text, exact: false });

describe('a search of words and quoted phrases mixed', () => {
  it.each([
    ['search "speculative decoding" tree', '"speculative decoding" tree'],
    ['"large language models" agents', '"large language models" agents'],
    ['agents "large language models"', 'agents "large language models"'],
    ['search "speculative decoding tree', '"speculative decoding tree'],
  ])('%j is a search', (text, query) => {
    expect(parseCommand(text)).toEqual(search(query));
  });

  it('ranks by each phrase as a phrase and each significant word outside it', () => {
    expect(searchQuery('"speculative decoding" tree')).toEqual({
      terms: [word('speculative decoding'), word('tree')],
      exclude: [],
    });
    expect(searchQuery('"large language models" for agents')).toEqual({
      terms: [word('large language models'), word('agents')],
      exclude: [],
    });
    // Words inside a phrase are kept, stopwords included: the phrase is what the user asked for.
    expect(searchQuery('"mixture of experts"')).toEqual({ terms: [word('mixture of experts')], exclude: [] });
  });

  it('reads an unbalanced quote leniently, as the words around it', () => {
    expect(searchQuery('"speculative decoding tree')).toEqual(searchQuery('speculative decoding tree'));
    // A quoted single word is a word: this is plain words, ranked as such.
    expect(searchQuery('speculative "decoding" "tree')).toEqual(searchQuery('speculative decoding tree'));
  });

  it('reads commas as separators, not as the subscription language', () => {
    expect(() => searchQuery('LLM, "mixture of experts" routing, agents')).not.toThrow();
    expect(searchQuery('LLM, agents')).toEqual({ terms: [word('LLM'), word('agents')], exclude: [] });
  });

  it('keeps plain words ranked as before: the whole text as a phrase, then each significant word', () => {
    expect(searchQuery('graph neural networks')).toEqual({
      terms: [word('graph neural networks'), word('graph'), word('neural'), word('networks')],
      exclude: [],
    });
  });

  it('sends a phrase to arXiv as one quoted phrase, words as words', () => {
    expect(buildSearchQuery('"speculative decoding" tree')).toBe('all:"speculative decoding" AND all:"tree"');
    expect(buildSearchQuery('"large language models" agents', ['cs.CL'])).toBe(
      'all:"large language models" AND all:"agents" AND cat:cs.CL',
    );
    expect(buildSearchQuery('"speculative decoding tree')).toBe(
      'all:"speculative" AND all:"decoding" AND all:"tree"',
    );
    // A phrase of one word is a word; an empty phrase is nothing.
    expect(buildSearchQuery('"diffusion" "" models')).toBe('all:"diffusion" AND all:"models"');
  });

  it('never lets a phrase change the structure of the API query', () => {
    expect(buildSearchQuery('"x AND ti:y) OR (z" w')).toBe('all:"x and ti y or z" AND all:"w"');
    expect(searchPieces('"a" OR "b c" "d')).toEqual([
      { text: 'a', phrase: false },
      { text: 'or', phrase: false },
      { text: 'b c', phrase: true },
      { text: 'd', phrase: false },
    ]);
  });

  it('builds the same search from a typed command (Discord)', () => {
    expect(commandFromOptions('search', 'channel', { query: '"speculative decoding" tree' })).toEqual(
      search('"speculative decoding" tree'),
    );
  });
});
