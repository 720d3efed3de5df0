import { UserError, type UserErrorCode } from '../../errors.ts';
import type { CommandKind, HelpTopic, Scope } from './command.ts';
import {
  type CommandHelp,
  commandSpec,
  HELP_TOPICS,
  isHelpTopic,
  isScopedKind,
  ME_GROUP,
  SCOPED_KINDS,
  SHARE_HINT,
  type UsageEntry,
} from './table.ts';

/*
 * The help text and the usage lines of error messages, both read from the command table (table.ts), so the
 * two never disagree. Plain text without platform markup: adapters render it as text.
 */

export { HELP_TOPICS, isHelpTopic, isScopedKind };

const ME_HELP: CommandHelp = {
  entries: [{ form: `me ${ME_GROUP.commands.join('|')} ...`, summary: ME_GROUP.description }],
  details: [],
};

function helpOf(topic: HelpTopic): CommandHelp {
  return topic === 'me' ? ME_HELP : commandSpec(topic).help;
}

/** The `me` form of a scoped command's entry: `me subscribe <terms>`, for your own digest. */
function meEntry(entry: UsageEntry): UsageEntry {
  return { form: `me ${entry.form}`, summary: entry.mine ?? entry.summary };
}

function line(entry: UsageEntry): string {
  return `/arxiv ${entry.form} - ${entry.summary}`;
}

/** A command's usage lines for an error message: `/arxiv me schedule [HH:MM] [Area/City]` for the user scope. */
export function usageOf(kind: CommandKind, scope: Scope = 'channel'): string[] {
  const entries = commandSpec(kind).help.entries;
  return (scope === 'user' ? entries.map(meEntry) : entries).map((entry) => `/arxiv ${entry.form}`);
}

/** The usage lines of the `me` forms. */
export function meUsage(): string[] {
  return SCOPED_KINDS.flatMap((kind) => usageOf(kind, 'user'));
}

/**
 * The help text: every command with a short description, or, for a topic (`subscribe`, `me`, ...), its
 * usage lines (the `me` form too, for a scoped command) and details. An unknown topic gets the whole list.
 */
/**
 * How help is worded: for commands typed as text (Slack, the shell), or as typed subcommands with named
 * options (Discord), where there is no `--share` and no bare `/arxiv <words>`.
 */
export type HelpStyle = 'text' | 'typed';

export function helpText(topic?: string, style: HelpStyle = 'text'): string {
  const wanted = topic?.normalize('NFKC').trim().toLowerCase() ?? '';
  if (!isHelpTopic(wanted)) {
    return [
      'arXiv digest commands:',
      ...(style === 'typed'
        ? HELP_TOPICS.flatMap((name) => (name === 'me' ? ME_HELP.entries.map(line) : [typedLine(name)]))
        : HELP_TOPICS.flatMap((name) => helpOf(name).entries.map(line))),
      style === 'typed'
        ? 'Use /arxiv help command: <name> for more about one of them.'
        : 'Type /arxiv help <command> for more about one of them.',
    ].join('\n');
  }
  const { entries, details } = helpOf(wanted);
  const shown = details.map((detail) =>
    style === 'typed' ? detail.replace(SHARE_HINT, 'set the share option to True') : detail,
  );
  if (style === 'typed' && wanted !== 'me') {
    const usage = [typedLine(wanted), ...(isScopedKind(wanted) ? [typedLine(wanted, 'user')] : [])];
    return [...usage, ...shown].join('\n');
  }
  const lines =
    wanted === 'me'
      ? SCOPED_KINDS.flatMap((kind) =>
          style === 'typed'
            ? [typedLine(kind, 'user')]
            : commandSpec(kind).help.entries.map(meEntry).map(line),
        )
      : [...entries, ...(isScopedKind(wanted) ? entries.map(meEntry) : [])].map(line);
  return [...lines, ...shown].join('\n');
}

/** A typed subcommand's line: `/arxiv me schedule time [timezone] - …`, its options as the platform names them. */
function typedLine(kind: CommandKind, scope: Scope = 'channel'): string {
  const spec = commandSpec(kind);
  const first = spec.help.entries[0];
  const summary = scope === 'user' ? (first?.mine ?? first?.summary) : first?.summary;
  const options = spec.arguments.map((argument) =>
    argument.required ? argument.name : `[${argument.name}]`,
  );
  return `${[`/arxiv${scope === 'user' ? ' me' : ''} ${kind}`, ...options].join(' ')} - ${summary ?? ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Usage errors: the problem, then the command's usage lines from the table.
// ---------------------------------------------------------------------------------------------------------

export function usageLine(usage: readonly string[]): string {
  return `Usage: ${usage.join('  or  ')}`;
}

export function usageError(problem: string, usage: readonly string[]): UserError {
  return new UserError('USAGE', `${problem}\n${usageLine(usage)}`);
}

/** Runs an argument parser and adds the command's usage line to its UserError. */
export function withUsage<T>(usage: readonly string[], parse: () => T): T {
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

/** The `me` forms, for a sentence: `subscribe, unsubscribe, list, categories or schedule`. */
export function meChoices(): string {
  return `${SCOPED_KINDS.slice(0, -1).join(', ')} or ${SCOPED_KINDS.at(-1)}`;
}

/** The error for a `me` form that does not exist, with the usage lines of those that do. */
export function meError(problem: string): UserError {
  return new UserError('USAGE', `${problem}\nUsage:\n${meUsage().join('\n')}`);
}

/** The error for a command name that does not exist. */
export function unknownCommandError(shown: string): UserError {
  return usageError(`There is no command "${shown}". Commands: ${HELP_TOPICS.join(', ')}.`, usageOf('help'));
}
