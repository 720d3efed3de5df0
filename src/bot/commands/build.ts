import { isCitationFormat } from '../../arxiv/cite.ts';
import { parseCategoryList } from './categories.ts';
import type { Command, Scope } from './command.ts';
import { unknownCommandError, usageError, usageOf, withUsage } from './help.ts';
import { clip } from './input.ts';
import { parsePaperRef } from './paper-ref.ts';
import { isHelpTopic, isScopedKind } from './table.ts';
import { parseSearchText, parseSubscriptionTerms, parseUnsubscribeTerms } from './terms.ts';

/*
 * From a command's argument values to a Command, for the commands whose arguments are text: shared by the
 * text grammar (grammar.ts), which cuts the text into arguments, and by typed commands (options.ts), whose
 * platform already did. Argument text has been through `cleanText` (input.ts) and trimmed; '' means not
 * given. Every UserError ends with the command's usage lines from the table.
 */

/** A subcommand name as typed, compared without case: `ＬＩＳＴ` and `List` are `list`. */
export function keyword(word: string): string {
  return word.normalize('NFKC').toLowerCase();
}

export function searchCommand(words: string): Command {
  const usage = usageOf('search');
  if (words === '') throw usageError('Type some words to search for.', usage);
  return { kind: 'search', query: withUsage(usage, () => parseSearchText(words)) };
}

export function subscribeCommand(scope: Scope, terms: string): Command {
  const usage = usageOf('subscribe', scope);
  if (terms === '') throw usageError('Name the terms to follow.', usage);
  return { kind: 'subscribe', scope, query: withUsage(usage, () => parseSubscriptionTerms(terms)) };
}

export function unsubscribeCommand(scope: Scope, terms: string): Command {
  const usage = usageOf('unsubscribe', scope);
  if (terms === '') throw usageError('Name the terms to stop following, or all.', usage);
  return { kind: 'unsubscribe', scope, terms: withUsage(usage, () => parseUnsubscribeTerms(terms)) };
}

/** No categories given: show them. */
export function categoriesCommand(scope: Scope, categories: string): Command {
  return {
    kind: 'categories',
    scope,
    categories:
      categories === '' ? null : withUsage(usageOf('categories', scope), () => parseCategoryList(categories)),
  };
}

/** `read` parses the time and the time zone given (null for one not given; both null: show the schedule). */
export function scheduleCommand(
  scope: Scope,
  read: () => { time: string | null; timeZone: string | null },
): Command {
  const { time, timeZone } = withUsage(usageOf('schedule', scope), read);
  return { kind: 'schedule', scope, time, timeZone };
}

export function summaryCommand(paper: string): Command {
  const usage = usageOf('summary');
  if (paper === '') throw usageError('Name the paper to summarize.', usage);
  if (/\s/u.test(paper.replace(/^arxiv:\s+/iu, '')))
    throw usageError('Give one arXiv id or link, nothing else.', usage);
  const { id, version } = withUsage(usage, () => parsePaperRef(paper));
  return { kind: 'summary', id, version };
}

/** `paper` is the id or link; `format` is bibtex, ris, or empty for bibtex. */
export function citeCommand(paper: string, format: string): Command {
  const usage = usageOf('cite');
  if (paper === '') throw usageError('Name the paper to cite.', usage);
  const wanted = keyword(format);
  const chosen = wanted === '' ? 'bibtex' : wanted;
  if (!isCitationFormat(chosen))
    throw usageError(`cite gives bibtex or ris, not "${clip(format, 30)}".`, usage);
  if (/\s/u.test(paper.replace(/^arxiv:\s+/iu, '')))
    throw usageError('Give one arXiv id or link, and bibtex or ris.', usage);
  const { id, version } = withUsage(usage, () => parsePaperRef(paper));
  return { kind: 'cite', id, version, format: chosen };
}

/** A topic for `help`: a command, `me`, or `me <command>` (which asks about the command: its help shows its `me` form). */
export function helpCommand(topic: string): Command {
  const [first, second, ...more] = topic
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map(keyword);
  if (first === undefined) return { kind: 'help', topic: null };
  const wanted = second === undefined ? first : second;
  const wellFormed = more.length === 0 && (second === undefined || (first === 'me' && isScopedKind(wanted)));
  if (!wellFormed || !isHelpTopic(wanted)) throw unknownCommandError(clip(topic, 30));
  return { kind: 'help', topic: wanted };
}
