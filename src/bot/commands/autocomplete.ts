import { CATEGORIES, canonicalCategory } from '../../arxiv/taxonomy.ts';
import type { HelpTopic } from './command.ts';
import { type Autocomplete, commandSpec, HELP_TOPICS, ME_GROUP } from './table.ts';

/*
 * Suggestions for an argument being typed (Discord's autocomplete; any platform that completes arguments
 * can use them): arXiv categories, IANA time zones and help topics, from the core's own lists.
 *
 * Decisions:
 * - Matching is case-insensitive; what starts with the typed text comes first, then what has a word that
 *   starts with it, then what merely contains it; within each, the list's own order (the taxonomy's, the
 *   time zones' alphabetical one with UTC first, help's).
 * - A category list completes its last item and keeps the earlier ones as typed in the value
 *   (`cs.AI, cs.L` -> `cs.AI, cs.LG`); categories already listed are not offered again. With nothing typed
 *   for the item, the archives (cs, math, ...) are offered: each is valid alone and shows what to type next.
 *   A category is also found by its name, and a name typed in several words (`cs.AI machine learn`) is
 *   read as one phrase in place of those words (`cs.AI cs.LG`), since the list's separators split it.
 * - A suggestion's value is at most 100 characters (Discord's limit). When a typed list is so long that no
 *   completion fits, there are no suggestions: the user keeps typing, and the command checks the list.
 * - A suggestion's name is at most 100 characters; it shows what the value means (a category's full name, a
 *   time zone's current UTC offset, a help topic's summary), shortened at the front or end to fit.
 */

export interface Suggestion {
  /** What the user sees, at most 100 characters. */
  readonly name: string;
  /** What the option gets when the user picks it, at most 100 characters. */
  readonly value: string;
}

/** Discord's limits for an autocomplete answer: 25 choices, names and values of 1 to 100 characters. */
export const MAX_SUGGESTIONS = 25;
export const MAX_SUGGESTION_LENGTH = 100;

