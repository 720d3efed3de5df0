import type { APIApplicationCommandOption, APIChatInputApplicationCommandInteractionData } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  arxivCommand,
  focusedOption,
  type InteractionData,
  readInteraction,
  SHARE_OPTION,
} from '../../../adapters/discord/commands.ts';
import { BOT_PERMISSIONS, inviteUrl } from '../../../adapters/discord/invite.ts';
import type { Scope } from '../../../src/bot/commands/command.ts';
import { commandFromOptions } from '../../../src/bot/commands/options.ts';
import { COMMAND_TABLE, commandSpec, ME_GROUP, SCOPED_KINDS } from '../../../src/bot/commands/table.ts';
import { UserError } from '../../../src/errors.ts';
import { validateCommands } from '../../fakes/discord/commands.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

const STRING = 3;
const BOOLEAN = 5;

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

type Leaf = { name: string; type: number; value?: unknown; focused?: boolean };

/** An interaction's data as Discord sends it for `/arxiv [me] <sub> ...leaves`. */
function data(sub: string, leaves: Leaf[], group?: string): InteractionData {
  const subcommand = { type: 1, name: sub, ...(leaves.length > 0 ? { options: leaves } : {}) };
  const options = group ? [{ type: 2, name: group, options: [subcommand] }] : [subcommand];
  return { name: 'arxiv', options } as unknown as InteractionData;
}

const text = (name: string, value: string): Leaf => ({ name, type: STRING, value });
const flag = (name: string, value: boolean): Leaf => ({ name, type: BOOLEAN, value });

describe('the /arxiv definition', () => {
  const command = arxivCommand();
  const top = command.options ?? [];
  const group = top.find((option) => option.name === ME_GROUP.name);
  const subcommands = (scope: Scope) =>
    ((scope === 'user' ? (group as { options?: APIApplicationCommandOption[] })?.options : top) ?? []).filter(
      (option) => option.type === 1,
    ) as Array<{ name: string; description: string; options?: APIApplicationCommandOption[] }>;

  it('is a chat input command named arxiv, for servers and the bot DM, installed in servers', () => {
    expect(command.type).toBe(1);
    expect(command.name).toBe('arxiv');
    expect(command.contexts).toEqual([0, 1]);
    expect(command.integration_types).toEqual([0]);
    expect(command.default_member_permissions).toBeUndefined();
  });

  it('has a subcommand for every command of the table, in its order, then the me group', () => {
    expect(top.map((option) => [option.type, option.name])).toEqual([
      ...COMMAND_TABLE.map((spec) => [1, spec.name]),
      [2, 'me'],
    ]);
    expect(group?.description).toBe(ME_GROUP.description);
    expect(subcommands('user').map((sub) => sub.name)).toEqual([...SCOPED_KINDS]);
  });

  it('gives every argument of the table its option, typed, required and autocompleted as the table says', () => {
    for (const scope of ['channel', 'user'] as const) {
      for (const sub of subcommands(scope)) {
        const spec = commandSpec(sub.name as never);
        const entry = spec.help.entries[0];
        expect(sub.description).toBe(scope === 'user' ? (entry?.mine ?? entry?.summary) : entry?.summary);
        const options = (sub.options ?? []) as Array<{
          type: number;
          name: string;
          description: string;
          required?: boolean;
          autocomplete?: boolean;
        }>;
        const own = options.filter((option) => option.name !== SHARE_OPTION);
        expect(own.map((o) => o.name).sort()).toEqual(spec.arguments.map((a) => a.name).sort());
        for (const argument of spec.arguments) {
          const option = own.find((o) => o.name === argument.name);
          expect(option, `${sub.name} ${argument.name}`).toEqual({
            type: argument.kind === 'boolean' ? BOOLEAN : STRING,
            name: argument.name,
            description: argument.description,
            ...(argument.required ? { required: true } : {}),
            ...(argument.autocomplete ? { autocomplete: true } : {}),
          });
        }
      }
    }
  });

  it('gives a share option to the commands whose answer the user may share, and only to them', () => {
    const shared = (scope: Scope) =>
      subcommands(scope)
        .filter((sub) => sub.options?.some((o) => o.name === SHARE_OPTION))
        .map((sub) => sub.name);
    expect(shared('channel')).toEqual(['search', 'list', 'top', 'help']);
    expect(shared('user')).toEqual(['list', 'top']);
    for (const sub of [...subcommands('channel'), ...subcommands('user')]) {
      const share = sub.options?.find((o) => o.name === SHARE_OPTION);
      if (share) {
        expect(share).toMatchObject({ type: BOOLEAN });
        expect((share as { required?: boolean }).required).toBeUndefined();
        expect(sub.options?.at(-1)).toBe(share);
      }
    }
    // The typed --share cannot collide with an argument.
    for (const spec of COMMAND_TABLE) {
      expect(spec.arguments.map((a) => a.name)).not.toContain(SHARE_OPTION);
    }
  });

  it("keeps within Discord's limits: counts, names, descriptions, order and size", () => {
    const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
    let characters = 0;
    const walk = (options: readonly APIApplicationCommandOption[] | undefined, path: string): void => {
      expect((options ?? []).length, path).toBeLessThanOrEqual(25);
      let optionalSeen = false;
      for (const option of options ?? []) {
        const at = `${path} ${option.name}`;
        expect(option.name, at).toMatch(NAME);
        expect(option.name, at).toBe(option.name.toLowerCase());
        expect(option.description.length, at).toBeGreaterThanOrEqual(1);
        expect(option.description.length, at).toBeLessThanOrEqual(100);
        characters += option.name.length + option.description.length;
        if (option.type === 1 || option.type === 2) {
          walk((option as { options?: APIApplicationCommandOption[] }).options, at);
          continue;
        }
        // Discord: required options come before optional ones.
        if ((option as { required?: boolean }).required) expect(optionalSeen, at).toBe(false);
        else optionalSeen = true;
      }
      const names = (options ?? []).map((o) => o.name);
      expect(new Set(names).size, path).toBe(names.length);
    };
    expect(command.name).toMatch(NAME);
    expect(command.description.length).toBeGreaterThanOrEqual(1);
    expect(command.description.length).toBeLessThanOrEqual(100);
    characters += command.name.length + command.description.length;
    walk(top, '/arxiv');
    // Discord documents 8,000; the fake (and older documentation) holds commands to 4,000.
    expect(characters).toBeLessThanOrEqual(4000);
  });

  it("passes the fake Discord's validation of a bulk overwrite", () => {
    expect(() => validateCommands([arxivCommand()])).not.toThrow();
  });
});

