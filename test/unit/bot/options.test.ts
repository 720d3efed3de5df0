import { describe, expect, it } from 'vitest';
import type { Scope } from '../../../src/bot/commands/command.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { type CommandOptions, commandFromOptions } from '../../../src/bot/commands/options.ts';
import { COMMAND_NAMES } from '../../../src/bot/commands/table.ts';
import { UserError } from '../../../src/errors.ts';

/** The UserError that `run` throws. */
function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a refusal');
}

type Typed = [name: string, scope: Scope, options: CommandOptions];

// A typed command and the text a user would type for the same thing.
const SAME: Array<[Typed, string]> = [
  [['search', 'channel', { query: 'graph neural networks' }], 'search graph neural networks'],
  [
    ['search', 'channel', { query: '  ti:transformer   AND au:"Vaswani" ' }],
    'search ti:transformer AND au:"Vaswani"',
  ],
  [['search', 'channel', { query: 'list of LLM papers' }], 'search list of LLM papers'],
  [
    ['subscribe', 'channel', { terms: 'LLM, "mixture of experts", -survey' }],
    'subscribe LLM, "mixture of experts", -survey',
  ],
  [['subscribe', 'user', { terms: 'agents' }], 'me subscribe agents'],
  [['unsubscribe', 'channel', { terms: 'all' }], 'unsubscribe all'],
  [['unsubscribe', 'user', { terms: '-survey, "news"' }], 'me unsubscribe -survey, "news"'],
  [['follow', 'channel', { author: 'Yann LeCun; Hinton, Geoffrey' }], 'follow Yann LeCun; Hinton, Geoffrey'],
  [['follow', 'user', { author: 'Y. LeCun' }], 'me follow Y. LeCun'],
  [['unfollow', 'channel', { author: 'ALL' }], 'unfollow all'],
  [['unfollow', 'user', { author: 'LeCun, Yann' }], 'me unfollow LeCun, Yann'],
  [['list', 'channel', {}], 'list'],
  [['list', 'user', {}], 'me list'],
  [['categories', 'channel', { categories: 'cs.ai cs.LG, stat.ml' }], 'categories cs.ai cs.LG, stat.ml'],
  [['categories', 'user', { categories: 'math' }], 'me categories math'],
  [['categories', 'channel', {}], 'categories'],
  [['schedule', 'channel', { time: '9am', timezone: 'berlin' }], 'schedule 9am Berlin'],
  [['schedule', 'channel', { time: '7:30 p.m.' }], 'schedule 7:30 p.m.'],
  [
    ['schedule', 'user', { time: '08:15', timezone: 'America/New_York' }],
    'me schedule 08:15 America/New_York',
  ],
  [['schedule', 'channel', { timezone: 'utc' }], 'schedule UTC'],
  [['schedule', 'channel', {}], 'schedule'],
  [['digest', 'channel', {}], 'digest'],
  [
    ['summary', 'channel', { paper: 'https://arxiv.org/abs/2401.01234v2' }],
    'summary https://arxiv.org/abs/2401.01234v2',
  ],
  [['summary', 'channel', { paper: 'arXiv: HEP-TH/9504118' }], 'summary arXiv: HEP-TH/9504118'],
  [['cite', 'channel', { paper: 'arXiv: HEP-TH/9504118' }], 'cite arXiv: HEP-TH/9504118'],
  [['cite', 'channel', { paper: '2401.01234v2', format: 'RIS' }], 'cite 2401.01234v2 ris'],
  [
    ['cite', 'channel', { paper: 'https://arxiv.org/abs/2401.01234', format: 'bibtex' }],
    'cite https://arxiv.org/abs/2401.01234',
  ],
  [['top', 'channel', {}], 'top'],
  [['top', 'user', { period: 'Month' }], 'me top month'],
  [['weekly', 'channel', {}], 'weekly'],
  [['weekly', 'channel', { enabled: true }], 'weekly on'],
  [['weekly', 'user', { enabled: true, day: 'Fri', time: '5pm' }], 'me weekly on friday 5pm'],
  [['weekly', 'channel', { enabled: false }], 'weekly off'],
  [['feed', 'channel', {}], 'feed'],
  [['feed', 'channel', { revoke: false }], 'feed'],
  [['feed', 'channel', { revoke: true }], 'feed revoke'],
  [['public', 'channel', { enabled: true }], 'public on'],
  [['public', 'channel', { enabled: false }], 'public off'],
  [['public', 'channel', {}], 'public'],
  [['help', 'channel', {}], 'help'],
  [['help', 'channel', { command: 'Schedule' }], 'help schedule'],
  [['help', 'channel', { command: 'me subscribe' }], 'help me subscribe'],
  [['help', 'channel', { command: 'me' }], 'help me'],
];

