import { describe, expect, it } from 'vitest';
import { buildSearchQuery } from '../../../src/arxiv/query.ts';
import type { Command } from '../../../src/bot/commands/command.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { commandFromOptions } from '../../../src/bot/commands/options.ts';

/*
 * Issue 10, "In the chat", item 6: typographic quotes (“ ” ‘ ’, from phone and macOS keyboards) count as
 * quotes in every command, typed as text or as a typed command (Discord).
 */

const search = (query: string): Command => ({ kind: 'search', query });

describe('smart quotes', () => {
  const term = (text: string, exact = false) => ({ text, exact });

  it.each([
    // iOS and macOS "smart punctuation" turns " into “ and ”, ' into ‘ and ’.
    ['subscribe “mixture of experts”, LLM', [term('mixture of experts', true), term('LLM')]],
    ['subscribe ‘mixture of experts’, LLM', [term('mixture of experts', true), term('LLM')]],
    ['subscribe „Mischung von Experten“, LLM', [term('Mischung von Experten', true), term('LLM')]],
    ['subscribe ＂mixture of experts＂', [term('mixture of experts', true)]],
    // An apostrophe is not a quote: ’ inside or at the end of a word stays as typed.
    [
      'subscribe Hopfield’s networks, experts’ routing',
      [term('Hopfield’s networks'), term('experts’ routing')],
    ],
    ['subscribe ‘Hopfield’s networks’', [term('Hopfield’s networks', true)]],
  ])('%j subscribes the phrase', (text, terms) => {
    expect(parseCommand(text)).toEqual({
      kind: 'subscribe',
      scope: 'channel',
      query: { terms, exclude: [] },
    });
  });

  it('counts in unsubscribe, exclusions and me', () => {
    expect(parseCommand('unsubscribe “news”, -“systematic review”')).toEqual({
      kind: 'unsubscribe',
      scope: 'channel',
      terms: ['news', 'systematic review'],
    });
    expect(parseCommand('me subscribe LLM, -“systematic review”')).toEqual({
      kind: 'subscribe',
      scope: 'user',
      query: { terms: [term('LLM')], exclude: [term('systematic review', true)] },
    });
  });

  it('makes phrases of a search', () => {
    expect(parseCommand('search “speculative decoding” tree')).toEqual(search('"speculative decoding" tree'));
    expect(parseCommand('‘large language models’ agents')).toEqual(search('"large language models" agents'));
    expect(buildSearchQuery('"speculative decoding" tree')).toBe('all:"speculative decoding" AND all:"tree"');
    expect(commandFromOptions('search', 'channel', { query: '“speculative decoding” tree' })).toEqual(
      search('"speculative decoding" tree'),
    );
    expect(commandFromOptions('subscribe', 'user', { terms: '“mixture of experts”, LLM' })).toMatchObject({
      query: {
        terms: [
          { text: 'mixture of experts', exact: true },
          { text: 'LLM', exact: false },
        ],
      },
    });
  });
});
