import {
  categoriesCommand,
  citeCommand,
  helpCommand,
  scheduleCommand,
  searchCommand,
  subscribeCommand,
  summaryCommand,
  unsubscribeCommand,
} from './build.ts';
import type { Command, CommandKind, Scope } from './command.ts';
import { followCommand, unfollowCommand } from './follow.ts';
import { meChoices, meError, unknownCommandError, usageError, usageOf } from './help.ts';
import { cleanText, clip, refuseOverlong } from './input.ts';
import { parseLocalTime, parseTimeZone } from './schedule.ts';
import { type ArgumentSpec, commandSpec, isCommandKind, isScopedKind } from './table.ts';
import { topCommand } from './top.ts';
import { weeklyCommand } from './weekly.ts';

/**
 * A typed command's options as the platform gives them (Discord's subcommand options): by the argument
 * names of the command table, strings for text arguments and booleans for boolean ones; a missing option
 * is undefined.
 */
export type CommandOptions = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Turns a typed command (Discord's `/arxiv subscribe terms:...`, `/arxiv me schedule time:...`) into the
 * Command the text grammar would make of the same words: same argument parsers, same UserErrors with the
 * same usage lines. `name` is the subcommand's name, `scope` is `user` for the `me` group. String options go
 * through the grammar's input cleaning; a blank one counts as not given. Like the text grammar, it is lenient
 * where the table marks an argument required but the text form may leave it out (`categories` alone shows
 * the categories). A name or an option the table does not have (a registration older than the bot) and a
 * value of the wrong type are refused with USAGE.
 */
export function commandFromOptions(name: string, scope: Scope, options: CommandOptions): Command {
  if (!isCommandKind(name)) {
    if (scope === 'user')
      throw meError(`"me ${clip(name, 30)}" is not a command: me goes with ${meChoices()}.`);
    throw unknownCommandError(clip(name, 30));
  }
  if (scope === 'user' && !isScopedKind(name)) {
    throw meError(`"me ${name}" is not a command: me goes with ${meChoices()}.`);
  }
  const args = readOptions(name, scope, options);
  const text = (argument: string): string => {
    const value = args.get(argument);
    return typeof value === 'string' ? value : '';
  };
  const flag = (argument: string): boolean | null => {
    const value = args.get(argument);
    return typeof value === 'boolean' ? value : null;
  };

  switch (name) {
    case 'search':
      return searchCommand(text('query'));
    case 'subscribe':
      return subscribeCommand(scope, text('terms'));
    case 'unsubscribe':
      return unsubscribeCommand(scope, text('terms'));
    case 'follow':
      return followCommand(scope, text('author'));
    case 'unfollow':
      return unfollowCommand(scope, text('author'));
    case 'list':
      return { kind: 'list', scope };
    case 'categories':
      return categoriesCommand(scope, text('categories'));
    case 'schedule':
      return scheduleCommand(scope, () => ({
        time: text('time') === '' ? null : parseLocalTime(text('time')),
        timeZone: text('timezone') === '' ? null : parseTimeZone(text('timezone')),
      }));
    case 'digest':
      return { kind: 'digest' };
    case 'top':
      return topCommand(scope, text('period'));
    case 'weekly': {
      const enabled = flag('enabled');
      return weeklyCommand(scope, enabled === null ? '' : enabled ? 'on' : 'off', text('day'), text('time'));
    }
    case 'summary':
      return summaryCommand(text('paper'));
    case 'cite':
      return citeCommand(text('paper'), text('format'));
    case 'feed':
      return { kind: 'feed', action: flag('revoke') === true ? 'revoke' : 'show' };
    case 'public':
      return { kind: 'public', enabled: flag('enabled') };
    case 'help':
      return helpCommand(text('command'));
  }
}

/**
 * The options given, checked against the command's arguments in the table: string values cleaned and
 * trimmed (blank ones dropped), the whole no longer than a text command may be.
 */
function readOptions(
  kind: CommandKind,
  scope: Scope,
  options: CommandOptions,
): Map<string, string | boolean> {
  const spec = commandSpec(kind);
  const usage = usageOf(kind, scope);
  const read = new Map<string, string | boolean>();
  let length = 0;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const argument: ArgumentSpec | undefined = spec.arguments.find((candidate) => candidate.name === name);
    if (!argument) {
      throw usageError(`${kind} has no option "${clip(name, 30)}".`, usage);
    }
    if (argument.kind === 'boolean') {
      if (typeof value !== 'boolean') throw usageError(`${kind}'s ${name} is true or false.`, usage);
      read.set(name, value);
      continue;
    }
    if (typeof value !== 'string') throw usageError(`${kind}'s ${name} is text.`, usage);
    length += value.length;
    refuseOverlong(length);
    const cleaned = cleanText(value).trim();
    if (cleaned !== '') read.set(name, cleaned);
  }
  return read;
}
