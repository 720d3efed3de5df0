import { describe, expect, it } from 'vitest';
import { buildSearchQuery } from '../../../src/arxiv/query.ts';
import type { Command, CommandKind } from '../../../src/bot/commands/command.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { HELP_TOPICS, helpText, usageOf } from '../../../src/bot/commands/help.ts';
import { MAX_COMMAND_LENGTH } from '../../../src/bot/commands/input.ts';
import { UserError, type UserErrorCode } from '../../../src/errors.ts';

/** The UserError that parsing `text` throws. */
function parseError(text: string): UserError {
  try {
    parseCommand(text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 60))} to be refused`);
}

const term = (text: string, exact = false) => ({ text, exact });
const subscribe = (terms: ReturnType<typeof term>[], exclude: ReturnType<typeof term>[] = []): Command => ({
  kind: 'subscribe',
  scope: 'channel',
  query: { terms, exclude },
});
const schedule = (
  time: string | null,
  timeZone: string | null,
  scope: 'channel' | 'user' = 'channel',
): Command => ({
  kind: 'schedule',
  scope,
  time,
  timeZone,
});
const summary = (id: string, version: number | null = null): Command => ({ kind: 'summary', id, version });
const search = (query: string): Command => ({ kind: 'search', query });
const help = { kind: 'help', topic: null } as const;

const GOOD: [string, Command][] = [
  // Empty text, and text that is only a prefix, is help.
  ['', help],
  ['   \n\t ', help],
  ['/arxiv', help],
  ['arxiv', help],
  ['<@U123>', help],
  ['<@!123456> /arxiv', help],

  // Anything that is not a subcommand is a search, kept as the user's text.
  ['graph neural networks', search('graph neural networks')],
  ['  graph   neural\n networks  ', search('graph neural networks')],
  ['search graph neural networks', search('graph neural networks')],
  ['SEARCH Graph Networks', search('Graph Networks')],
  ['search list of LLM papers', search('list of LLM papers')],
  ['/arxiv graph networks', search('graph networks')],
  ['arxiv graph networks', search('graph networks')],
  ['<@U123> graph networks', search('graph networks')],
  ['<@!123456>   search graph networks', search('graph networks')],
  ['ti:transformer AND au:Vaswani', search('ti:transformer AND au:Vaswani')],
  ['search (cat:cs.LG OR cat:stat.ML) "diffusion"', search('(cat:cs.LG OR cat:stat.ML) "diffusion"')],
  ['量子 コンピュータ', search('量子 コンピュータ')],
  ['Schrödinger équation Ελληνικά', search('Schrödinger équation Ελληνικά')],
  // Decomposed accents are composed (NFC).
  ['Schro\u0308dinger', search('Schrödinger')],
  // Mentions in a search become plain words or disappear.
  ['search <@U1> diffusion <#C2|general> <!here> @everyone', search('diffusion general here everyone')],
  ['diffusion <@&987> <!subteam^S1|@ml-team> <:tada:123> <t:1700000000:R>', search('diffusion ml-team tada')],
  // Control, bidi and zero-width characters are removed; escape sequences lose their ESC.
  ['diffu\u0000sion\u0007 \u202emodels\u202c', search('diffusion models')],
  ['\u001b[31mred\u001b[0m shift', search('[31mred[0m shift')],
  ['LL\u200bM\u00ad agents\ufeff', search('LLM agents')],
  // Link markup becomes what the user typed.
  ['search <https://example.org/x|example.org/x> robots', search('example.org/x robots')],

  // Subcommand names in any case, full-width letters included.
  ['ＬＩＳＴ', { kind: 'list', scope: 'channel' }],
  ['List', { kind: 'list', scope: 'channel' }],
  ['me LIST', { kind: 'list', scope: 'user' }],
  ['ME list', { kind: 'list', scope: 'user' }],

  ['subscribe LLM', subscribe([term('LLM')])],
  [
    'subscribe LLM, "mixture of experts", -survey, -"systematic review"',
    subscribe(
      [term('LLM'), term('mixture of experts', true)],
      [term('survey'), term('systematic review', true)],
    ),
  ],
  ['Subscribe   large  language   model ,agents', subscribe([term('large language model'), term('agents')])],
  // One term per line is the same as commas.
  ['subscribe LLM\nagents\n\n-survey', subscribe([term('LLM'), term('agents')], [term('survey')])],
  ['subscribe LLM,\r\nagents,\n', subscribe([term('LLM'), term('agents')])],
  [
    'subscribe 量子計算, Schrödinger, می‌خواهم',
    subscribe([term('量子計算'), term('Schrödinger'), term('می‌خواهم')]),
  ],
  ['subscribe LL\u200bM\u0007, \u202eagents', subscribe([term('LLM'), term('agents')])],
  ['subscribe C++, ti:transformer', subscribe([term('C++'), term('ti:transformer')])],
  [
    '/arxiv me subscribe LLM, -survey',
    { kind: 'subscribe', scope: 'user', query: { terms: [term('LLM')], exclude: [term('survey')] } },
  ],

  ['unsubscribe all', { kind: 'unsubscribe', scope: 'channel', terms: 'all' }],
  ['unsubscribe  ALL ', { kind: 'unsubscribe', scope: 'channel', terms: 'all' }],
  ['me unsubscribe all', { kind: 'unsubscribe', scope: 'user', terms: 'all' }],
  // Named as list shows them: quotes and "-" are optional; repeats count once.
  [
    'unsubscribe LLM, "news", -survey, llm',
    { kind: 'unsubscribe', scope: 'channel', terms: ['LLM', 'news', 'survey'] },
  ],
  ['unsubscribe -survey', { kind: 'unsubscribe', scope: 'channel', terms: ['survey'] }],
  ['unsubscribe "all"', { kind: 'unsubscribe', scope: 'channel', terms: ['all'] }],
  [
    'unsubscribe mixture of  experts\nagents',
    { kind: 'unsubscribe', scope: 'channel', terms: ['mixture of experts', 'agents'] },
  ],

  ['list', { kind: 'list', scope: 'channel' }],

  ['categories', { kind: 'categories', scope: 'channel', categories: null }],
  ['categories cs.ai cs.lg', { kind: 'categories', scope: 'channel', categories: ['cs.AI', 'cs.LG'] }],
  ['categories cs.AI,cs.LG', { kind: 'categories', scope: 'channel', categories: ['cs.AI', 'cs.LG'] }],
  [
    'categories cs.AI, cs.LG,  stat.ml',
    { kind: 'categories', scope: 'channel', categories: ['cs.AI', 'cs.LG', 'stat.ML'] },
  ],
  ['categories ["cs.AI", "cs.CL"]', { kind: 'categories', scope: 'channel', categories: ['cs.AI', 'cs.CL'] }],
  ['categories cs.AI cs.ai CS.AI', { kind: 'categories', scope: 'channel', categories: ['cs.AI'] }],
  [
    'categories cs, hep-th, COND-MAT.STR-EL',
    { kind: 'categories', scope: 'channel', categories: ['cs', 'hep-th', 'cond-mat.str-el'] },
  ],
  ['categories ｃｓ．ＡＩ', { kind: 'categories', scope: 'channel', categories: ['cs.AI'] }],
  ['me categories math.GT', { kind: 'categories', scope: 'user', categories: ['math.GT'] }],

  ['schedule', schedule(null, null)],
  ['schedule 9:00', schedule('09:00', null)],
  ['schedule 09:30', schedule('09:30', null)],
  ['schedule 0:05', schedule('00:05', null)],
  ['schedule 23:59', schedule('23:59', null)],
  ['schedule 9am', schedule('09:00', null)],
  ['schedule 9 AM', schedule('09:00', null)],
  ['schedule 12am', schedule('00:00', null)],
  ['schedule 12pm', schedule('12:00', null)],
  ['schedule 12:30am', schedule('00:30', null)],
  ['schedule 7:30pm', schedule('19:30', null)],
  ['schedule 7:30 p.m.', schedule('19:30', null)],
  ['schedule ０９：３０', schedule('09:30', null)],
  ['schedule 08:00 Europe/Berlin', schedule('08:00', 'Europe/Berlin')],
  ['schedule Europe/Berlin 08:00', schedule('08:00', 'Europe/Berlin')],
  ['schedule europe/berlin', schedule(null, 'Europe/Berlin')],
  ['schedule AMERICA/NEW_YORK', schedule(null, 'America/New_York')],
  ['schedule utc', schedule(null, 'UTC')],
  ['schedule 6pm GMT', schedule('18:00', 'UTC')],
  ['schedule 9am berlin', schedule('09:00', 'Europe/Berlin')],
  ['schedule 7:15 new york', schedule('07:15', 'America/New_York')],
  ['me schedule 7:00 Asia/Tokyo', schedule('07:00', 'Asia/Tokyo', 'user')],

  ['digest', { kind: 'digest' }],
  ['DIGEST ', { kind: 'digest' }],

  ['summary 2401.01234', summary('2401.01234')],
  ['summary 2401.01234v2', summary('2401.01234', 2)],
  ['summary 0704.0001', summary('0704.0001')],
  ['summary hep-th/9504118', summary('hep-th/9504118')],
  ['summary math.GT/0309136v2', summary('math.GT/0309136', 2)],
  ['summary HEP-TH/9504118V1', summary('hep-th/9504118', 1)],
  ['summary arXiv:2401.01234', summary('2401.01234')],
  ['summary ARXIV:2401.01234V3', summary('2401.01234', 3)],
  ['summary arXiv: 2401.01234', summary('2401.01234')],
  ['summary ２４０１．０１２３４', summary('2401.01234')],
  ['summary https://arxiv.org/abs/2401.01234', summary('2401.01234')],
  ['summary https://arxiv.org/abs/2401.01234v2#section', summary('2401.01234', 2)],
  ['summary https://arxiv.org/pdf/2401.01234v2.pdf', summary('2401.01234', 2)],
  ['summary https://arxiv.org/pdf/2401.01234', summary('2401.01234')],
  ['summary https://arxiv.org/html/2401.01234v1', summary('2401.01234', 1)],
  ['summary http://www.arxiv.org/abs/hep-th/9504118v1', summary('hep-th/9504118', 1)],
  ['summary https://export.arxiv.org/abs/2401.01234', summary('2401.01234')],
  ['summary arxiv.org/abs/2401.01234', summary('2401.01234')],
  ['summary HTTPS://ARXIV.ORG/abs/2401.01234', summary('2401.01234')],
  // Slack link markup and Discord's <url> that suppresses the embed.
  ['summary <https://arxiv.org/abs/2401.01234|arxiv.org/abs/2401.01234>', summary('2401.01234')],
  ['summary <https://arxiv.org/abs/2401.01234v3>', summary('2401.01234', 3)],

  ['feed', { kind: 'feed', action: 'show' }],
  ['feed revoke', { kind: 'feed', action: 'revoke' }],
  ['FEED Revoke', { kind: 'feed', action: 'revoke' }],

  ['top', { kind: 'top', scope: 'channel', period: 'week' }],
  ['top week', { kind: 'top', scope: 'channel', period: 'week' }],
  ['TOP Month', { kind: 'top', scope: 'channel', period: 'month' }],
  ['me top', { kind: 'top', scope: 'user', period: 'week' }],
  ['me top month', { kind: 'top', scope: 'user', period: 'month' }],

  ['public', { kind: 'public', enabled: null }],
  ['public on', { kind: 'public', enabled: true }],
  ['public OFF', { kind: 'public', enabled: false }],

  ['help', help],
  ['HELP', help],
  ['help subscribe', { kind: 'help', topic: 'subscribe' }],
  ['help Schedule', { kind: 'help', topic: 'schedule' }],
  ['help me', { kind: 'help', topic: 'me' }],
  ['help me categories', { kind: 'help', topic: 'categories' }],
  ['help search', { kind: 'help', topic: 'search' }],
];

describe('parseCommand on good input', () => {
  it.each(GOOD)('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('accepts text of exactly the length limit', () => {
    const words = 'graph '.repeat(MAX_COMMAND_LENGTH / 6).padEnd(MAX_COMMAND_LENGTH, 'x');
    expect(words).toHaveLength(MAX_COMMAND_LENGTH);
    expect(parseCommand(words).kind).toBe('search');
  });

  it("keeps arXiv query syntax as the user's text, which the arXiv client then quotes word by word", () => {
    const command = parseCommand('ti:transformer AND au:"Vaswani" OR (cat:cs.LG)');
    expect(command).toEqual(search('ti:transformer AND au:"Vaswani" OR (cat:cs.LG)'));
    if (command.kind !== 'search') throw new Error('not a search');
    expect(buildSearchQuery(command.query)).toBe(
      'all:"ti" AND all:"transformer" AND all:"and" AND all:"au" AND all:"Vaswani" AND all:"or" AND all:"cat" AND all:"cs.LG"',
    );
  });
});

const BAD: [string, UserErrorCode, string][] = [
  // Wrong forms.
  ['search', 'USAGE', 'Type some words to search for'],
  ['search   ', 'USAGE', 'Usage: /arxiv <words>  or  /arxiv search <words>'],
  ['subscribe', 'USAGE', 'Name the terms to follow'],
  ['me subscribe', 'USAGE', 'Usage: /arxiv me subscribe <terms>'],
  ['unsubscribe', 'USAGE', 'or all'],
  ['list of LLM papers', 'USAGE', 'To search arXiv for these words, type /arxiv search list of LLM papers'],
  ['me list everything', 'USAGE', 'Usage: /arxiv me list'],
  ['digest now', 'USAGE', 'digest takes nothing after it'],
  ['summary', 'USAGE', 'Name the paper to summarize'],
  ['summary 2401.01234 2401.01235', 'USAGE', 'Give one arXiv id or link'],
  ['summary of transformers', 'USAGE', 'Usage: /arxiv summary <arXiv id or link>'],
  ['feed create', 'USAGE', 'feed takes revoke or nothing, not "create"'],
  ['public maybe', 'USAGE', 'Usage: /arxiv public [on | off]'],
  ['top year', 'USAGE', 'top takes week, month or nothing, not "year"'],
  ['me top of the pops', 'USAGE', 'Usage: /arxiv me top [week | month]'],
  ['help nonsense', 'USAGE', 'There is no command "nonsense". Commands: search, subscribe'],
  ['help list me', 'USAGE', 'There is no command'],
  ['help me digest', 'USAGE', 'There is no command'],
  ['me', 'USAGE', '/arxiv me schedule [HH:MM] [Area/City]'],
  [
    'me digest',
    'USAGE',
    'me goes with subscribe, unsubscribe, follow, unfollow, list, categories, schedule, top or weekly',
  ],
  ['me search graphs', 'USAGE', '"me search" is not a command'],
  ['me too papers', 'USAGE', 'To search arXiv for these words, type /arxiv search me too papers'],
  ['schedule 9:00 10:00', 'USAGE', 'Give one time, not 2'],

  // Bad terms.
  ['subscribe LLM,,agents', 'QUERY_INVALID', 'Term 2 is empty'],
  ['subscribe "mixture of experts', 'QUERY_INVALID', 'unbalanced quote'],
  ['subscribe LLM -survey', 'QUERY_INVALID', 'put a comma before a term to exclude'],
  ['subscribe -survey', 'QUERY_INVALID', 'only excludes'],
  ['subscribe LLM, -llm', 'QUERY_INVALID', 'both wanted and excluded'],
  ['subscribe LLM, "a", "a, b"', 'QUERY_INVALID', 'holds a comma'],
  ['subscribe LLM, ---', 'QUERY_INVALID', 'no letter or digit'],
  [
    `subscribe ${Array.from({ length: 51 }, (_, i) => `t${i}`).join(', ')}`,
    'QUERY_INVALID',
    'the limit is 50',
  ],
  [`subscribe LLM, ${'x'.repeat(150)}`, 'QUERY_INVALID', 'Term 2 is 150 characters long; the limit is 100'],
  ['subscribe \u0007\u200b\n', 'USAGE', 'Name the terms to follow'],
  ['me subscribe ---', 'QUERY_INVALID', 'Usage: /arxiv me subscribe <terms>'],
  ['unsubscribe LLM,,agents', 'QUERY_INVALID', 'Term 2 is empty'],
  // Mentions in terms are refused.
  ['subscribe <@U123>', 'QUERY_INVALID', 'Terms cannot hold mentions or channel links (found <@U123>)'],
  ['subscribe LLM, <!channel>', 'QUERY_INVALID', 'found <!channel>'],
  ['subscribe LLM, @everyone', 'QUERY_INVALID', 'found @everyone'],
  ['subscribe @here, LLM', 'QUERY_INVALID', 'found @here'],
  ['subscribe agents <#C123|general>', 'QUERY_INVALID', 'found <#C123|general>'],
  ['me subscribe <@!123> papers', 'QUERY_INVALID', 'write the words themselves'],
  ['subscribe <@&42> LLM', 'QUERY_INVALID', 'found <@&42>'],
  ['unsubscribe <@U1>', 'QUERY_INVALID', 'mentions'],
  // A search with nothing left to search for.
  ['search <@U1> <#C2>', 'QUERY_INVALID', 'Type some words to search for'],
  ['... ???', 'QUERY_INVALID', 'Type some words to search for'],
  ['search \u0000\u0007\u200b', 'USAGE', 'Type some words to search for'],

  // Bad categories, times, zones and ids.
  ['categories cs.XY', 'INPUT_INVALID', '"cs.XY" is not an arXiv category (closest: '],
  ['categories mathh.GT', 'INPUT_INVALID', 'closest: math.GT'],
  ['categories cs.AI foo bar baz qux', 'INPUT_INVALID', 'and 1 more'],
  ['categories , ;', 'INPUT_INVALID', 'Name at least one arXiv category'],
  ['me categories cs.XY', 'INPUT_INVALID', 'Usage: /arxiv me categories'],
  ['schedule 25:00', 'INPUT_INVALID', 'has no hour 25'],
  ['schedule 24:00', 'INPUT_INVALID', 'has no hour 24'],
  ['schedule 9:60', 'INPUT_INVALID', 'has no minute 60'],
  ['schedule 9', 'INPUT_INVALID', 'could be morning or evening'],
  ['schedule 13pm', 'INPUT_INVALID', 'mixes a 24-hour time with pm'],
  ['schedule 0am', 'INPUT_INVALID', 'mixes a 24-hour time with am'],
  ['schedule 9.30', 'INPUT_INVALID', 'is not a time'],
  ['schedule 9:3', 'INPUT_INVALID', 'is not a time'],
  ['schedule 9:00:00', 'INPUT_INVALID', 'is not a time'],
  ['schedule Mars/Olympus_Mons', 'INPUT_INVALID', 'is not a time zone'],
  ['schedule Europe/Berln', 'INPUT_INVALID', 'Did you mean Europe/Berlin?'],
  ['schedule 8:00 Berln', 'INPUT_INVALID', 'Did you mean Europe/Berlin?'],
  ['schedule EST', 'INPUT_INVALID', 'is an abbreviation or an old name'],
  ['schedule +02:00', 'INPUT_INVALID', 'is a fixed offset'],
  ['schedule 9:00 UTC+2', 'INPUT_INVALID', 'is a fixed offset'],
  ['schedule 9:00 gmt-5', 'INPUT_INVALID', 'is a fixed offset'],
  ['me schedule 9', 'INPUT_INVALID', 'Usage: /arxiv me schedule [HH:MM] [Area/City]'],
  ['summary foo', 'INPUT_INVALID', '"foo" is not an arXiv id'],
  ['summary 24010.1234', 'INPUT_INVALID', 'is not an arXiv id'],
  ['summary arXiv:', 'INPUT_INVALID', 'is not an arXiv id'],
  [
    'summary https://evil.example/abs/2401.01234',
    'INPUT_INVALID',
    'That link goes to evil.example, not arxiv.org',
  ],
  ['summary https://arxiv.org.evil.example/abs/2401.01234', 'INPUT_INVALID', 'not arxiv.org'],
  ['summary https://arxiv.org@evil.example/abs/2401.01234', 'INPUT_INVALID', 'not arxiv.org'],
  ['summary https://evil.example/arxiv.org/abs/2401.01234', 'INPUT_INVALID', 'not arxiv.org'],
  ['summary https://arxiv.org/list/cs.AI/recent', 'INPUT_INVALID', 'does not point to a paper'],
  ['summary https://[bad', 'INPUT_INVALID', 'is not a valid link'],

  // Too long.
  [
    'x'.repeat(MAX_COMMAND_LENGTH + 1),
    'LIMIT_EXCEEDED',
    'That command is 2,001 characters long; the limit is 2,000',
  ],
  [`subscribe ${'LLM, '.repeat(1000)}`, 'LIMIT_EXCEEDED', 'the limit is 2,000'],
];

describe('parseCommand on bad input', () => {
  it.each(BAD)('%j is refused with %s', (text, code, fragment) => {
    const error = parseError(text);
    expect(error.code).toBe(code);
    expect(error.userMessage).toContain(fragment);
    // Short, with the right form, and never a stack trace.
    expect(error.userMessage.length).toBeLessThan(600);
    if (code !== 'LIMIT_EXCEEDED') expect(error.userMessage).toMatch(/\nUsage:/);
    expect(error.userMessage).not.toMatch(/\n\s+at /);
  });

  const LONG_JUNK = 'q'.repeat(1500);
  // Each case is refused: the junk is an argument, or an unbalanced quote follows it.
  it.each([
    ['summary ', ''],
    ['categories ', ''],
    ['schedule ', ''],
    ['schedule 9:00 ', ''],
    ['schedule 1', ''],
    ['help ', ''],
    ['list ', ''],
    ['digest ', ''],
    ['feed ', ''],
    ['public ', ''],
    ['me ', ''],
    ['me list ', ''],
    ['summary https://evil.', ''],
    ['summary arxiv.org/abs/', ''],
    ['subscribe ', '"'],
    ['subscribe "', ''],
    // A long term that would be quoted whole for its misplaced quote.
    ['subscribe LLM, ', ' "x" y'],
    ['unsubscribe ', ' "x" y'],
    ['me subscribe -', ' "x"'],
    ['follow ', ''],
    ['follow Yann ', ''],
  ])('does not echo a long argument back in %j…%j', (prefix, suffix) => {
    const error = parseError(`${prefix}${LONG_JUNK}${suffix}`);
    // The longest is "me <junk>": the usage lines of the eight me forms (about 520 characters).
    expect(error.userMessage.length).toBeLessThan(600);
    expect(error.userMessage).not.toContain('q'.repeat(41));
  });

  it('never answers with anything but a Command or a short UserError, whatever the input', () => {
    const pieces = [
      'subscribe',
      'unsubscribe',
      'me',
      'schedule',
      'categories',
      'summary',
      'top',
      'help',
      'feed',
      'public',
      'list',
      'search',
      'all',
      '9am',
      '7:30',
      'pm',
      '25:61',
      'Europe/Berlin',
      'berlin',
      '+02:00',
      'cs.AI',
      'cs.X',
      ',',
      ', ',
      '"',
      '-',
      '--',
      '<@U1>',
      '<!channel>',
      '<#C1|x>',
      '@everyone',
      '<https://arxiv.org/abs/2401.01234|a>',
      'arxiv.org/abs/',
      'https://',
      '2401.01234v',
      'hep-th/',
      '\u0000',
      '\u001b[2J',
      '\u202e',
      '\u200b',
      '\u200d',
      '\ud800',
      '\udfff',
      '💥',
      'é',
      'ｌｉｓｔ',
      '０９：３０',
      '\n',
      '\r',
      '\t',
      ' ',
      '   ',
      '<',
      '>',
      '|',
    ];
    // A seeded xorshift32 sequence, so a failure can be replayed.
    let state = 20240101;
    const next = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return Math.floor(((state >>> 0) / 2 ** 32) * n);
    };
    const kinds = new Set<string>();
    for (let round = 0; round < 3000; round++) {
      // Half of the texts start with a command name, so that every command's arguments get junk.
      const start = next(2) ? `${pieces[next(11)]} ` : '';
      const text = `${start}${Array.from({ length: next(8) }, () => pieces[next(pieces.length)]).join(next(2) ? ' ' : '')}`;
      try {
        kinds.add(parseCommand(text).kind);
      } catch (error) {
        if (!(error instanceof UserError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
        expect(error.userMessage.length, JSON.stringify(text)).toBeLessThan(600);
      }
    }
    // The generator reaches most commands, so the property is tested on all of them.
    expect(kinds.size).toBeGreaterThanOrEqual(8);
  });
});

describe('helpText', () => {
  const KINDS: CommandKind[] = [
    'search',
    'subscribe',
    'unsubscribe',
    'follow',
    'unfollow',
    'list',
    'categories',
    'schedule',
    'digest',
    'summary',
    'top',
    'feed',
    'public',
    'help',
  ];

  it('lists one usage line with a description per command, and the me forms', () => {
    const text = helpText();
    for (const kind of KINDS) {
      for (const usage of usageOf(kind)) expect(text).toContain(`${usage} - `);
    }
    expect(text).toContain(
      '/arxiv me subscribe|unsubscribe|follow|unfollow|list|categories|schedule|top|weekly ... - ',
    );
    expect(text).toContain('/arxiv help <command>');
  });

  it('quotes in error messages the same usage lines that help shows', () => {
    const wrong: Record<CommandKind, string> = {
      search: 'search',
      subscribe: 'subscribe',
      unsubscribe: 'unsubscribe',
      follow: 'follow',
      unfollow: 'unfollow',
      list: 'list x',
      categories: 'categories cs.XY',
      schedule: 'schedule 99:99',
      digest: 'digest x',
      summary: 'summary',
      cite: 'cite 2401.01234 word',
      top: 'top x',
      feed: 'feed x',
      public: 'public x',
      weekly: 'weekly x',
      help: 'help x',
    };
    for (const kind of KINDS) {
      const usage = /\nUsage: (.*)$/.exec(parseError(wrong[kind]).userMessage)?.[1] ?? '';
      for (const line of usage.split('  or  ')) expect(helpText(kind)).toContain(`${line} - `);
    }
  });

  it('explains cite with its formats and the cite emoji', () => {
    const text = helpText('cite');
    expect(text).toContain(
      "/arxiv cite <arXiv id or link> [bibtex | ris] - One paper's citation, as BibTeX or RIS.",
    );
    expect(text).toContain('Shown to you alone.');
  });

  it('reads cite: an id or link, arXiv: with a space, and an optional format in any case', () => {
    expect(parseCommand('cite 2401.01234')).toEqual({
      kind: 'cite',
      id: '2401.01234',
      version: null,
      format: 'bibtex',
    });
    expect(parseCommand('cite arXiv: hep-th/9504118v2 RIS')).toEqual({
      kind: 'cite',
      id: 'hep-th/9504118',
      version: 2,
      format: 'ris',
    });
    expect(parseCommand('cite https://arxiv.org/pdf/2401.01234v3 bibtex')).toEqual({
      kind: 'cite',
      id: '2401.01234',
      version: 3,
      format: 'bibtex',
    });
    expect(() => parseCommand('cite')).toThrow('Name the paper to cite.');
    expect(() => parseCommand('cite 2401.01234 endnote')).toThrow('cite gives bibtex or ris, not "endnote".');
  });

  it('explains one command with its me form and details, in any case', () => {
    const text = helpText('SUBSCRIBE');
    expect(text).toContain("/arxiv subscribe <terms> - Follow these terms in this channel's daily digest.");
    expect(text).toContain('/arxiv me subscribe <terms> - Follow these terms in your own digest');
    expect(text).toContain('Example: /arxiv subscribe LLM, "mixture of experts", -survey');
    expect(text).not.toContain('/arxiv list');
    expect(helpText('digest')).not.toContain('/arxiv me');
  });

  it('explains the me forms', () => {
    const text = helpText('me');
    for (const form of ['subscribe <terms>', 'unsubscribe <terms | all>', 'list', 'categories', 'schedule']) {
      expect(text).toContain(`/arxiv me ${form}`);
    }
    expect(text).not.toContain('/arxiv me digest');
  });

  it('has help for every topic it names, and gives the whole list for an unknown one', () => {
    for (const topic of HELP_TOPICS) expect(helpText(topic)).not.toBe(helpText());
    expect(helpText('nonsense')).toBe(helpText());
    expect(HELP_TOPICS).toEqual(expect.arrayContaining([...KINDS, 'me']));
  });

  it('is plain text without platform markup', () => {
    const all = [helpText(), ...HELP_TOPICS.map((topic) => helpText(topic))].join('\n');
    expect(all).not.toMatch(/[*`~]|<[@#!]|\]\(|&[a-z]+;/);
  });
});
