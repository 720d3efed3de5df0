import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command, CommandKind } from '../../../src/bot/commands/command.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { helpText, usageOf } from '../../../src/bot/commands/help.ts';
import {
  answerVisibility,
  COMMAND_NAMES,
  COMMAND_TABLE,
  HELP_TOPICS,
  isScopedKind,
  ME_GROUP,
  mainEntry,
  needsChannelManager,
  SCOPED_KINDS,
  slackUsageHint,
} from '../../../src/bot/commands/table.ts';

const manifest = readFileSync(resolve(import.meta.dirname, '../../../adapters/slack/manifest.yml'), 'utf8');

describe('the command table', () => {
  it('has every command once, in the order help lists them', () => {
    expect(COMMAND_NAMES).toEqual([
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
      'cite',
      'top',
      'weekly',
      'feed',
      'public',
      'help',
    ]);
    expect(HELP_TOPICS).toEqual([...COMMAND_NAMES.filter((name) => name !== 'help'), 'me', 'help']);
  });

  it('names the options that typed commands (Discord) register', () => {
    const options = Object.fromEntries(
      COMMAND_TABLE.map((spec) => [
        spec.name,
        spec.arguments.map((arg) => `${arg.required ? '' : '?'}${arg.name}:${arg.kind}`),
      ]),
    );
    expect(options).toEqual({
      search: ['query:text'],
      subscribe: ['terms:text'],
      unsubscribe: ['terms:text'],
      follow: ['author:text'],
      unfollow: ['author:text'],
      list: [],
      categories: ['categories:category-list'],
      schedule: ['time:time', '?timezone:timezone'],
      digest: [],
      summary: ['paper:paper'],
      cite: ['paper:paper', '?format:text'],
      top: ['?period:text'],
      weekly: ['enabled:boolean', '?day:text', '?time:time'],
      feed: ['?revoke:boolean'],
      public: ['enabled:boolean'],
      help: ['?command:text'],
    });
    const completed = COMMAND_TABLE.flatMap((spec) =>
      spec.arguments.flatMap((arg) =>
        arg.autocomplete ? [`${spec.name}.${arg.name}:${arg.autocomplete}`] : [],
      ),
    );
    expect(completed).toEqual([
      'categories.categories:categories',
      'schedule.timezone:time-zones',
      'help.command:help-topics',
    ]);
    expect(ME_GROUP.commands).toEqual([
      'subscribe',
      'unsubscribe',
      'follow',
      'unfollow',
      'list',
      'categories',
      'schedule',
      'top',
      'weekly',
    ]);
  });

  it("fits Discord's limits: names of 1-32 lowercase characters, descriptions of 1-100", () => {
    const names = [
      ...COMMAND_NAMES,
      ME_GROUP.name,
      ...COMMAND_TABLE.flatMap((spec) => spec.arguments.map((arg) => arg.name)),
    ];
    for (const name of names) expect(name).toMatch(/^[a-z0-9_-]{1,32}$/);
    const descriptions = [
      ...COMMAND_TABLE.map((spec) => mainEntry(spec).summary),
      ...COMMAND_TABLE.flatMap((spec) => (spec.me ? [mainEntry(spec).mine ?? ''] : [])),
      ME_GROUP.description,
      ...COMMAND_TABLE.flatMap((spec) => spec.arguments.map((arg) => arg.description)),
    ];
    for (const description of descriptions) {
      expect(description.length, description).toBeGreaterThan(0);
      expect(description.length, description).toBeLessThanOrEqual(100);
    }
    // A required option comes before an optional one, as Discord requires.
    for (const spec of COMMAND_TABLE) {
      const required = spec.arguments.map((arg) => arg.required);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
    }
  });

  it('marks as having a me form exactly the commands the grammar takes after me', () => {
    for (const spec of COMMAND_TABLE) {
      expect(spec.me, spec.name).toBe(isScopedKind(spec.name));
      const argument = spec.name.includes('subscribe')
        ? ' LLM'
        : spec.name.includes('follow')
          ? ' Yann LeCun'
          : '';
      const typed = `me ${spec.name}${argument}`;
      if (spec.me) expect(parseCommand(typed)).toMatchObject({ kind: spec.name, scope: 'user' });
      else expect(() => parseCommand(typed)).toThrow(/is not a command: me goes with/);
    }
    expect(SCOPED_KINDS).toEqual(ME_GROUP.commands);
  });

  it('gives every command a main usage form that starts with its name, as help shows it', () => {
    for (const spec of COMMAND_TABLE) {
      const form = mainEntry(spec).form;
      expect(form.split(' ')[0]).toBe(spec.name);
      expect(usageOf(spec.name)).toContain(`/arxiv ${form}`);
      expect(helpText()).toContain(`/arxiv ${form} - ${mainEntry(spec).summary}`);
    }
  });

  it("builds Slack's usage hint, and manifest.yml carries it", () => {
    const hint = slackUsageHint();
    expect(hint).toBe(
      'search <words> | subscribe <terms> | follow <author name> | list | digest | summary <arXiv id or link> | cite <arXiv id or link> [bibtex | ris] | me subscribe <terms> | help [command]',
    );
    const inManifest = /^\s*usage_hint: "(.*)"\s*$/m.exec(manifest)?.[1];
    expect(inManifest).toBe(hint);
  });
});

