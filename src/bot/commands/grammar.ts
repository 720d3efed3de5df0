import { UserError, type UserErrorCode } from '../../errors.ts';
import { parseCategoryList } from './categories.ts';
import type { Command, CommandKind, Scope, ScopedKind } from './command.ts';
import { HELP_TOPICS, isHelpTopic, isScopedKind, meUsage, usageOf } from './help.ts';
import { cleanText, clip, MAX_COMMAND_LENGTH, stripCommandPrefix } from './input.ts';
import { parsePaperRef } from './paper-ref.ts';
import { parseSchedule } from './schedule.ts';
import { parseSearchText, parseSubscriptionTerms, parseUnsubscribeTerms } from './terms.ts';

/*
 * The /arxiv grammar (DESIGN.md, "The /arxiv command"): `/arxiv <subcommand> <arguments>`, where anything
 * that does not start with a subcommand name is a search. Subcommand names are case-insensitive (full-width
 * letters read as ASCII); a bot mention and a leading `/arxiv` or `arxiv` are dropped; empty text is `help`.
 * Input cleaning is in input.ts; each kind of argument has its parser (terms.ts, categories.ts, schedule.ts,
 * paper-ref.ts), also used on their own by adapters with typed options (Discord); usage lines are in help.ts.
 */

const COMMANDS: readonly CommandKind[] = [
  'search',
  'subscribe',
  'unsubscribe',
  'list',
  'categories',
  'schedule',
  'digest',
  'summary',
  'feed',
  'public',
  'help',
];

function isCommandKind(word: string): word is CommandKind {
  return (COMMANDS as readonly string[]).includes(word);
}

/** A subcommand name as typed, compared without case: `ＬＩＳＴ` and `List` are `list`. */
function keyword(word: string): string {
  return word.normalize('NFKC').toLowerCase();
}

/** Splits off the first word: `subscribe LLM, agents` -> [`subscribe`, `LLM, agents`]. */
function firstWord(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/u.exec(text.trim());
  return [match?.[1] ?? '', match?.[2] ?? ''];
}

function usageError(problem: string, usage: readonly string[]): UserError {
  return new UserError('USAGE', `${problem}\n${usageLine(usage)}`);
}

function usageLine(usage: readonly string[]): string {
  return `Usage: ${usage.join('  or  ')}`;
}

/** Runs an argument parser and adds the command's usage line to its UserError. */
function withUsage<T>(usage: readonly string[], parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // A UserError's code is always a UserErrorCode; AppError only declares the wider type.
    throw new UserError(error.code as UserErrorCode, `${error.userMessage}\n${usageLine(usage)}`, {
      cause: error,
    });
  }
}

/** For text that starts with a command name but was probably meant as a search. */
function searchHint(text: string): string {
  return ` To search arXiv for these words, type /arxiv search ${clip(text)}`;
}

function noArguments(kind: CommandKind, scope: Scope, rest: string): UserError {
  const hint = scope === 'channel' ? searchHint(`${kind} ${rest}`) : '';
  return usageError(`${kind} takes nothing after it.${hint}`, usageOf(kind, scope));
}

function parseScoped(kind: ScopedKind, rest: string, scope: Scope): Command {
  const usage = usageOf(kind, scope);
  switch (kind) {
    case 'subscribe':
      if (rest === '') throw usageError('Name the terms to follow.', usage);
      return { kind, scope, query: withUsage(usage, () => parseSubscriptionTerms(rest)) };
    case 'unsubscribe':
      if (rest === '') throw usageError('Name the terms to stop following, or all.', usage);
      return { kind, scope, terms: withUsage(usage, () => parseUnsubscribeTerms(rest)) };
    case 'list':
      if (rest !== '') throw noArguments(kind, scope, rest);
      return { kind, scope };
    case 'categories':
      return {
        kind,
        scope,
        categories: rest === '' ? null : withUsage(usage, () => parseCategoryList(rest)),
      };
    case 'schedule': {
      const { time, timeZone } =
        rest === '' ? { time: null, timeZone: null } : withUsage(usage, () => parseSchedule(rest));
      return { kind, scope, time, timeZone };
    }
  }
}

function parseHelpTopic(rest: string): Command {
  const [first, second, ...more] = rest
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map(keyword);
  if (first === undefined) return { kind: 'help', topic: null };
  // `help me subscribe` asks about subscribe, whose help shows its `me` form too.
  const topic = second === undefined ? first : second;
  const wellFormed = more.length === 0 && (second === undefined || (first === 'me' && isScopedKind(topic)));
  if (!wellFormed || !isHelpTopic(topic)) {
    throw usageError(
      `There is no command "${clip(rest, 30)}". Commands: ${HELP_TOPICS.join(', ')}.`,
      usageOf('help'),
    );
  }
  return { kind: 'help', topic };
}

function parseSubcommand(kind: CommandKind, rest: string): Command {
  if (isScopedKind(kind)) return parseScoped(kind, rest, 'channel');
  const usage = usageOf(kind);
  switch (kind) {
    case 'search':
      if (rest === '') throw usageError('Type some words to search for.', usage);
      return { kind, query: withUsage(usage, () => parseSearchText(rest)) };
    case 'digest':
      if (rest !== '') throw noArguments(kind, 'channel', rest);
      return { kind };
    case 'summary': {
      if (rest === '') throw usageError('Name the paper to summarize.', usage);
      if (/\s/u.test(rest.replace(/^arxiv:\s+/iu, '')))
        throw usageError('Give one arXiv id or link, nothing else.', usage);
      const { id, version } = withUsage(usage, () => parsePaperRef(rest));
      return { kind, id, version };
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
      return parseHelpTopic(rest);
  }
}

function parseMe(rest: string): Command {
  const [word, args] = firstWord(rest);
  const kind = keyword(word);
  if (isScopedKind(kind)) return parseScoped(kind, args, 'user');
  const problem =
    word === ''
      ? 'Say what to do with your own digest.'
      : `"me ${clip(word, 30)}" is not a command: me goes with subscribe, unsubscribe, list, categories or schedule.${searchHint(`me ${rest}`)}`;
  throw new UserError('USAGE', `${problem}\nUsage:\n${meUsage().join('\n')}`);
}

/**
 * Parses the text of an /arxiv command into a Command. Throws UserError with a short `userMessage` saying
 * what is wrong and the command's usage: USAGE for a wrong form, QUERY_INVALID for bad terms or an empty
 * search, INPUT_INVALID for a bad category, time, time zone or paper id, LIMIT_EXCEEDED for text over
 * MAX_COMMAND_LENGTH characters. Never echoes more than a short piece of the input.
 */
export function parseCommand(text: string): Command {
  if (text.length > MAX_COMMAND_LENGTH) {
    throw new UserError(
      'LIMIT_EXCEEDED',
      `That command is ${text.length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}. Shorten it, or split it into several commands.`,
    );
  }
  const body = stripCommandPrefix(cleanText(text)).trim();
  if (body === '') return { kind: 'help', topic: null };
  const [word, rest] = firstWord(body);
  const name = keyword(word);
  if (name === 'me') return parseMe(rest);
  if (isCommandKind(name)) return parseSubcommand(name, rest);
  return { kind: 'search', query: withUsage(usageOf('search'), () => parseSearchText(body)) };
}
