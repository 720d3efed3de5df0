import { UserError } from '../../errors.ts';
import {
  categoriesCommand,
  citeCommand,
  helpCommand,
  keyword,
  scheduleCommand,
  searchCommand,
  subscribeCommand,
  summaryCommand,
  unsubscribeCommand,
} from './build.ts';
import type { Command, CommandKind, Scope, ScopedKind } from './command.ts';
import { followCommand, unfollowCommand } from './follow.ts';
import { meChoices, meError, usageError, usageOf } from './help.ts';
import { cleanText, clip, refuseOverlong, stripCommandPrefix } from './input.ts';
import { parseSchedule } from './schedule.ts';
import { COMMAND_NAMES, isCommandKind, isScopedKind, SCOPED_KINDS } from './table.ts';
import { topCommand } from './top.ts';
import { mistypedName } from './typos.ts';
import { weeklyFromText } from './weekly.ts';

/*
 * The /arxiv grammar (DESIGN.md, "The /arxiv command"): `/arxiv <subcommand> <arguments>`, where anything
 * that does not start with a subcommand name is a search. Subcommand names are those of the command table
 * (table.ts), case-insensitive (full-width letters read as ASCII); a bot mention and a leading `/arxiv` or
 * `arxiv` are dropped; empty text is `help`. A first word that is a slip of a subcommand name (`subscibe`,
 * `lsit`; the rule is in typos.ts) is answered with "did you mean" rather than searched for. Input cleaning is
 * in input.ts; the text is cut into arguments here, and build.ts turns them into a Command, as it does for
 * typed commands (options.ts).
 */

/** Splits off the first word: `subscribe LLM, agents` -> [`subscribe`, `LLM, agents`]. */
function firstWord(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/u.exec(text.trim());
  return [match?.[1] ?? '', match?.[2] ?? ''];
}

/** For text that starts with a command name but was probably meant as a search. */
function searchHint(text: string): string {
  return ` To search arXiv for these words, type /arxiv search ${clip(text)}`;
}

/** For a first word taken for a slip of a subcommand name: the command meant, and how to search anyway. */
function didYouMean(meant: string, rest: string, typed: string): UserError {
  const command = rest === '' ? meant : `${meant} ${clip(rest)}`;
  return new UserError(
    'USAGE',
    `Did you mean \`/arxiv ${command}\`? To search arXiv for these words, type /arxiv search ${clip(typed)}.`,
  );
}

function noArguments(kind: CommandKind, scope: Scope, rest: string): UserError {
  const hint = scope === 'channel' ? searchHint(`${kind} ${rest}`) : '';
  return usageError(`${kind} takes nothing after it.${hint}`, usageOf(kind, scope));
}

function parseScoped(kind: ScopedKind, rest: string, scope: Scope): Command {
  switch (kind) {
    case 'subscribe':
      return subscribeCommand(scope, rest);
    case 'unsubscribe':
      return unsubscribeCommand(scope, rest);
    case 'follow':
      return followCommand(scope, rest);
    case 'unfollow':
      return unfollowCommand(scope, rest);
    case 'list':
      if (rest !== '') throw noArguments(kind, scope, rest);
      return { kind, scope };
    case 'categories':
      return categoriesCommand(scope, rest);
    case 'schedule':
      return scheduleCommand(scope, () =>
        rest === '' ? { time: null, timeZone: null } : parseSchedule(rest),
      );
    case 'top':
      return topCommand(scope, rest);
    case 'weekly':
      return weeklyFromText(scope, rest);
  }
}

function parseSubcommand(kind: CommandKind, rest: string): Command {
  if (isScopedKind(kind)) return parseScoped(kind, rest, 'channel');
  const usage = usageOf(kind);
  switch (kind) {
    case 'search':
      return searchCommand(rest);
    case 'digest':
      if (rest !== '') throw noArguments(kind, 'channel', rest);
      return { kind };
    case 'summary':
      return summaryCommand(rest);
    case 'cite': {
      // The paper is the first word (`arXiv: 2401.01234` is one); what follows is the format.
      const paper = rest.replace(/^arxiv:\s+/iu, 'arXiv:');
      const split = /^(\S+)\s+(.+)$/u.exec(paper);
      return citeCommand(split?.[1] ?? paper, split?.[2] ?? '');
    }
    case 'feed': {
      const action = keyword(rest);
      if (action === '') return { kind, action: 'show' };
      if (action === 'revoke') return { kind, action };
      throw usageError(`feed takes revoke or nothing, not "${clip(rest, 30)}".`, usage);
    }
    case 'public': {
      const setting = keyword(rest);
      if (setting === '') return { kind, enabled: null };
      if (setting === 'on' || setting === 'off') return { kind, enabled: setting === 'on' };
      throw usageError(`public takes on, off or nothing, not "${clip(rest, 30)}".`, usage);
    }
    case 'help':
      return helpCommand(rest);
  }
}

function parseMe(rest: string): Command {
  const [word, args] = firstWord(rest);
  const kind = keyword(word);
  if (isScopedKind(kind)) return parseScoped(kind, args, 'user');
  const meant = mistypedName(kind, SCOPED_KINDS);
  if (meant) throw didYouMean(`me ${meant}`, args, `me ${rest}`);
  throw meError(
    word === ''
      ? 'Say what to do with your own digest.'
      : `"me ${clip(word, 30)}" is not a command: me goes with ${meChoices()}.${searchHint(`me ${rest}`)}`,
  );
}

/**
 * Parses the text of an /arxiv command into a Command. Throws UserError with a short `userMessage` saying
 * what is wrong and the command's usage: USAGE for a wrong form, QUERY_INVALID for bad terms or an empty
 * search, INPUT_INVALID for a bad category, time, time zone or paper id, LIMIT_EXCEEDED for text over
 * MAX_COMMAND_LENGTH characters. Never echoes more than a short piece of the input.
 */
export function parseCommand(text: string): Command {
  refuseOverlong(text.length);
  const body = stripCommandPrefix(cleanText(text)).trim();
  if (body === '') return { kind: 'help', topic: null };
  const [word, rest] = firstWord(body);
  const name = keyword(word);
  if (name === 'me') return parseMe(rest);
  if (isCommandKind(name)) return parseSubcommand(name, rest);
  const meant = mistypedName(name, COMMAND_NAMES);
  if (meant) throw didYouMean(meant, rest, body);
  return searchCommand(body);
}
