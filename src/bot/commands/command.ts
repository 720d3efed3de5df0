import type { CitationFormat } from '../../arxiv/cite.ts';
import type { KeywordQuery } from '../../digest/query.ts';
import type { Weekday } from '../../schedule/calendar.ts';

/**
 * What an `/arxiv` command asks for, whatever platform it was typed on. The text grammar (grammar.ts) and
 * Discord's typed subcommand options both produce these values; the handlers in src/bot consume them.
 */

/** Whose settings a command reads or changes: the channel it was typed in, or the user who typed it (by DM). */
export type Scope = 'channel' | 'user';

export type Command =
  /** Search arXiv. `query` is the user's text with chat markup and control characters removed. */
  | { kind: 'search'; query: string }
  /** Add these terms (and exclusions) to the scope's subscription. */
  | { kind: 'subscribe'; scope: Scope; query: KeywordQuery }
  /**
   * Remove terms from the scope's subscription, or all of them. A listed term removes every subscription
   * term, wanted or excluded, quoted or not, whose text is the same ignoring case: the user names terms as
   * `list` shows them, and `-survey` or `"news"` name the same terms as `survey` or `news`.
   */
  | { kind: 'unsubscribe'; scope: Scope; terms: string[] | 'all' }
  /**
   * Follow these authors in the scope's digest: their papers join it whatever their terms (names as typed,
   * each with a given name and a surname: follow.ts, src/digest/authors.ts).
   */
  | { kind: 'follow'; scope: Scope; authors: string[] }
  /** Stop following these authors (as `list` shows them, or any way of writing the same name), or all. */
  | { kind: 'unfollow'; scope: Scope; authors: string[] | 'all' }
  /** Show the scope's terms, followed authors, categories and schedule. */
  | { kind: 'list'; scope: Scope }
  /** Replace the scope's categories (arXiv's spelling, no duplicates), or show them when null. */
  | { kind: 'categories'; scope: Scope; categories: string[] | null }
  /**
   * Change the daily time (`HH:MM`, 24-hour, zero-padded) and/or the IANA time zone (as Intl spells it);
   * a null part is kept as it is. Both null: show the schedule.
   */
  | { kind: 'schedule'; scope: Scope; time: string | null; timeZone: string | null }
  /** Post the newest digest in the channel now. */
  | { kind: 'digest' }
  /**
   * The most liked papers of the last week or month: by the votes in the channel, or (user scope) by the
   * user's own votes anywhere (src/bot/feedback.ts).
   */
  | { kind: 'top'; scope: Scope; period: 'week' | 'month' }
  /**
   * The weekly rollup (src/bot/weekly.ts): on (at `day` and `time` in the schedule's time zone; null keeps
   * the current one, else the default Monday 09:00), off, or (`enabled` null) show the setting.
   */
  | { kind: 'weekly'; scope: Scope; enabled: boolean | null; day: Weekday | null; time: string | null }
  /** Summarize one paper; `version` is null when the user gave none. */
  | { kind: 'summary'; id: string; version: number | null }
  /** One paper's citation, as BibTeX (the default) or RIS (src/arxiv/cite.ts). */
  | { kind: 'cite'; id: string; version: number | null; format: CitationFormat }
  /** `show`: the channel's private feed URL, created if it has none. `revoke`: invalidate it. */
  | { kind: 'feed'; action: 'show' | 'revoke' }
  /** List the channel's digests on the public archive page (true) or not (false); null shows the setting. */
  | { kind: 'public'; enabled: boolean | null }
  /** The command list, or one command's help. */
  | { kind: 'help'; topic: HelpTopic | null };

export type CommandKind = Command['kind'];

/** The commands that also exist as `/arxiv me ...`, for the user's own subscription. */
export type ScopedKind = Extract<Command, { scope: Scope }>['kind'];

/** What `/arxiv help <topic>` explains: a command, or the `me` forms. */
export type HelpTopic = CommandKind | 'me';
