import { normalizeWhitespace } from '../../arxiv/paper.ts';
import { authorKey, followName, MAX_FOLLOWED, parseAuthorName, sameAuthor } from '../../digest/authors.ts';
import { UserError } from '../../errors.ts';
import { keyword } from './build.ts';
import type { Command, Scope } from './command.ts';
import { usageError, usageOf, withUsage } from './help.ts';
import { clip, findMarkup } from './input.ts';

/*
 * `/arxiv follow <author>` and `/arxiv unfollow <author | all>` (issue 13): the names, and the follow list
 * they change (Subscription.authors). How a name is read and matched is src/digest/authors.ts. A comma is
 * part of a name (`LeCun, Yann`), so several names are separated by semicolons or line breaks.
 */

/** The names of a command's text: `Yann LeCun; Hinton, Geoffrey` is two. */
function names(text: string): string[] {
  return text
    .split(/[;\n]/u)
    .map((name) => normalizeWhitespace(name))
    .filter((name) => name !== '');
}

/** Author names come from the user: a mention or a channel link is no name, and would ping when shown. */
function refuseMarkup(text: string): void {
  const markup = findMarkup(text);
  if (markup !== null) {
    throw new UserError(
      'INPUT_INVALID',
      `An author's name cannot hold mentions or channel links (found ${clip(markup, 30)}): write the name as arXiv lists it.`,
    );
  }
}

export function followCommand(scope: Scope, text: string): Command {
  const usage = usageOf('follow', scope);
  const authors = names(text);
  if (authors.length === 0) throw usageError('Name the author to follow, such as Yann LeCun.', usage);
  withUsage(usage, () => {
    refuseMarkup(text);
    for (const name of authors) followName(name);
  });
  return { kind: 'follow', scope, authors };
}

export function unfollowCommand(scope: Scope, text: string): Command {
  const usage = usageOf('unfollow', scope);
  if (keyword(text) === 'all') return { kind: 'unfollow', scope, authors: 'all' };
  const authors = names(text);
  if (authors.length === 0) throw usageError('Name the author to stop following, or all.', usage);
  return { kind: 'unfollow', scope, authors };
}

const keyOf = (name: string) => authorKey(name) ?? normalizeWhitespace(name).toLowerCase();

/**
 * The follow list with these names added, one per author (authorKey): a name already followed, however it
 * was written, is kept as first typed. Over MAX_FOLLOWED: LIMIT_EXCEEDED.
 */
export function addAuthors(existing: readonly string[], added: readonly string[]): string[] {
  const authors = [...existing];
  for (const name of added) {
    if (!authors.some((known) => keyOf(known) === keyOf(name))) authors.push(name);
  }
  if (authors.length > MAX_FOLLOWED) {
    throw new UserError(
      'LIMIT_EXCEEDED',
      `That would make ${authors.length} followed authors; the limit is ${MAX_FOLLOWED}. Stop following some with /arxiv unfollow <name>.`,
    );
  }
  return authors;
}

/**
 * The follow list without the named authors. A name is found written the same way (authorKey: `LeCun,
 * Yann` for `Yann LeCun`), else as the one followed name it matches (`Y. LeCun` for `Yann LeCun`). A name
 * not followed: INPUT_INVALID, listing the follows.
 */
export function removeAuthors(
  existing: readonly string[],
  removed: readonly string[] | 'all',
  scope: Scope,
): string[] {
  if (removed === 'all') return [];
  const whose = scope === 'channel' ? 'This channel' : 'Your digest';
  if (existing.length === 0) throw new UserError('INPUT_INVALID', `${whose} follows no authors yet.`);
  const gone = new Set<string>();
  const missing: string[] = [];
  for (const name of removed) {
    const same = existing.filter((known) => keyOf(known) === keyOf(name));
    const parsed = parseAuthorName(name);
    const alike = parsed
      ? existing.filter((known) => {
          const other = parseAuthorName(known);
          return other !== null && sameAuthor(parsed, other);
        })
      : [];
    const found = same.length > 0 ? same : alike.length === 1 ? alike : [];
    if (found.length === 0) missing.push(name);
    for (const known of found) gone.add(known);
  }
  if (missing.length > 0) {
    throw new UserError(
      'INPUT_INVALID',
      `${whose} does not follow ${missing.map((name) => `"${clip(name, 40)}"`).join(', ')}. It follows: ${existing.join('; ')}.`,
    );
  }
  return existing.filter((known) => !gone.has(known));
}
