import type { Visibility } from '../../chat/types.ts';
import type { Command, CommandKind, HelpTopic, Scope, ScopedKind } from './command.ts';

/*
 * The one table of the /arxiv commands (DESIGN.md, "The /arxiv command"): for each command its arguments,
 * who may run it, who sees its answer, whether it has a `me` form, and its help. Everything else reads it:
 * the text grammar (grammar.ts) for the command names, help.ts for the help text and the usage lines of
 * error messages, the handlers and the bot for permissions and the visibility of answers, adapters with
 * typed commands (Discord) for their subcommands and options, and Slack's usage hint (manifest.yml).
 */

/** The value an argument takes; each has its parser (terms.ts, categories.ts, schedule.ts, paper-ref.ts). */
export type ArgumentKind = 'text' | 'boolean' | 'category-list' | 'time' | 'timezone' | 'paper';

/** What an adapter that completes arguments as they are typed offers for one. */
export type Autocomplete = 'categories' | 'time-zones' | 'help-topics';

export interface ArgumentSpec {
  /** The option's name in a typed command (Discord): lowercase ASCII, at most 32 characters. */
  readonly name: string;
  readonly kind: ArgumentKind;
  /**
   * Whether a typed command must give it. Text is freer, as its usage form says: `/arxiv categories` alone
   * shows the categories, and `/arxiv schedule Europe/Berlin` changes the time zone alone.
   */
  readonly required: boolean;
  /** One line, at most 100 characters (Discord's limit for an option). */
  readonly description: string;
  readonly autocomplete: Autocomplete | null;
  /** For a boolean: how the text grammar spells true and false (`on`/`off`; `revoke`/nothing). */
  readonly spelled?: { readonly true: string; readonly false: string };
}

/** Who may run a command in a channel: anyone, or only who may manage the channel (or the config's admins). */
export type Audience = 'anyone' | 'channel-manager';

/**
 * Who sees the first answer to a command: the user alone (`private`); the user alone unless the command ends
 * with --share (`shareable`); everyone in the channel (`channel`). A `me` form never answers in the channel
 * unless shared: it is about the user's own digest.
 */
export type AnswerAudience = 'private' | 'shareable' | 'channel';

export interface Access {
  /** Who may run it. The `me` form of a command works on the user's own settings: anyone may run it. */
  readonly who: Audience;
  readonly answer: AnswerAudience;
}

/** One usage line of the help: `/arxiv <form> - <summary>`. */
export interface UsageEntry {
  /** The usage after `/arxiv `, plain text. The entry whose form starts with the command's name is its main one. */
  readonly form: string;
  readonly summary: string;
  /** For a command that has a `me` form: that form's summary. */
  readonly mine?: string;
}

export interface CommandHelp {
  readonly entries: readonly UsageEntry[];
  /** Shown by `/arxiv help <command>` after the usage lines. */
  readonly details: readonly string[];
}

export interface CommandSpec<K extends CommandKind = CommandKind> {
  readonly name: K;
  readonly arguments: readonly ArgumentSpec[];
  /** Who may run it and who sees the answer; for a command with a `show` form, when given arguments. */
  readonly access: Access;
  /**
   * For a command that, given no arguments, only shows a setting (or a link): who may run that bare form
   * and who sees its answer.
   */
  readonly show?: Access;
  /** Whether it also exists as `/arxiv me <name>`, for the user's own digest. */
  readonly me: K extends ScopedKind ? true : false;
  /** Whether Slack's usage hint (the line under /arxiv in Slack's command menu) shows it. */
  readonly usageHint: boolean;
  readonly help: CommandHelp;
}

const CHANGE_CHANNEL: Access = { who: 'channel-manager', answer: 'channel' };
const SHOW_SETTING: Access = { who: 'anyone', answer: 'shareable' };

/** How a text command asks to show its answer to the channel; a typed platform says it its own way (help.ts). */
export const SHARE_HINT = 'end the command with --share';