describe('who may run a command and who sees its answer', () => {
  const cases: Array<
    [text: string, shared: 'private' | 'channel', plain: 'private' | 'channel', manager: boolean]
  > = [
    // text, answer with --share, answer without, only for channel managers
    ['search graph networks', 'channel', 'private', false],
    ['help', 'channel', 'private', false],
    ['help subscribe', 'channel', 'private', false],
    ['list', 'channel', 'private', false],
    ['me list', 'channel', 'private', false],
    ['subscribe LLM', 'channel', 'channel', true],
    ['me subscribe LLM', 'private', 'private', false],
    ['unsubscribe all', 'channel', 'channel', true],
    ['me unsubscribe LLM', 'private', 'private', false],
    ['follow Yann LeCun', 'channel', 'channel', true],
    ['me follow LeCun, Yann', 'private', 'private', false],
    ['unfollow all', 'channel', 'channel', true],
    ['me unfollow Yann LeCun', 'private', 'private', false],
    ['categories', 'channel', 'private', false],
    ['categories cs.AI', 'channel', 'channel', true],
    ['me categories', 'channel', 'private', false],
    ['me categories cs.AI', 'private', 'private', false],
    ['schedule', 'channel', 'private', false],
    ['schedule 9:00', 'channel', 'channel', true],
    ['me schedule', 'channel', 'private', false],
    ['me schedule Europe/Berlin', 'private', 'private', false],
    ['digest', 'private', 'private', false],
    ['summary 2401.01234', 'channel', 'channel', false],
    ['cite 2401.01234 ris', 'private', 'private', false],
    ['top', 'channel', 'private', false],
    ['me top month', 'channel', 'private', false],
    ['weekly', 'channel', 'private', false],
    ['weekly on monday 9:00', 'channel', 'channel', true],
    ['weekly off', 'channel', 'channel', true],
    ['me weekly on', 'private', 'private', false],
    ['feed', 'private', 'private', true],
    ['feed revoke', 'channel', 'channel', true],
    ['public', 'channel', 'private', false],
    ['public on', 'channel', 'channel', true],
    ['public off', 'channel', 'channel', true],
  ];

  it.each(cases)('%s: %s with --share, %s without; managers only: %s', (text, shared, plain, manager) => {
    const command = parseCommand(text);
    expect(answerVisibility(command, true)).toBe(shared);
    expect(answerVisibility(command, false)).toBe(plain);
    expect(needsChannelManager(command)).toBe(manager);
  });

  it('covers every command', () => {
    const kinds = new Set<CommandKind>(cases.map(([text]) => parseCommand(text).kind));
    expect([...kinds].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('never lets a me form need a channel manager, nor answer in the channel unshared', () => {
    const mine: Command[] = [
      { kind: 'subscribe', scope: 'user', query: { terms: [{ text: 'LLM', exact: false }], exclude: [] } },
      { kind: 'unsubscribe', scope: 'user', terms: 'all' },
      { kind: 'follow', scope: 'user', authors: ['Yann LeCun'] },
      { kind: 'unfollow', scope: 'user', authors: 'all' },
      { kind: 'list', scope: 'user' },
      { kind: 'categories', scope: 'user', categories: ['cs.AI'] },
      { kind: 'schedule', scope: 'user', time: '09:00', timeZone: null },
      { kind: 'top', scope: 'user', period: 'week' },
      { kind: 'weekly', scope: 'user', enabled: true, day: null, time: null },
    ];
    expect(mine.map((command) => command.kind)).toEqual(SCOPED_KINDS);
    for (const command of mine) {
      expect(needsChannelManager(command)).toBe(false);
      expect(answerVisibility(command, false)).toBe('private');
    }
  });
});

describe('help for typed subcommands (Discord)', () => {
  it('names the options as the platform shows them, never --share or a bare /arxiv <words>', () => {
    const all = [helpText(undefined, 'typed'), ...COMMAND_NAMES.map((name) => helpText(name, 'typed'))];
    for (const text of all) {
      expect(text).not.toContain('--share');
      expect(text).not.toContain('/arxiv <words>');
    }
    expect(helpText(undefined, 'typed')).toContain('/arxiv schedule time [timezone] - ');
    expect(helpText('search', 'typed')).toContain('set the share option to True');
    expect(helpText('subscribe', 'typed')).toContain('/arxiv me subscribe terms - ');
    // Text platforms keep their own wording.
    expect(helpText('search')).toContain('end the command with --share');
  });
});
