import { describe, expect, it } from 'vitest';
import { commandText } from '../../../adapters/discord/interactions.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { commandFromOptions } from '../../../src/bot/commands/options.ts';
import type { TypedCommand } from '../../../src/chat/types.ts';

const typed = (
  name: string,
  options: TypedCommand['options'],
  more: Partial<TypedCommand> = {},
): TypedCommand => ({
  name,
  scope: 'channel',
  options,
  share: false,
  ...more,
});

describe('a typed command as text', () => {
  it('reads as the text command a user would type, which parses to the same command', () => {
    const cases: Array<[TypedCommand, string]> = [
      [typed('search', { query: '"diffusion models" -survey' }), 'search "diffusion models" -survey'],
      [typed('search', { query: 'graph' }, { share: true }), 'search graph --share'],
      [
        typed('schedule', { time: '09:00', timezone: 'Europe/Berlin' }, { scope: 'user' }),
        'me schedule 09:00 Europe/Berlin',
      ],
      [typed('public', { enabled: true }), 'public on'],
      [typed('public', { enabled: false }), 'public off'],
      [typed('feed', { revoke: true }), 'feed revoke'],
      [typed('feed', { revoke: false }), 'feed'],
      [typed('list', {}), 'list'],
    ];
    for (const [command, text] of cases) {
      expect(commandText(command)).toBe(text);
      const { name, scope, options } = command;
      expect(parseCommand(text.replace(/ --share$/, ''))).toEqual(commandFromOptions(name, scope, options));
    }
  });

  it('names an option it does not know with its value', () => {
    expect(commandText(typed('testsubcommands', { testint: '1', flag: true }))).toBe(
      'testsubcommands 1 flag:true',
    );
  });
});