describe('commandFromOptions', () => {
  it.each(SAME)('%j is the command of %j', ([name, scope, options], text) => {
    expect(commandFromOptions(name, scope, options)).toEqual(parseCommand(text));
  });

  it('covers every command', () => {
    expect(new Set(SAME.map(([[name]]) => name))).toEqual(new Set(COMMAND_NAMES));
  });

  it('cleans option text as the grammar cleans a typed line', () => {
    expect(commandFromOptions('search', 'channel', { query: 'graph\u202e \u0000networks <@U1>' })).toEqual({
      kind: 'search',
      query: 'graph networks',
    });
    expect(commandFromOptions('subscribe', 'channel', { terms: 'LLM\nagents' })).toEqual(
      parseCommand('subscribe LLM, agents'),
    );
  });

  // A typed command, and the text whose refusal it must repeat word for word.
  const REFUSED_ALIKE: Array<[Typed, string]> = [
    [['search', 'channel', {}], 'search'],
    [['search', 'channel', { query: '   ' }], 'search'],
    [['search', 'channel', { query: '<@U1> ,' }], 'search <@U1> ,'],
    [['subscribe', 'channel', {}], 'subscribe'],
    [['subscribe', 'user', { terms: '' }], 'me subscribe'],
    [['subscribe', 'channel', { terms: 'LLM, "open' }], 'subscribe LLM, "open'],
    [['subscribe', 'channel', { terms: '<!channel>' }], 'subscribe <!channel>'],
    [['unsubscribe', 'user', {}], 'me unsubscribe'],
    [['categories', 'channel', { categories: 'cs.XY' }], 'categories cs.XY'],
    [['categories', 'user', { categories: 'nonsense' }], 'me categories nonsense'],
    [['schedule', 'channel', { time: '25:99' }], 'schedule 25:99'],
    [['schedule', 'user', { time: '9' }], 'me schedule 9'],
    [['schedule', 'channel', { time: '09:00', timezone: 'EST' }], 'schedule 09:00 EST'],
    [['schedule', 'channel', { time: '09:00', timezone: '+02:00' }], 'schedule 09:00 +02:00'],
    [['summary', 'channel', {}], 'summary'],
    [['summary', 'channel', { paper: '2401.01234 2401.01235' }], 'summary 2401.01234 2401.01235'],
    [
      ['summary', 'channel', { paper: 'https://evil.example/abs/2401.01234' }],
      'summary https://evil.example/abs/2401.01234',
    ],
    [['cite', 'channel', {}], 'cite'],
    [['cite', 'channel', { paper: '2401.01234', format: 'endnote' }], 'cite 2401.01234 endnote'],
    [['cite', 'channel', { paper: 'hep-th/950411' }], 'cite hep-th/950411'],
    [['help', 'channel', { command: 'nonsense' }], 'help nonsense'],
  ];

  it.each(REFUSED_ALIKE)('%j is refused as %j is', (typed, text) => {
    const [name, scope, options] = typed;
    const expected = refusal(() => parseCommand(text));
    const error = refusal(() => commandFromOptions(name, scope, options));
    expect(error.code).toBe(expected.code);
    expect(error.userMessage).toBe(expected.userMessage);
  });

  it('refuses a command that has no me form in the me group, without the search hint of text', () => {
    for (const name of ['digest', 'feed', 'search']) {
      const error = refusal(() => commandFromOptions(name, 'user', {}));
      expect(error.code).toBe('USAGE');
      expect(error.userMessage).toBe(
        `"me ${name}" is not a command: me goes with subscribe, unsubscribe, follow, unfollow, list, categories, schedule, top or weekly.\nUsage:\n${refusal(
          () => parseCommand('me'),
        )
          .userMessage.split('\n')
          .slice(2)
          .join('\n')}`,
      );
    }
  });

  it('refuses a command or option the table does not have (a registration older than the bot)', () => {
    const unknown = refusal(() => commandFromOptions('frobnicate', 'channel', {}));
    expect(unknown.code).toBe('USAGE');
    expect(unknown.userMessage).toContain('There is no command "frobnicate"');
    expect(unknown.userMessage).toContain('Usage: /arxiv help [command]');

    const mine = refusal(() => commandFromOptions('frobnicate', 'user', {}));
    expect(mine.userMessage).toContain('"me frobnicate" is not a command');
    expect(mine.userMessage).toContain('/arxiv me schedule [HH:MM] [Area/City]');

    const option = refusal(() => commandFromOptions('schedule', 'user', { when: '9:00' }));
    expect(option.code).toBe('USAGE');
    expect(option.userMessage).toBe(
      'schedule has no option "when".\nUsage: /arxiv me schedule [HH:MM] [Area/City]',
    );
    const extra = refusal(() => commandFromOptions('list', 'channel', { query: 'x' }));
    expect(extra.userMessage).toMatch(/^list has no option "query"\.\nUsage: \/arxiv list$/);
  });

  it('refuses a value of the wrong type with the usage line', () => {
    const flag = refusal(() => commandFromOptions('public', 'channel', { enabled: 'on' }));
    expect(flag.userMessage).toBe("public's enabled is true or false.\nUsage: /arxiv public [on | off]");
    const text = refusal(() => commandFromOptions('search', 'channel', { query: true }));
    expect(text.userMessage).toContain("search's query is text.\nUsage: /arxiv <words>");
  });

  it('ignores options given as undefined', () => {
    expect(commandFromOptions('feed', 'channel', { revoke: undefined })).toEqual({
      kind: 'feed',
      action: 'show',
    });
    expect(commandFromOptions('schedule', 'channel', { time: '9am', timezone: undefined })).toEqual(
      parseCommand('schedule 9am'),
    );
  });

  it('refuses option text longer than a command may be, before reading it', () => {
    const error = refusal(() => commandFromOptions('subscribe', 'channel', { terms: 'LLM, '.repeat(1000) }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.userMessage).toContain('the limit is 2,000');
  });
});