describe('reading an interaction', () => {
  it('reads a subcommand and its options, and share apart', () => {
    expect(
      readInteraction(data('search', [text('query', 'graph neural networks'), flag('share', true)])),
    ).toEqual({ name: 'search', scope: 'channel', options: { query: 'graph neural networks' }, share: true });
    expect(readInteraction(data('list', []))).toEqual({
      name: 'list',
      scope: 'channel',
      options: {},
      share: false,
    });
    expect(readInteraction(data('help', [flag('share', false)])).share).toBe(false);
  });

  it('reads the me group as the user scope', () => {
    expect(
      readInteraction(data('schedule', [text('time', '08:30'), text('timezone', 'Europe/Berlin')], 'me')),
    ).toEqual({
      name: 'schedule',
      scope: 'user',
      options: { time: '08:30', timezone: 'Europe/Berlin' },
      share: false,
    });
  });

  it('gives commandFromOptions what makes the same command as the text form', () => {
    const cases: Array<[InteractionData, unknown]> = [
      [data('search', [text('query', 'diffusion')]), { kind: 'search', query: 'diffusion' }],
      [
        data('categories', [text('categories', 'cs.ai, cs.LG')]),
        { kind: 'categories', scope: 'channel', categories: ['cs.AI', 'cs.LG'] },
      ],
      [
        data('categories', [text('categories', 'math')], 'me'),
        { kind: 'categories', scope: 'user', categories: ['math'] },
      ],
      [
        data('schedule', [text('time', '9am')]),
        { kind: 'schedule', scope: 'channel', time: '09:00', timeZone: null },
      ],
      [
        data('unsubscribe', [text('terms', 'all')], 'me'),
        { kind: 'unsubscribe', scope: 'user', terms: 'all' },
      ],
      [data('feed', [flag('revoke', true)]), { kind: 'feed', action: 'revoke' }],
      [data('public', [flag('enabled', false)]), { kind: 'public', enabled: false }],
      [data('summary', [text('paper', '2401.01234v2')]), { kind: 'summary', id: '2401.01234', version: 2 }],
      [data('help', [text('command', 'me')]), { kind: 'help', topic: 'me' }],
      [data('digest', []), { kind: 'digest' }],
      [data('list', [], 'me'), { kind: 'list', scope: 'user' }],
    ];
    for (const [input, expected] of cases) {
      const typed = readInteraction(input);
      expect(commandFromOptions(typed.name, typed.scope, typed.options)).toEqual(expected);
    }
  });

  it('passes on what the definition does not have, so that commandFromOptions refuses it with USAGE', () => {
    const refused = (input: InteractionData) => {
      const typed = readInteraction(input);
      return refusal(() => commandFromOptions(typed.name, typed.scope, typed.options));
    };
    // A subcommand the bot no longer has, in either scope.
    expect(refused(data('bookmark', [text('paper', '2401.01234')]))).toMatchObject({ code: 'USAGE' });
    expect(refused(data('search', [text('query', 'x')], 'me')).userMessage).toMatch(
      /"me search" is not a command/,
    );
    expect(refused(data('list', [], 'team')).userMessage).toMatch(/There is no command "team list"/);
    // An option the subcommand does not have.
    expect(refused(data('list', [text('verbose', 'yes')])).userMessage).toMatch(
      /list has no option "verbose"/,
    );
    // Options of a type the definition never registers, on an argument of ours.
    expect(refused(data('search', [{ name: 'query', type: 4, value: 7 }])).userMessage).toMatch(
      /search's query is text/,
    );
    expect(
      refused(data('summary', [{ name: 'paper', type: 6, value: '80351110224678912' }])).userMessage,
    ).toMatch(/summary's paper is text/);
    expect(refused(data('public', [{ name: 'enabled', type: 4, value: 1 }])).userMessage).toMatch(
      /public's enabled is true or false/,
    );
    // A registration where a flag was text, and text a flag.
    expect(refused(data('public', [text('enabled', 'yes')])).userMessage).toMatch(/is true or false/);
    expect(refused(data('subscribe', [flag('terms', true)])).userMessage).toMatch(
      /subscribe's terms is text/,
    );
    // /arxiv without a subcommand, and another command of the application.
    expect(refused({ name: 'arxiv' } as InteractionData)).toMatchObject({ code: 'USAGE' });
    expect(refused({ name: 'ping', options: [] } as unknown as InteractionData).userMessage).toMatch(
      /There is no command "ping"/,
    );
  });

  it('never throws on malformed data', () => {
    const odd: unknown[] = [
      {},
      { name: 'arxiv', options: null },
      { name: 'arxiv', options: [null, 3, 'x'] },
      { name: 'arxiv', options: [{ type: 2, name: 'me' }] },
      { name: 'arxiv', options: [{ type: 1 }] },
      { name: 'arxiv', options: [{ type: 1, name: 'search', options: [{ type: 3 }, { name: 'query' }] }] },
      { name: 42, options: [{ type: 1, name: 'list', options: { query: 'x' } }] },
    ];
    for (const input of odd) {
      const typed = readInteraction(input as InteractionData);
      expect(typeof typed.name).toBe('string');
      expect(() => commandFromOptions(typed.name, typed.scope, typed.options)).toThrow(UserError);
      expect(focusedOption(input as InteractionData)).toBeNull();
    }
  });
});

describe('the focused option of an autocomplete', () => {
  it('names the suggestions and what was typed', () => {
    expect(
      focusedOption(data('categories', [{ ...text('categories', 'cs.AI, cs.L'), focused: true }])),
    ).toEqual({
      kind: 'categories',
      typed: 'cs.AI, cs.L',
    });
    expect(
      focusedOption(
        data('schedule', [text('time', '9am'), { ...text('timezone', 'berl'), focused: true }], 'me'),
      ),
    ).toEqual({ kind: 'time-zones', typed: 'berl' });
    expect(focusedOption(data('help', [{ ...text('command', ''), focused: true }]))).toEqual({
      kind: 'help-topics',
      typed: '',
    });
  });

  it('is null without a focused option, or for one without autocomplete', () => {
    expect(focusedOption(data('categories', [text('categories', 'cs.AI')]))).toBeNull();
    expect(focusedOption(data('subscribe', [{ ...text('terms', 'LL'), focused: true }]))).toBeNull();
    expect(focusedOption(data('nothing', [{ ...text('categories', 'cs'), focused: true }]))).toBeNull();
    expect(focusedOption(data('search', [{ ...text('query', 'x'), focused: true }], 'me'))).toBeNull();
  });
});

describeWithSharedFixtures('a recorded Discord interaction (kord rootcommand.json)', () => {
  const interaction = JSON.parse(readSharedFixture('discord/kord/rootcommand.json').toString('utf8')) as {
    type: number;
    data: APIChatInputApplicationCommandInteractionData;
  };

  it('is an application command whose only option is an INTEGER', () => {
    expect(interaction.type).toBe(2);
    expect(interaction.data.options).toEqual([{ type: 4, value: 1, name: 'testint' }]);
  });

  it('is read as what it is, and refused with USAGE rather than failing', () => {
    const typed = readInteraction(interaction.data);
    expect(typed).toEqual({
      name: interaction.data.name,
      scope: 'channel',
      options: { testint: '1' },
      share: false,
    });
    const error = refusal(() => commandFromOptions(typed.name, typed.scope, typed.options));
    expect(error.code).toBe('USAGE');
    expect(error.userMessage).toContain(`There is no command "${interaction.data.name}"`);
    expect(focusedOption(interaction.data)).toBeNull();
  });

  it('as a subcommand of /arxiv, its INTEGER option is refused by name', () => {
    const typed = readInteraction({
      name: 'arxiv',
      options: [{ type: 1, name: 'list', options: interaction.data.options }],
    } as unknown as InteractionData);
    const error = refusal(() => commandFromOptions(typed.name, typed.scope, typed.options));
    expect(error.code).toBe('USAGE');
    expect(error.userMessage).toMatch(/list has no option "testint"/);
  });
});

describe('the invite link', () => {
  it('asks for exactly the seven permissions the README lists, and the bot and commands scopes', () => {
    // View Channel, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links,
    // Read Message History, Add Reactions.
    expect(BOT_PERMISSIONS).toBe(309237730368n);
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('309237730368');
  });
});
