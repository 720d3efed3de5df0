import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { COMMAND_NAMES } from '../../../src/bot/commands/table.ts';
import { mistypedName } from '../../../src/bot/commands/typos.ts';
import { UserError } from '../../../src/errors.ts';
import { describeWithSharedFixtures, SHARED_FIXTURES } from '../../support/shared-fixtures.ts';

/*
 * Issue 10, "In the chat", item 2: a mistyped subcommand name gets "did you mean", privately, with the way to
 * search anyway; a real search is never taken for a typo. The rule is in src/bot/commands/typos.ts.
 */

function refusal(text: string): UserError {
  try {
    parseCommand(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be answered with "did you mean"`);
}

/** Typos people make of the subcommand names, and the command they meant. */
const TYPOS: [string, string][] = [
  ['subscibe LLM', 'subscribe LLM'],
  ['Subscibe LLM', 'subscribe LLM'],
  ['subsribe agents, -survey', 'subscribe agents, -survey'],
  ['subscirbe agents', 'subscribe agents'],
  ['subscrbe "mixture of experts"', 'subscribe "mixture of experts"'],
  ['sbuscribe LLM', 'subscribe LLM'],
  ['unsubscibe LLM', 'unsubscribe LLM'],
  ['unsubcribe all', 'unsubscribe all'],
  ['usnubscribe all', 'unsubscribe all'],
  ['lsit', 'list'],
  ['lits', 'list'],
  ['sumary 2401.01234', 'summary 2401.01234'],
  ['summray 2401.01234', 'summary 2401.01234'],
  ['summaryy 2401.01234', 'summary 2401.01234'],
  ['shcedule 9am', 'schedule 9am'],
  ['schedul 9am Europe/Berlin', 'schedule 9am Europe/Berlin'],
  ['scheduel 9am', 'schedule 9am'],
  ['categroies cs.AI', 'categories cs.AI'],
  ['catgories cs.AI cs.LG', 'categories cs.AI cs.LG'],
  ['cateogries cs.AI', 'categories cs.AI'],
  ['digets', 'digest'],
  ['diegst', 'digest'],
  ['hlep', 'help'],
  ['hepl subscribe', 'help subscribe'],
  ['serach graph neural networks', 'search graph neural networks'],
  ['seach transformers', 'search transformers'],
  ['saerch transformers', 'search transformers'],
  ['pubilc on', 'public on'],
  ['pulbic', 'public'],
  ['fede', 'feed'],
  ['ctie 2401.01234', 'cite 2401.01234'],
  ['icte 2401.01234 ris', 'cite 2401.01234 ris'],
];

/** Searches whose first word is a real word near a command name, and searches of all kinds. */
const SEARCHES = [
  'transformers',
  'city navigation',
  'site reliability',
  'cited papers',
  'cute cats',
  'kite',
  'graph',
  'graph neural networks',
  'research agents',
  'scheduler design for GPU clusters',
  'scheduling',
  'scheduled sampling',
  'lists',
  'listing',
  'lisp',
  'last iterate convergence',
  'lost in the middle',
  'lstm',
  'lint',
  'lift',
  'feedback alignment',
  'feeds',
  'fed learning',
  'need for speed',
  'seed',
  'free energy',
  'feel',
  'feet',
  'held out data',
  'helpful assistants',
  'helps',
  'hell',
  'heap',
  'hemp fibres',
  'publicly available data',
  'publication bias',
  'republic',
  'publish',
  'digestion',
  'digests',
  'digits recognition',
  'digital twins',
  'summaries',
  'summarization',
  'summer school',
  'summand',
  'summit',
  'subscript',
  'subscriber churn',
  'subscribed',
  'subset selection',
  'starch',
  'searching',
  'searches',
  'seared',
  'research',
  'category theory',
  'categorical data',
  'categorization',
  'catalogues',
  'scheduler',
  'schema matching',
  'Schrödinger equation',
  'diffusion models',
  'sparse attention',
  'speculative decoding',
  'mixture of experts',
  'large language models',
  'reinforcement learning',
  'in-context learning',
  'LLM',
  'GPT-4',
  'lens',
  'lisa',
  'lyst',
  'feed-forward networks',
];

describe('a mistyped subcommand name', () => {
  it.each(TYPOS)('%j: did you mean /arxiv %s?', (text, meant) => {
    const error = refusal(text);
    expect(error.code).toBe('USAGE');
    expect(error.userMessage).toBe(
      `Did you mean \`/arxiv ${meant}\`? To search arXiv for these words, type /arxiv search ${text}.`,
    );
  });

  it('is answered the same way after me', () => {
    expect(refusal('me subscibe LLM').userMessage).toMatch(
      /^Did you mean `\/arxiv me subscribe LLM`\? To search arXiv for these words, type \/arxiv search me subscibe LLM\./,
    );
    expect(refusal('me lsit').userMessage).toMatch(/^Did you mean `\/arxiv me list`\?/);
  });

  it('does not echo a long argument back', () => {
    const error = refusal(`subscibe ${'q'.repeat(1500)}`);
    expect(error.userMessage.length).toBeLessThan(300);
    expect(error.userMessage).not.toContain('q'.repeat(41));
  });
});

describe('a real search', () => {
  it.each(SEARCHES)('%j is a search, not a typo', (text) => {
    expect(parseCommand(text).kind).toBe('search');
  });
});

describeWithSharedFixtures('the words of real arXiv papers', () => {
  it('are never taken for a mistyped command name', () => {
    const words = new Set<string>();
    const read = (directory: string) => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) read(path);
        else if (!name.endsWith('.pdf')) {
          for (const word of readFileSync(path, 'utf8')
            .toLowerCase()
            .match(/\p{L}+/gu) ?? [])
            words.add(word);
        }
      }
    };
    read(join(SHARED_FIXTURES, 'arxiv'));
    // Titles, abstracts, author names and feed markup: a vocabulary of some thousands of words.
    expect(words.size).toBeGreaterThan(5000);
    expect([...words].filter((word) => mistypedName(word, COMMAND_NAMES) !== null)).toEqual([]);
  });
});
