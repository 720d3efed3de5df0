/**
 * What a platform's contract test supplies to `runAdapterContract`: the adapter, and a driver that plays the
 * platform's other side - the people in the workspace and what their client shows them.
 *
 * For Slack the driver sits on the fake Slack server (test/fakes): `command` sends a slash-command envelope
 * over Socket Mode, `react` a `reaction_added` event, `posted` reads the chat.postMessage calls the server
 * received, `answers` the ephemeral and in-channel responses, and `wouldPing` reads mrkdwn as Slack does
 * (`<!channel>`, `<!here>`, `<!everyone>`, `<@U…>`, `<!subteam^…>`). The shell's reads the transcript back
 * (shell-driver.ts); the memory adapter's reads what it recorded. (There is no Discord adapter yet: its driver
 * would do the same over a fake Gateway and REST API, its `wouldPing` also weighing `allowed_mentions`.)
 */
import type { ChatAdapter, MessageRef, TargetId, UserId, Visibility } from '../../src/chat/types.ts';

/** A link a reader can follow: the text they see for it, and where it goes. */
export interface ShownLink {
  text: string;
  url: string;
}

/** A message as the platform shows it to a reader. */
export interface Shown {
  /** Everything a reader sees, as plain text: markup resolved the way the platform resolves it. */
  text: string;
  /**
   * Every link a reader can follow. A bare address that the client turns into a link (as Slack does, or a
   * terminal) is a link whose text is the address itself.
   */
  links: ShownLink[];
  /** What the platform received (Block Kit JSON, a Discord payload, terminal text): what `wouldPing` reads. */
  raw: string;
}

/** A message the bot posted, as its target shows it. */
export interface ShownMessage extends Shown {
  /** The message as the contract names it: the target it was posted to, its id, its thread's root. */
  ref: MessageRef;
  /** Shown as a direct message to the user `ref.target` names. */
  direct: boolean;
}

/** An answer to a command, as the one who asked (private) or the channel (channel) sees it. */
export interface ShownAnswer extends Shown {
  visibility: Visibility;
  /** Who typed the command. */
  user: UserId;
  /** Where it was typed. */
  channel: TargetId;
}

export interface ContractDriver {
  /**
   * Types `/arxiv <text>` as `user` in `channel`. Resolves once the platform has handed the command to the
   * adapter (or would have, were it listening); it does not wait for the handler.
   */
  command(input: { text: string; user: UserId; channel: TargetId }): Promise<void>;
  /** Adds the reaction `emoji` by `user` to `message`, as the platform's client would. */
  react(input: { message: MessageRef; emoji: string; user: UserId }): Promise<void>;
  /** Takes the reaction `emoji` by `user` off `message` again, as the platform's client would. */
  unreact(input: { message: MessageRef; emoji: string; user: UserId }): Promise<void>;
  /** The bot's posts so far (not command answers), as their targets show them, in order. */
  posted(): Promise<ShownMessage[]>;
  /** The answers to commands so far, in order. */
  answers(): Promise<ShownAnswer[]>;
  /** Whether showing this message notifies anyone beyond its normal delivery (@channel, a mention). */
  wouldPing(message: Shown): boolean;
  /**
   * A message that does ping on this platform, so the suite can check that `wouldPing` notices one. Left out
   * where nothing can ping (the shell: a terminal notifies no one).
   */
  pingSample?: Shown;
  /**
   * Makes the platform keep the next posts in flight (a slow API, a full pipe) until `release()`;
   * `reached()` resolves once a post is in flight there.
   */
  holdPosts(): { reached(): Promise<void>; release(): void };
}

export interface ContractHarness {
  /** A fresh adapter, not started: the suite starts and stops it. */
  adapter: ChatAdapter;
  driver: ContractDriver;
  /** A channel the bot posts in and where the driver types commands. */
  channel: TargetId;
  /** A user who types commands and reacts; also a direct-message target. */
  user: UserId;
  /** The name this platform gives the summary reaction (`memo` on Slack, `📝` on Discord). */
  emoji: string;
  /** Releases what the setup made (servers, streams, files); runs after the adapter was stopped. */
  teardown(): Promise<void>;
}