const TERMS_SYNTAX =
  'Comma-separated; a "quoted phrase" matches exactly, -term excludes. Example: LLM, -survey';

/** The commands, in the order help lists them. */
const TABLE: { readonly [K in CommandKind]: CommandSpec<K> } = {
  search: {
    name: 'search',
    arguments: [
      {
        name: 'query',
        kind: 'text',
        required: true,
        description: 'Words to search for; a "quoted phrase" keeps its words together',
        autocomplete: null,
      },
    ],
    access: SHOW_SETTING,
    me: false,
    usageHint: true,
    help: {
      entries: [
        { form: '<words>', summary: 'Search arXiv: recent papers and the arXiv API.' },
        { form: 'search <words>', summary: 'The same, also for words that are command names.' },
      ],
      details: [
        'Example: /arxiv search "speculative decoding" tree',
        'Words and "quoted phrases" mix as in arXiv\'s own search box: a phrase finds its words together, in order.',
        `Results are shown to you alone; ${SHARE_HINT} to show them to the channel.`,
      ],
    },
  },
  subscribe: {
    name: 'subscribe',
    arguments: [
      { name: 'terms', kind: 'text', required: true, description: TERMS_SYNTAX, autocomplete: null },
    ],
    access: CHANGE_CHANNEL,
    me: true,
    usageHint: true,
    help: {
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
  },
  unsubscribe: {
    name: 'unsubscribe',
    arguments: [
      {
        name: 'terms',
        kind: 'text',
        required: true,
        description: 'Comma-separated terms as /arxiv list shows them, or all',
        autocomplete: null,
      },
    ],
    access: CHANGE_CHANNEL,
    me: true,
    usageHint: false,
    help: {
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
  },
  follow: {
    name: 'follow',
    arguments: [
      {
        name: 'author',
        kind: 'text',
        required: true,
        description: 'The full name as arXiv lists it (Yann LeCun, Y. LeCun, LeCun, Yann); several: use ;',
        autocomplete: null,
      },
    ],
    access: CHANGE_CHANNEL,
    me: true,
    usageHint: true,
    help: {
      entries: [
        {
          form: 'follow <author name>',
          summary: "Put this author's papers in this channel's digest, whatever its terms.",
          mine: "Put this author's papers in your own digest, whatever its terms.",
        },
      ],
      details: [
        'Any way arXiv writes the name counts: Yann LeCun, Y. LeCun, LeCun, Yann, with or without accents. A surname alone is not enough: it would match everyone who shares it.',
        'Separate several authors with semicolons. Example: /arxiv follow Yann LeCun; Hinton, Geoffrey',
        'Their papers come first in the digest, marked, when they are in its categories and hold no excluded term.',
      ],
    },
  },
  unfollow: {
    name: 'unfollow',
    arguments: [
      {
        name: 'author',
        kind: 'text',
        required: true,
        description: 'The name as /arxiv list shows it, or all',
        autocomplete: null,
      },
    ],
    access: CHANGE_CHANNEL,
    me: true,
    usageHint: false,
    help: {
      entries: [
        {
          form: 'unfollow <author name | all>',
          summary: 'Stop following this author, or all of them.',
          mine: 'Stop following this author in your own digest, or all of them.',
        },
      ],
      details: ['Name the author as /arxiv list shows them, or any other way of writing the same name.'],
    },
  },
  list: {
    name: 'list',
    arguments: [],
    access: SHOW_SETTING,
    me: true,
    usageHint: true,
    help: {
      entries: [
        {
          form: 'list',
          summary: "Show this channel's terms, followed authors, categories and schedule.",
          mine: 'Show your own terms, followed authors, categories and schedule.',
        },
      ],
      details: [`Shown to you alone; ${SHARE_HINT} to show it to the channel.`],
    },
  },
  categories: {
    name: 'categories',
    arguments: [
      {
        name: 'categories',
        kind: 'category-list',
        required: true,
        description: 'arXiv categories separated by commas or spaces, such as cs.AI, cs.LG',
        autocomplete: 'categories',
      },
    ],
    access: CHANGE_CHANNEL,
    show: SHOW_SETTING,
    me: true,
    usageHint: false,
    help: {
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
  },
  schedule: {
    name: 'schedule',
    arguments: [
      {
        name: 'time',
        kind: 'time',
        required: true,
        description: 'The daily time: 09:30 (24-hour), 9am or 7:30pm',
        autocomplete: null,
      },
      {
        name: 'timezone',
        kind: 'timezone',
        required: false,
        description: 'An IANA time zone such as Europe/Berlin or UTC; the current one when left out',
        autocomplete: 'time-zones',
      },
    ],
    access: CHANGE_CHANNEL,
    show: SHOW_SETTING,
    me: true,
    usageHint: false,
    help: {
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
  },
  digest: {
    name: 'digest',
    arguments: [],
    // What is posted in the channel is the digest itself; the answer says how that went.
    access: { who: 'anyone', answer: 'private' },
    me: false,
    usageHint: true,
    help: {
      entries: [{ form: 'digest', summary: 'Post the latest digest here now.' }],
      details: [],
    },
  },
  summary: {
    name: 'summary',
    arguments: [
      {
        name: 'paper',
        kind: 'paper',
        required: true,
        description: 'An arXiv id such as 2401.01234 or hep-th/9504118, or an arxiv.org link',
        autocomplete: null,
      },
    ],
    access: { who: 'anyone', answer: 'channel' },
    me: false,
    usageHint: true,
    help: {
      entries: [{ form: 'summary <arXiv id or link>', summary: 'Summarize one paper.' }],
      details: [
        'An id such as 2401.01234, 2401.01234v2, arXiv:2401.01234 or hep-th/9504118, or an arxiv.org abs, pdf or html link.',
      ],
    },
  },
  cite: {
    name: 'cite',
    arguments: [
      {
        name: 'paper',
        kind: 'paper',
        required: true,
        description: 'An arXiv id such as 2401.01234 or hep-th/9504118, or an arxiv.org link',
        autocomplete: null,
      },
      {
        name: 'format',
        kind: 'text',
        required: false,
        description: 'bibtex (the default) or ris',
        autocomplete: null,
      },
    ],
    access: { who: 'anyone', answer: 'private' },
    me: false,
    usageHint: true,
    help: {
      entries: [
        {
          form: 'cite <arXiv id or link> [bibtex | ris]',
          summary: "One paper's citation, as BibTeX or RIS.",
        },
      ],
      details: [
        "BibTeX as arXiv's own export writes it (@misc with eprint, archivePrefix and primaryClass), with the DOI and journal reference when the paper has them.",
        'Shown to you alone. React to a paper with the cite emoji to post its BibTeX in the thread.',
      ],
    },
  },
  top: {
    name: 'top',
    arguments: [
      {
        name: 'period',
        kind: 'text',
        required: false,
        description: 'week (the last 7 days, the default) or month (the last 30)',
        autocomplete: null,
      },
    ],
    access: SHOW_SETTING,
    me: true,
    usageHint: false,
    help: {
      entries: [
        {
          form: 'top [week | month]',
          summary: 'The papers liked most in this channel in the last week (or month), with their votes.',
          mine: 'The papers you liked, anywhere, in the last week (or month).',
        },
      ],
      details: [
        'A vote is a like or dislike reaction (👍 or 👎 unless configured otherwise) on a paper the bot posted: one per person and paper, the newer one counting. Take the reaction off to take the vote back.',
        'In your DMs, the votes on your own digest count.',
        `Shown to you alone; ${SHARE_HINT} to show it to the channel.`,
      ],
    },
  },
  weekly: {
    name: 'weekly',
    arguments: [
      {
        name: 'enabled',
        kind: 'boolean',
        required: true,
        description: 'Weekly rollup on or off',
        autocomplete: null,
        spelled: { true: 'on', false: 'off' },
      },
      {
        name: 'day',
        kind: 'text',
        required: false,
        description: 'Monday (default) to Sunday',
        autocomplete: null,
      },
      {
        name: 'time',
        kind: 'time',
        required: false,
        description: 'Digest time zone: 09:00 (default), 9am, 5:30pm',
        autocomplete: null,
      },
    ],
    access: CHANGE_CHANNEL,
    show: SHOW_SETTING,
    me: true,
    usageHint: false,
    help: {
      entries: [
        {
          form: 'weekly [on [day] [HH:MM] | off]',
          summary: "This channel's weekly rollup: on, off, or shown.",
          mine: 'Your own weekly rollup, by DM: on, off, or shown.',
        },
      ],
      details: [
        "Once a week (Monday 09:00 in the digest's time zone unless you name a day and a time), one message with the last week's (Monday to Sunday) most liked and most summarized papers, and its numbers: digests delivered, papers posted, votes. A week with none of these posts nothing.",
        'Example: /arxiv weekly on friday 17:00',
      ],
    },
  },
  feed: {
    name: 'feed',
    arguments: [
      {
        name: 'revoke',
        kind: 'boolean',
        required: false,
        description: 'Revoke the link, so that it stops working',
        autocomplete: null,
        spelled: { true: 'revoke', false: '' },
      },
    ],
    // Revoking is confirmed in the channel; the link itself is a secret, for the asking user only.
    access: CHANGE_CHANNEL,
    show: { who: 'channel-manager', answer: 'private' },
    me: false,
    usageHint: false,
    help: {
      entries: [
        {
          form: 'feed [revoke]',
          summary: "Show this channel's private RSS feed link (made on first use), or revoke it.",
        },
      ],
      details: ['Anyone with the link can read the feed; revoke it to stop that, then ask for a new one.'],
    },
  },
  public: {
    name: 'public',
    arguments: [
      {
        name: 'enabled',
        kind: 'boolean',
        required: true,
        description: "List this channel's digests on the public archive page",
        autocomplete: null,
        spelled: { true: 'on', false: 'off' },
      },
    ],
    access: CHANGE_CHANNEL,
    show: SHOW_SETTING,
    me: false,
    usageHint: false,
    help: {
      entries: [
        {
          form: 'public [on | off]',
          summary: "List this channel's digests on the public archive page, or stop (or show which).",
        },
      ],
      details: [],
    },
  },
  help: {
    name: 'help',
    arguments: [
      {
        name: 'command',
        kind: 'text',
        required: false,
        description: 'The command to explain',
        autocomplete: 'help-topics',
      },
    ],
    access: SHOW_SETTING,
    me: false,
    usageHint: true,
    help: {
      entries: [{ form: 'help [command]', summary: 'This list, or more about one command.' }],
      details: [],
    },
  },
};

/** Every command, in the order help lists them. */
export const COMMAND_TABLE: readonly CommandSpec[] = Object.values(TABLE);

/** The command names: what the text grammar recognizes as a subcommand. */
export const COMMAND_NAMES: readonly CommandKind[] = COMMAND_TABLE.map((spec) => spec.name);

/** The commands that also exist as `/arxiv me ...`, in table order. */
export const SCOPED_KINDS: readonly ScopedKind[] = COMMAND_TABLE.flatMap((spec) =>
  spec.me ? [spec.name as ScopedKind] : [],
);

/** The `me` group: the scoped commands again, for the user's own digest, delivered by direct message. */
export const ME_GROUP = {
  name: 'me',
  /** At most 100 characters, like a command's summary. */
  description: 'The same for your own digest, sent to you by direct message.',
  /** Anyone may run them: they change only the user's own settings. */
  who: 'anyone',
  commands: SCOPED_KINDS,
} as const;

/** What `/arxiv help <topic>` explains, in the order help lists them: the commands, and `me` before `help`. */
export const HELP_TOPICS: readonly HelpTopic[] = [
  ...COMMAND_NAMES.filter((name) => name !== 'help'),
  'me',
  'help',
];

export function commandSpec<K extends CommandKind>(kind: K): CommandSpec<K> {
  return TABLE[kind] as CommandSpec<K>;
}

export function isCommandKind(word: string): word is CommandKind {
  return Object.hasOwn(TABLE, word);
}

export function isScopedKind(word: string): word is ScopedKind {
  return (SCOPED_KINDS as readonly string[]).includes(word);
}

export function isHelpTopic(word: string): word is HelpTopic {
  return (HELP_TOPICS as readonly string[]).includes(word);
}

/** A command's main usage entry: the one whose form starts with its name (`search <words>`, not `<words>`). */
export function mainEntry(spec: CommandSpec): UsageEntry {
  const entries = spec.help.entries;
  const main = entries.find((entry) => entry.form.split(' ')[0] === spec.name) ?? entries[0];
  if (!main) throw new Error(`the command table has no usage for ${spec.name}`);
  return main;
}

/** Whose settings a command works on; commands without a scope work in the channel they are typed in. */
export function scopeOf(command: Command): Scope {
  return 'scope' in command ? command.scope : 'channel';
}

/** Whether the command was given without the arguments that would change something, so it only shows. */
function isBare(command: Command): boolean {
  switch (command.kind) {
    case 'categories':
      return command.categories === null;
    case 'schedule':
      return command.time === null && command.timeZone === null;
    case 'public':
    case 'weekly':
      return command.enabled === null;
    case 'feed':
      return command.action === 'show';
    case 'help':
      return command.topic === null;
    case 'top':
    case 'search':
    case 'subscribe':
    case 'unsubscribe':
    case 'follow':
    case 'unfollow':
    case 'summary':
    case 'cite':
      return false;
    case 'list':
    case 'digest':
      return true;
  }
}

/** Who may run this command and who sees its answer, by the table. */
export function accessOf(command: Command): Access {
  const spec = commandSpec(command.kind);
  return (isBare(command) ? spec.show : undefined) ?? spec.access;
}

/**
 * Who sees the first answer to this command when it succeeds. The bot tells the adapter before the work
 * starts (CommandEvent.acknowledge) and the handlers answer with it, so the two cannot disagree. A problem
 * (a refusal, a bad argument, a failure) is always answered privately.
 */
export function answerVisibility(command: Command, share: boolean): Visibility {
  switch (accessOf(command).answer) {
    case 'shareable':
      return share ? 'channel' : 'private';
    case 'channel':
      return scopeOf(command) === 'user' ? 'private' : 'channel';
    case 'private':
      return 'private';
  }
}

/** Whether only people who may manage the channel (or the config's admins) may run this command. */
export function needsChannelManager(command: Command): boolean {
  return scopeOf(command) === 'channel' && accessOf(command).who === 'channel-manager';
}

/**
 * Slack's usage hint: the main forms of the commands marked for it, the `me` form of the first of them that
 * has one, and help last. adapters/slack/manifest.yml carries it; a test keeps the two equal.
 */
export function slackUsageHint(): string {
  const hinted = COMMAND_TABLE.filter((spec) => spec.usageHint);
  const forms = hinted.filter((spec) => spec.name !== 'help').map((spec) => mainEntry(spec).form);
  const mine = hinted.find((spec) => spec.me);
  const help = hinted.find((spec) => spec.name === 'help');
  return [
    ...forms,
    ...(mine ? [`me ${mainEntry(mine).form}`] : []),
    ...(help ? [mainEntry(help).form] : []),
  ].join(' | ');
}
