/**
 * What a well-formed Command looks like, checked field by field against the promises of command.ts and the
 * argument parsers; and arbitraries of typed commands (Discord's subcommands and options).
 */
import fc from 'fast-check';
import { parseArxivId, versionedId } from '../../src/arxiv/paper.ts';
import { canonicalCategory } from '../../src/arxiv/taxonomy.ts';
import type { Command } from '../../src/bot/commands/command.ts';
import { findMarkup } from '../../src/bot/commands/input.ts';
import type { CommandOptions } from '../../src/bot/commands/options.ts';
import { COMMAND_NAMES, COMMAND_TABLE, HELP_TOPICS, isScopedKind } from '../../src/bot/commands/table.ts';
import type { TypedCommand } from '../../src/chat/types.ts';
import { formatKeywordQuery, parseKeywordQuery, QUERY_LIMITS } from '../../src/digest/query.ts';
import { argumentText, hostileText } from './fuzz.ts';

/** Whether text holds a control, bidi or invisible format character, which cleaned command text must not (ZWJ/ZWNJ kept). */
function holdsInvisible(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f)) return true;
    if ([0xad, 0x200b, 0x200e, 0x200f, 0xfeff].includes(code)) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2060 && code <= 0x206f && code !== 0x2065))
      return true;
  }
  return false;
}

function isTimeZone(zone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone === zone;
  } catch {
    return false;
  }
}

/** What is wrong with a parsed command; empty when it keeps every promise of its kind. */
export function commandProblems(command: Command): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${command.kind}: ${text}`);
  if (!COMMAND_NAMES.includes(command.kind)) problem('not a command of the table');
  if ('scope' in command && command.scope !== 'channel' && command.scope !== 'user')
    problem(`scope ${String(command.scope)}`);
  switch (command.kind) {
    case 'search':
      if (command.query.trim() === '' || command.query !== command.query.trim())
        problem(`query ${JSON.stringify(command.query)} is blank or untrimmed`);
      if (holdsInvisible(command.query))
        problem(`query ${JSON.stringify(command.query)} holds a control character`);
      // Known and reported: removeMarkup (input.ts) leaves a plain @everyone glued after another one
      // (`@everyone@here` -> `everyone @here`). Harmless: the bot never sends link_names to Slack, and the
      // renderers escape it for Discord (the bot property checks that). The angle-bracket forms must all go.
      if (findMarkup(command.query.replace(/@(?:everyone|here|channel)/giu, '')) !== null)
        problem(`query ${JSON.stringify(command.query)} still holds the markup ${findMarkup(command.query)}`);
      break;
    case 'subscribe': {
      const { terms, exclude } = command.query;
      if (terms.length === 0) problem('no terms');
      if (terms.length + exclude.length > QUERY_LIMITS.maxTerms) problem('too many terms');
      for (const term of [...terms, ...exclude]) {
        if (term.text === '' || term.text.length > QUERY_LIMITS.maxTermLength)
          problem(`term ${JSON.stringify(term.text)} is empty or too long`);
        if (findMarkup(term.text) !== null) problem(`term ${JSON.stringify(term.text)} holds markup`);
        if (holdsInvisible(term.text)) problem(`term ${JSON.stringify(term.text)} holds a control character`);
      }
      const again = parseKeywordQuery(formatKeywordQuery(command.query));
      if (JSON.stringify(again) !== JSON.stringify(command.query))
        problem(`the query does not read back: ${formatKeywordQuery(command.query)}`);
      break;
    }
    case 'unsubscribe':
      if (command.terms !== 'all') {
        if (command.terms.length === 0) problem('no terms');
        for (const term of command.terms)
          if (term.trim() === '') problem(`blank term ${JSON.stringify(term)}`);
      }
      break;
    case 'follow':
      if (command.authors.length === 0) problem('no authors');
      for (const name of command.authors) {
        if (name.trim() === '' || name !== name.trim())
          problem(`name ${JSON.stringify(name)} is blank or untrimmed`);
        if (findMarkup(name) !== null) problem(`name ${JSON.stringify(name)} holds markup`);
        if (holdsInvisible(name)) problem(`name ${JSON.stringify(name)} holds a control character`);
      }
      break;
    case 'unfollow':
      if (command.authors !== 'all' && command.authors.length === 0) problem('no authors');
      break;
    case 'categories':
      if (command.categories !== null) {
        if (command.categories.length === 0) problem('an empty list');
        if (new Set(command.categories).size !== command.categories.length) problem('duplicates');
        for (const category of command.categories)
          if (canonicalCategory(category) !== category) problem(`${category} is not arXiv's spelling`);
      }
      break;
    case 'schedule':
      if (command.time !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(command.time))
        problem(`time ${command.time}`);
      if (command.timeZone !== null && !isTimeZone(command.timeZone))
        problem(`time zone ${command.timeZone}`);
      break;
    case 'summary': {
      const again = parseArxivId(versionedId(command));
      if (again?.id !== command.id || again.version !== command.version)
        problem(`${versionedId(command)} is not an arXiv id`);
      break;
    }
    case 'feed':
      if (command.action !== 'show' && command.action !== 'revoke')
        problem(`action ${String(command.action)}`);
      break;
    case 'public':
      if (command.enabled !== null && typeof command.enabled !== 'boolean') problem('enabled');
      break;
    case 'help':
      if (command.topic !== null && !HELP_TOPICS.includes(command.topic)) problem(`topic ${command.topic}`);
      break;
    case 'top':
      if (command.period !== 'week' && command.period !== 'month')
        problem(`period ${String(command.period)}`);
      break;
    case 'list':
    case 'digest':
      break;
  }
  return problems;
}