/** The suggestions for `typed`, the text of an argument of this kind so far; never more than `limit`. */
export function suggestions(kind: Autocomplete, typed: string, limit = MAX_SUGGESTIONS): Suggestion[] {
  const count = Math.max(0, Math.min(Math.floor(limit), MAX_SUGGESTIONS));
  if (count === 0) return [];
  // What is typed can be long (an option takes up to 6,000 characters); only its start is worth matching.
  const text = typed.slice(0, 1000).normalize('NFKC');
  switch (kind) {
    case 'categories':
      return categorySuggestions(text, count);
    case 'time-zones':
      return timeZoneSuggestions(text, count);
    case 'help-topics':
      return helpSuggestions(text, count);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

/** How well `candidate` matches `wanted` (both lowercase): 0 prefix, 1 a word's prefix, 2 inside, null not. */
function rank(candidate: string, wanted: string): number | null {
  if (wanted === '' || candidate.startsWith(wanted)) return 0;
  const at = candidate.indexOf(wanted);
  if (at === -1) return null;
  // A word starts after a separator: `/` of a zone, `.` or `-` of a category, a space or `_` in a name.
  const wordStart = candidate.split(/[\s/._-]+/u).some((word) => word.startsWith(wanted));
  return wordStart ? 1 : 2;
}

/** The candidates that match, best first, stable within a rank; `keys` gives the texts to match, best first. */
function ranked<T>(candidates: readonly T[], wanted: string, keys: (candidate: T) => string[]): T[] {
  const scored: Array<{ candidate: T; score: number; index: number }> = [];
  candidates.forEach((candidate, index) => {
    // A match on an earlier key beats any match on a later one (a category's code before its name).
    const scores = keys(candidate)
      .map((key, at) => {
        const score = rank(key, wanted);
        return score === null ? null : score + at * 3;
      })
      .filter((score) => score !== null);
    if (scores.length > 0) scored.push({ candidate, score: Math.min(...scores), index });
  });
  return scored.sort((a, b) => a.score - b.score || a.index - b.index).map(({ candidate }) => candidate);
}

/** `text` cut to `max` characters at the end, with an ellipsis. */
function clipEnd(text: string, max = MAX_SUGGESTION_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------------------

const CATEGORY_CODES = Object.keys(CATEGORIES);
const ARCHIVES = CATEGORY_CODES.filter((code) => !code.includes('.'));
/** The archives that are a group of categories (cs, math), rather than a category of their own (hep-th). */
const GROUPS = new Set(
  ARCHIVES.filter((archive) => CATEGORY_CODES.some((code) => code.startsWith(`${archive}.`))),
);

/** An item of a category list, as parseCategoryList splits it, and the quotes and brackets it tolerates. */
const ITEM = /[^\s,;]+/gu;
const QUOTES = /^[[("']+|[\])"']+$/gu;

interface Item {
  readonly text: string;
  readonly at: number;
  /** The category it names, or null. */
  readonly code: string | null;
}

function categorySuggestions(typed: string, limit: number): Suggestion[] {
  const text = typed.trimStart();
  const items: Item[] = [...text.matchAll(ITEM)].map((match) => ({
    text: match[0],
    at: match.index,
    code: canonicalCategory(match[0].replace(QUOTES, '')),
  }));
  // The item being typed: the last one, unless a separator follows it (then a new one is starting).
  const last = text === '' || /[\s,;]$/u.test(text) ? undefined : items.at(-1);
  const done = last === undefined ? items : items.slice(0, -1);
  const listed = new Set(done.flatMap((item) => item.code ?? []));
  const pool = CATEGORY_CODES.filter((code) => !listed.has(code));

  // A category's name typed in words (`machine learn`): the last words that are no category, as one phrase.
  if (last !== undefined) {
    let first = items.length - 1;
    while (first > 0 && items[first - 1]?.code === null) first -= 1;
    for (let index = first; index < items.length - 1; index += 1) {
      const phrase = items
        .slice(index)
        .map((item) => item.text)
        .join(' ')
        .toLowerCase();
      const byName = ranked(pool, phrase, (code) => [(CATEGORIES[code] ?? '').toLowerCase()]);
      if (byName.length > 0) return completions(text.slice(0, items[index]?.at ?? 0), byName, limit);
    }
  }
  const before = last === undefined ? text : text.slice(0, last.at);
  const wanted = (last?.text ?? '').replace(/^[[("']+/u, '').toLowerCase();
  const found =
    wanted === ''
      ? ARCHIVES.filter((code) => !listed.has(code))
      : ranked(pool, wanted, (code) => [code.toLowerCase(), (CATEGORIES[code] ?? '').toLowerCase()]);
  return completions(before, found, limit);
}

/** The list typed so far (`before`) completed with each code; none when the values would be too long. */
function completions(before: string, codes: readonly string[], limit: number): Suggestion[] {
  const result: Suggestion[] = [];
  for (const code of codes.slice(0, limit)) {
    const value = `${before}${code}`;
    if (value.length > MAX_SUGGESTION_LENGTH) return [];
    result.push({ name: categoryName(value, code), value });
  }
  return result;
}

/** `cs.AI, cs.LG - Machine Learning`; the front of a long list gives way to the end and the name. */
function categoryName(value: string, code: string): string {
  const full = CATEGORIES[code];
  const meaning = full === undefined ? '' : ` - ${full}${GROUPS.has(code) ? ' (all)' : ''}`;
  const name = `${value}${meaning}`;
  if (name.length <= MAX_SUGGESTION_LENGTH) return name;
  return clipEnd(`…${name.slice(name.length - MAX_SUGGESTION_LENGTH + 1)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------------------

let zones: readonly string[] | undefined;

/** The IANA time zones Intl knows, UTC first (Intl's list leaves it out). */
function timeZones(): readonly string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return zones;
}

function timeZoneSuggestions(typed: string, limit: number): Suggestion[] {
  // People type `new york` for America/New_York.
  const wanted = typed.trim().toLowerCase().replace(/\s+/gu, '_');
  const now = new Date();
  const found = new Set([...renamed(wanted), ...ranked(timeZones(), wanted, (zone) => [zone.toLowerCase()])]);
  return [...found].slice(0, limit).map((zone) => ({
    name: zone === 'UTC' ? zone : clipEnd(`${zone} (${offsetOf(zone, now)})`),
    value: zone,
  }));
}

/**
 * The zone a whole name or city stands for when Intl's list spells it otherwise: Intl lists the older
 * spelling of renamed zones (Asia/Calcutta, Europe/Kiev) but resolves the new one (`kolkata`, `Europe/Kyiv`)
 * to it, as the schedule command does.
 */
function renamed(wanted: string): string[] {
  if (wanted === 'gmt' || wanted === 'utc') return ['UTC'];
  if (!/^[a-z][a-z_/-]{2,40}$/u.test(wanted)) return [];
  const known = new Set(timeZones());
  // A word alone is tried as a city in each area, never as a zone of its own: `EST` or `CET` would resolve
  // to a zone, and the schedule command refuses abbreviations.
  const candidates = wanted.includes('/')
    ? [wanted]
    : [...new Set(timeZones().map((zone) => zone.split('/')[0]))].map((area) => `${area}/${wanted}`);
  const found = candidates.map(resolveZone);
  return [...new Set(found.filter((zone) => zone !== null && known.has(zone)))] as string[];
}

function resolveZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zone's offset from UTC now, as `UTC+1`, `UTC-3:30` or `UTC`. */
function offsetOf(zone: string, now: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName');
    return (part?.value ?? 'GMT').replace(/^GMT/u, 'UTC');
  } catch {
    return 'UTC';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Help topics
// ---------------------------------------------------------------------------------------------------------

function helpSuggestions(typed: string, limit: number): Suggestion[] {
  const wanted = typed.trim().toLowerCase();
  return ranked(HELP_TOPICS, wanted, (topic) => [topic])
    .slice(0, limit)
    .map((topic) => ({ name: clipEnd(`${topic} - ${topicSummary(topic)}`), value: topic }));
}

/** What a topic is about: its first usage entry's summary (search's first says what it does), or `me`'s. */
function topicSummary(topic: HelpTopic): string {
  return topic === 'me' ? ME_GROUP.description : (commandSpec(topic).help.entries[0]?.summary ?? '');
}
