import type { CommandKind, HelpTopic, Scope, ScopedKind } from './command.ts';

/*
 * The one table of usage lines. Error messages quote a command's usage from it and `help` prints it, so the
 * two never disagree. Plain text without platform markup: adapters render it as text.
 */

interface UsageEntry {
  /** The usage after `/arxiv `. */
  form: string;
  summary: string;
  /** For a command that has a `me` form: that form's summary. */
  mine?: string;
}

interface TopicHelp {
  entries: readonly UsageEntry[];
  /** Shown by `/arxiv help <topic>` after the usage lines. */
  details: readonly string[];
}

const ME_FORMS = 'subscribe|unsubscribe|list|categories|schedule';

const TOPICS: Readonly<Record<HelpTopic, TopicHelp>> = {
  search: {
    entries: [
      { form: '<words>', summary: 'Search arXiv: recent papers and the arXiv API.' },
      { form: 'search <words>', summary: 'The same, also for words that are command names.' },
    ],
    details: [
      'Example: /arxiv search graph neural networks',
      'Results are shown to you alone; end the command with --share to show them to the channel.',
    ],
  },
  subscribe: {
    entries: [
      {
        form: 'subscribe <terms>',
        summary: "Follow these terms in this channel's daily digest.",
        mine: 'Follow these terms in your own digest, sent to you by DM.',
      },
    ],
    details: [
      'Terms are separated by commas (or line breaks); case does not matter. A "quoted phrase" matches exactly; -term drops papers that mention it.',
      'Example: /arxiv subscribe LLM, "mixture of experts", -survey',
    ],
  },
  unsubscribe: {
    entries: [
      {
        form: 'unsubscribe <terms | all>',
        summary: 'Stop following these terms, or all of them.',
        mine: 'Stop following these terms in your own digest, or all of them.',
      },
    ],
    details: [
      'Name terms as /arxiv list shows them; quotes and a leading - are optional. To remove a term called "all", quote it.',
    ],
  },
  list: {
    entries: [
      {
        form: 'list',
        summary: "Show this channel's terms, categories and schedule.",
        mine: 'Show your own terms, categories and schedule.',
      },
    ],
    details: ['Shown to you alone; end the command with --share to show it to the channel.'],
  },
  categories: {
    entries: [
      {
        form: 'categories [cs.AI, cs.LG ...]',
        summary: "Set (or show) the arXiv categories of this channel's digest.",
        mine: 'Set (or show) the arXiv categories of your own digest.',
      },
    ],
    details: [
      'Codes from arxiv.org/category_taxonomy, separated by commas or spaces, in any case. A whole archive (cs, math) counts too.',
    ],
  },
  schedule: {
    entries: [
      {
        form: 'schedule [HH:MM] [Area/City]',
        summary: "Set (or show) the daily time and time zone of this channel's digest.",
        mine: 'Set (or show) the daily time and time zone of your own digest.',
      },
    ],
    details: [
      'A 24-hour time (09:30) or 9am / 7:30pm, and an IANA time zone such as Europe/Berlin, America/New_York or UTC (a city alone, like Berlin, also works). Give either alone to keep the other.',
      'Example: /arxiv schedule 08:30 Europe/Berlin',
    ],
  },
  digest: {
    entries: [{ form: 'digest', summary: 'Post the latest digest here now.' }],
    details: [],
  },
  summary: {
    entries: [{ form: 'summary <arXiv id or link>', summary: 'Summarize one paper.' }],
    details: [
      'An id such as 2401.01234, 2401.01234v2, arXiv:2401.01234 or hep-th/9504118, or an arxiv.org abs, pdf or html link.',
    ],
  },
  feed: {
    entries: [
      {
        form: 'feed [revoke]',
        summary: "Show this channel's private RSS feed link (made on first use), or revoke it.",
      },
    ],
    details: ['Anyone with the link can read the feed; revoke it to stop that, then ask for a new one.'],
  },
  public: {
    entries: [
      {
        form: 'public [on | off]',
        summary: "List this channel's digests on the public archive page, or stop (or show which).",
      },
    ],
    details: [],
  },
  me: {
    entries: [
      {
        form: `me ${ME_FORMS} ...`,
        summary: 'The same for your own digest, sent to you by direct message.',
      },
    ],
    details: [],
  },
  help: {
    entries: [{ form: 'help [command]', summary: 'This list, or more about one command.' }],
    details: [],
  },
};

export const HELP_TOPICS = Object.keys(TOPICS) as HelpTopic[];

const SCOPED: readonly ScopedKind[] = ['subscribe', 'unsubscribe', 'list', 'categories', 'schedule'];

export function isScopedKind(word: string): word is ScopedKind {
  return (SCOPED as readonly string[]).includes(word);
}

export function isHelpTopic(word: string): word is HelpTopic {
  return Object.hasOwn(TOPICS, word);
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
  const entries = TOPICS[kind].entries;
  return (scope === 'user' ? entries.map(meEntry) : entries).map((entry) => `/arxiv ${entry.form}`);
}

/** The usage lines of the `me` forms. */
export function meUsage(): string[] {
  return SCOPED.flatMap((kind) => usageOf(kind, 'user'));
}

/**
 * The help text: every command with a short description, or, for a topic (`subscribe`, `me`, ...), its
 * usage lines (the `me` form too, for a scoped command) and details. An unknown topic gets the whole list.
 */
export function helpText(topic?: string): string {
  const wanted = topic?.normalize('NFKC').trim().toLowerCase() ?? '';
  if (!isHelpTopic(wanted)) {
    return [
      'arXiv digest commands:',
      ...HELP_TOPICS.flatMap((name) => TOPICS[name].entries.map(line)),
      'Type /arxiv help <command> for more about one of them.',
    ].join('\n');
  }
  const { entries, details } = TOPICS[wanted];
  const lines =
    wanted === 'me'
      ? SCOPED.flatMap((kind) => TOPICS[kind].entries.map(meEntry))
      : [...entries, ...(isScopedKind(wanted) ? entries.map(meEntry) : [])];
  return [...lines.map(line), ...details].join('\n');
}