/** Option names of the table, plus a few it does not have. */
const OPTION_NAMES = [
  ...new Set(COMMAND_TABLE.flatMap((spec) => spec.arguments.map((argument) => argument.name))),
  'share',
  'text',
  'Terms',
  '',
];

/** A subcommand name: one of the table's (as Discord sends them), now and then another. */
const subcommandName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('me', 'ME', 'Search', 'subscribe ', 'old-command', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** An option's value: text (hostile), a boolean, or missing; the wrong type for its argument now and then. */
const optionValue: fc.Arbitrary<string | boolean | undefined> = fc.oneof(
  { weight: 6, arbitrary: hostileText },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Text as people type it in an option, or hostile text. */
const optionText = fc.oneof({ weight: 2, arbitrary: argumentText }, { weight: 1, arbitrary: hostileText });

/** The options of a typed command: mostly the named command's own arguments, sometimes others. */
function optionsFor(name: string): fc.Arbitrary<CommandOptions> {
  const own = COMMAND_TABLE.find((spec) => spec.name === name)?.arguments ?? [];
  const ownOptions = fc.record(
    Object.fromEntries(
      own.map((argument) => [
        argument.name,
        argument.kind === 'boolean'
          ? fc.oneof({ weight: 5, arbitrary: fc.boolean() }, { weight: 1, arbitrary: optionValue })
          : fc.oneof({ weight: 8, arbitrary: optionText }, { weight: 1, arbitrary: optionValue }),
      ]),
    ),
    { requiredKeys: [] },
  );
  const others = fc.dictionary(fc.constantFrom(...OPTION_NAMES), optionValue, { maxKeys: 2 });
  return fc.oneof(
    { weight: 12, arbitrary: ownOptions },
    { weight: 1, arbitrary: fc.tuple(ownOptions, others).map(([a, b]) => ({ ...b, ...a })) },
    { weight: 1, arbitrary: others },
  );
}

/** A typed command as Discord's adapter hands it to the core (readInteraction's output). */
export const typedCommand: fc.Arbitrary<TypedCommand> = fc
  .tuple(subcommandName, fc.nat(9), fc.boolean())
  .chain(([name, roll, share]) => {
    // The `me` group holds the scoped commands; another name there is an older registration's, now and then.
    const scope = roll < (isScopedKind(name) ? 4 : 1) ? 'user' : 'channel';
    return optionsFor(name).map((options): TypedCommand => ({ name, scope, options, share }));
  });
