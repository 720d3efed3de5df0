/**
 * The ChatAdapter contract: what every chat platform (Slack, Discord, the local shell, the tests' in-memory
 * adapter) implements, and what it hands to the core. The core owns it; adapters under adapters/ implement
 * it. Adapters translate and render; every rule lives in the core.
 *
 * Ids are opaque strings with a platform prefix, so the core can store and compare them without knowing
 * the platform:
 *   channels   slack:T1:C2        discord:G1:C2      shell:local
 *   users      slack:T1:@U3       discord:@U3        shell:@you
 * A user id is also a target: posting to it sends a direct message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Paper } from '../arxiv/paper.ts';
import type { Scope } from '../bot/commands/command.ts';
import type { CommandOptions } from '../bot/commands/options.ts';
import type { PaperReasons } from '../digest/digest.ts';

/**
 * An adapter's name, which is also the prefix of its ids. The product's platforms are listed in
 * platforms.ts; the core treats the name as opaque, so a test adapter can have a name of its own.
 */
export type Platform = string;

/** Where a message can be posted: a channel, or a user (a direct message). */
export type TargetId = string;
/** Who did something. Has the same form as a user target. */
export type UserId = string;

/** A message the bot or someone else posted; `threadId` is the thread's root when the message is a reply. */
export interface MessageRef {
  target: TargetId;
  /** The platform's own message id (a Slack ts, a Discord snowflake, a shell counter). */
  id: string;
  threadId?: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Outbound: platform-neutral rich messages. Adapters render them (Block Kit, Discord embeds, terminal text)
// and escape every piece of text, since all of it may come from arXiv, a user or a model.
// ---------------------------------------------------------------------------------------------------------

/** A run of plain text, optionally styled (bold, italic, code) or a link. Never interpreted as markup by an adapter. */
export interface Span {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  link?: string;
}

export type Block =
  /** A title line. */
  | { kind: 'header'; text: string }
  /** A paragraph of spans. */
  | { kind: 'text'; spans: Span[] }
  /** Untrusted Markdown (headings, bold, italics, lists, links), e.g. a model's summary; converted, not trusted. */
  | { kind: 'markdown'; text: string }
  /** One paper of a digest or a search result. */
  | {
      kind: 'paper';
      paper: Paper;
      /** Position in the digest or the result list, from 1; null when shown alone. */
      rank: number | null;
      score: number | null;
      matchedTerms: string[];
      tldr: string | null;
      /** The paper's followed authors, as the paper writes them (a digest's DigestPaper.followed). */
      followed?: string[];
      /** What else the learned ranking says put it there (DigestPaper.reasons). */
      reasons?: PaperReasons;
    }
  /** Small print under a message: counts, hints. */
  | { kind: 'context'; spans: Span[] }
  | { kind: 'divider' };

export interface OutboundMessage {
  /** Plain-text fallback: notifications, screen readers, platforms without rich layout. */
  text: string;
  blocks: Block[];
}

export interface PostOptions {
  /** Post as a reply in this message's thread. */
  thread?: MessageRef | undefined;
  /**
   * A key that identifies this post across crashes and restarts. The adapter attaches it to the message
   * (Slack message metadata, a Discord nonce, a field in a log line) so that `findPosted` can find a post
   * that went out just before a crash, and the core never posts it twice.
   */
  idempotencyKey?: string | undefined;
}

export type Visibility = 'private' | 'channel';

// ---------------------------------------------------------------------------------------------------------
// Inbound: what adapters hand to the core.
// ---------------------------------------------------------------------------------------------------------

/** A command with typed options: `/arxiv me schedule time:9am` is `{ name: 'schedule', scope: 'user', … }`. */
export interface TypedCommand {
  /** The subcommand: a command of the table, or whatever an older registration still sends. */
  name: string;
  /** `user` for the `me` group. */
  scope: Scope;
  /** By the table's argument names; strings for text arguments, booleans for boolean ones. */
  options: CommandOptions;
  /** Show the answer to the channel, as `--share` at the end of a text command does. */
  share: boolean;
}

export interface CommandEvent {
  platform: Platform;
  /**
   * The text after `/arxiv`, as the user typed it; the core parses it with its grammar. With `command`, the
   * command as a user would type it, only for logs.
   */
  text: string;
  /**
   * The command as a platform with typed commands gives it (Discord's subcommands and options, registered
   * from the core's command table); the core turns it into a Command with the same parsers as text
   * (`commandFromOptions`, src/bot/commands/options.ts), and then does not parse `text`.
   */
  typed?: TypedCommand | undefined;
  user: UserId;
  /** The channel the command was typed in (a DM channel counts: it is the user's own target). */
  channel: TargetId;
  /**
   * Whether the user may manage `channel`, when the platform says so with the command itself (Discord's
   * interaction carries the member's permissions in that channel); the core then does not ask
   * `canManageChannel`.
   */
  managesChannel?: boolean | undefined;
  /**
   * Called by the core once per command, after parsing and the permission check and before any work and
   * any `respond`, with who will see the first answer if the command succeeds (the command table decides,
   * with --share and the `me` scope). An adapter that must acknowledge quickly does it here: Discord defers
   * its reply, ephemeral or not, within 3 seconds. A command that cannot be parsed or is refused is
   * acknowledged `private`. A problem found later (a paper that does not exist, arXiv down) is still
   * answered `private`, also after `channel` was acknowledged: the adapter then replaces its public
   * placeholder with a private answer. If it rejects, the command is not run.
   */
  acknowledge?(visibility: Visibility): Promise<void>;
  /**
   * Answers the command. `private` is seen only by the user who asked (Slack ephemeral, Discord ephemeral,
   * the shell prints it); `channel` is seen by everyone there. Can be called more than once.
   */
  respond(message: OutboundMessage, visibility: Visibility): Promise<void>;
}

export interface ReactionEvent {
  platform: Platform;
  /**
   * Whether the user put the reaction on (`added`) or took it off (`removed`: Slack's `reaction_removed`,
   * Discord's MESSAGE_REACTION_REMOVE, the shell's `:unreact`). A removal undoes what the addition did
   * where that can be undone (a vote); a posted summary stays.
   */
  action: 'added' | 'removed';
  /** The emoji as the platform names it: `memo` on Slack, `📝` or a custom name on Discord. */
  emoji: string;
  user: UserId;
  /** The message reacted to; `threadId` is set when it is a thread reply (the adapter looks it up if needed). */
  message: MessageRef;
}

export interface InboundHandlers {
  onCommand(event: CommandEvent): Promise<void>;
  onReaction(event: ReactionEvent): Promise<void>;
}

export interface AdapterHealth {
  connected: boolean;
  /** One line for /healthz: workspace and bot name, or why it is not connected. */
  detail: string;
}

/** An HTTP endpoint an adapter serves on the bot's HTTP server (Slack's Events API in HTTP mode, say). */
export interface HttpRoute {
  /** The exact path, e.g. "/slack/events"; the listener gets the request untouched (body unread). */
  path: string;
  listener: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface ChatAdapter {
  readonly platform: Platform;
  /** The HTTP endpoints this adapter needs on the bot's server; none when it has none. */
  routes?(): readonly HttpRoute[];
  /** Connects and starts handing events to `handlers`. Rejects with a clear error if it cannot. */
  start(handlers: InboundHandlers): Promise<void>;
  /** Stops taking events, lets a post in flight finish, and disconnects. */
  stop(): Promise<void>;
  health(): AdapterHealth;

  /**
   * Posts to a channel, or to a user as a direct message; as a thread reply when `thread` is given.
   * The returned ref names the target passed in (a DM's ref names the user target, not the platform's DM
   * channel). A reply given as `thread` puts the new post in that reply's root thread.
   */
  post(target: TargetId, message: OutboundMessage, options?: PostOptions): Promise<MessageRef>;
  /**
   * Finds a message this bot posted with the given idempotency key, in `target` (and in `thread`, when
   * given), among recent messages. Null if there is none. A thread reply is looked up with its thread:
   * platforms do not list replies in the channel's history.
   */
  findPosted(target: TargetId, idempotencyKey: string, thread?: MessageRef): Promise<MessageRef | null>;
  /** The text of a message (to find arXiv links in it), or null if it cannot be read. */
  fetchMessageText(message: MessageRef): Promise<string | null>;
  /**
   * Whether `user` may change the settings of `channel` under the platform's own permissions: Discord's
   * Manage Channels; on Slack, a member of the channel (as for the channel's topic and integrations). Config
   * may narrow it to named admins on top; the core does that.
   */
  canManageChannel(user: UserId, channel: TargetId): Promise<boolean>;
}
