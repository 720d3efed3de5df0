/**
 * The shell adapter: the bot on a terminal, for trying it locally, and the console output of a run without
 * a chat platform.
 *
 * Interactive: a readline prompt. `/arxiv ...` (or `arxiv ...`) is a command; `:react <n> <emoji>` reacts to
 * message [n] and `:unreact <n> <emoji>` takes that reaction off again; `:help` lists the shell's commands; `:quit`, Ctrl+C or the end of input ends the session (and
 * resolves `closed`, which the composition root awaits to shut down). Any other line is posted to the channel
 * as your message, so that you can react to a message with an arXiv link in it.
 *
 * Non-interactive (no terminal: a container, CI): no prompt and no input; posts are written to the output.
 *
 * Every message is printed as it is posted, numbered, thread replies indented under their root (see
 * layout.ts). ANSI colour only when the output is a terminal, unless `color` says otherwise.
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type {
  AdapterHealth,
  ChatAdapter,
  CommandEvent,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  TargetId,
  UserId,
  Visibility,
} from '../../src/chat/types.ts';
import { isAppError } from '../../src/errors.ts';
import { type Logger, silentLogger } from '../../src/log.ts';
import { AdapterLifecycle } from '../kit/lifecycle.ts';
import { PostedKeys } from '../kit/posted-keys.ts';
import { type JournalRecord, PostJournal } from './journal.ts';
import { type EntryHeader, formatEntry, formatNotice } from './layout.ts';
import { messagePlainText, renderMessage } from './render.ts';
import { sanitizeTerminalText } from './sanitize.ts';
import { type Style, styleFor } from './style.ts';

export interface ShellAdapterOptions {
  /** Where typed lines come from; needed when interactive. */
  input?: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** A prompt that reads commands (a terminal), or output only (a container, CI). */
  interactive: boolean;
  logger?: Logger;
  /** The channel commands are typed in and that `:react` and your messages belong to. */
  channel?: TargetId;
  /** Who types; also the target of direct messages shown as yours. */
  user?: UserId;
  /** ANSI colour; by default, whether the output is a terminal. */
  color?: boolean;
  /** A JSON-lines file of posts, so that `findPosted` survives a restart (see journal.ts). */
  journal?: string;
  /**
   * How many of the newest messages the shell remembers (for `findPosted`, `fetchMessageText` and `:react`)
   * and keeps in its journal, so a long-running process does not grow without end. Default 10,000.
   */
  recentMessages?: number;
}

const BOT_NAME = 'arxiv-digest';
const PROMPT = 'arxiv> ';
const COMMAND_LINE = /^\/?arxiv(?:\s+([\s\S]*))?$/i;
const REACT_LINE = /^:(react|unreact)\s+\[?(\d+)\]?\s+(\S+)$/;
/** How much of a command's text its answer's label repeats. */
const LABEL_COMMAND_CHARS = 60;

const HELP = [
  'Shell commands:',
  '  /arxiv <command>     talk to the bot (also without the slash); /arxiv help lists its commands',
  '  :react <n> <emoji>   react to message [n]; :react 3 memo asks for the summary of the paper in [3],',
  '                       :react 3 +1 (or -1) votes for (or against) it',
  '  :unreact <n> <emoji> take your reaction off message [n] again (a vote is withdrawn)',
  '  :help                this list',
  '  :quit                leave (also Ctrl+D or Ctrl+C)',
  'Any other line is posted to the channel as your message, so you can react to it.',
];

interface ShownMessage {
  ref: MessageRef;
  text: string;
  key: string | undefined;
}

const isShellUser = (id: string): boolean => id.startsWith('shell:@');

export class ShellAdapter implements ChatAdapter {
  readonly platform = 'shell';
  /** Resolves when the session ends: `:quit`, Ctrl+C, end of input, or `stop()`. */
  readonly closed: Promise<void>;

  readonly #input: NodeJS.ReadableStream | undefined;
  readonly #output: NodeJS.WritableStream;
  readonly #interactive: boolean;
  readonly #terminal: boolean;
  readonly #style: Style;
  readonly #logger: Logger;
  readonly #channel: TargetId;
  readonly #user: UserId;
  readonly #journalPath: string | undefined;
  readonly #recentMessages: number;

  readonly #life = new AdapterLifecycle('shell');
  #handlers: InboundHandlers | null = null;
  #readline: Interface | null = null;
  #sessionOpen = false;
  #endSession: () => void = () => {};
  #journal: PostJournal | null = null;
  #lastNumber = 0;
  /** The thread root of the last message printed, so a reply right under its thread needs no label. */
  #lastRoot: string | null = null;
  readonly #messages = new Map<string, ShownMessage>();
  /** A key names the first post that carried it, while that post is among the recent messages. */
  readonly #keys = new PostedKeys<MessageRef>();
  readonly #onOutputError = (error: Error): void => {
    this.#logger.error({ err: error }, 'the shell output failed');
  };

  constructor(options: ShellAdapterOptions) {
    const channel = options.channel ?? 'shell:local';
    const user = options.user ?? 'shell:@you';
    if (!channel.startsWith('shell:') || isShellUser(channel)) {
      throw new Error(`The shell channel must look like "shell:local", not "${channel}".`);
    }
    if (!isShellUser(user)) throw new Error(`The shell user must look like "shell:@you", not "${user}".`);
    if (options.interactive && !options.input) throw new Error('An interactive shell needs an input stream.');
    this.#input = options.input;
    this.#output = options.output;
    this.#interactive = options.interactive;
    this.#terminal = options.output.isTTY === true;
    this.#style = styleFor(options.color ?? this.#terminal);
    this.#logger = options.logger ?? silentLogger;
    this.#channel = channel;
    this.#user = user;
    this.#journalPath = options.journal;
    this.#recentMessages = options.recentMessages ?? 10_000;
    this.closed = new Promise((resolve) => {
      this.#endSession = resolve;
    });
  }

  start(handlers: InboundHandlers): Promise<void> {
    return this.#life.start(() => {
      if (this.#journalPath !== undefined) this.#loadJournal(this.#journalPath);
      this.#handlers = handlers;
      this.#output.on('error', this.#onOutputError);
      if (this.#interactive && this.#input) this.#openSession(this.#input);
    });
  }

  stop(): Promise<void> {
    return this.#life.stop({
      halt: () => {
        this.#readline?.close();
        this.#endSession();
      },
      close: (wasStarted) => {
        this.#journal?.close();
        this.#journal = null;
        if (wasStarted) this.#output.off('error', this.#onOutputError);
      },
    });
  }

  health(): AdapterHealth {
    return this.#life.health('shell', () => {
      if (!this.#interactive) {
        return {
          connected: true,
          detail: 'shell: writing posts to the output (no terminal, so no commands)',
        };
      }
      if (!this.#sessionOpen)
        return { connected: false, detail: 'shell: the session ended (:quit or end of input)' };
      return { connected: true, detail: `shell: interactive session, ${this.#user} in ${this.#channel}` };
    });
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => {
      if (!target.startsWith('shell:')) {
        throw new Error(`The shell adapter cannot post to "${target}": not a shell target.`);
      }
      const thread = options.thread;
      if (thread && thread.target !== target) {
        throw new Error(`A thread in "${thread.target}" cannot hold a reply posted to "${target}".`);
      }
      const id = this.#nextNumber();
      // A reply to a reply goes to the root's thread, as on Slack and Discord.
      const ref: MessageRef = thread
        ? { target, id, threadId: thread.threadId ?? thread.id }
        : { target, id };
      return this.#deliver(ref, message, options.idempotencyKey);
    });
  }

  async findPosted(
    target: TargetId,
    idempotencyKey: string,
    thread?: MessageRef,
  ): Promise<MessageRef | null> {
    const ref = this.#keys.get(target, idempotencyKey);
    if (!ref) return null;
    if (thread && ref.threadId !== (thread.threadId ?? thread.id)) return null;
    return { ...ref };
  }

  async fetchMessageText(message: MessageRef): Promise<string | null> {
    const shown = this.#messages.get(message.id);
    return shown && shown.ref.target === message.target ? shown.text : null;
  }

  /** The person at the terminal runs this bot, so they may change any setting in it. */
  async canManageChannel(user: UserId, _channel: TargetId): Promise<boolean> {
    return user === this.#user;
  }

  // --- output -------------------------------------------------------------------------------------------

  async #deliver(ref: MessageRef, message: OutboundMessage, key: string | undefined): Promise<MessageRef> {
    const text = messagePlainText(message);
    await this.#printMessage(ref, BOT_NAME, [], renderMessage(message, this.#style));
    if (this.#journal) {
      const record: JournalRecord = { id: ref.id, target: ref.target, text };
      if (ref.threadId !== undefined) record.threadId = ref.threadId;
      if (key !== undefined) record.key = key;
      try {
        this.#journal.append(record);
      } catch (error) {
        // The post went out; without its journal line a crash may repeat it, which beats failing it now.
        this.#logger.error({ err: error, id: ref.id }, 'could not append to the shell post journal');
      }
    }
    this.#remember(ref, text, key);
    return { ...ref };
  }

  #remember(ref: MessageRef, text: string, key: string | undefined): void {
    this.#messages.set(ref.id, { ref, text, key });
    if (key !== undefined) this.#keys.remember(ref.target, key, ref);
    // Maps iterate in insertion order: the first entry is the oldest.
    for (const [id, oldest] of this.#messages) {
      if (this.#messages.size <= this.#recentMessages) break;
      this.#messages.delete(id);
      if (oldest.key !== undefined) this.#keys.forget(oldest.ref.target, oldest.key, oldest.ref);
    }
  }

  #printMessage(ref: MessageRef, author: string, labels: string[], lines: string[]): Promise<void> {
    const header: EntryHeader = { number: ref.id, author, reply: ref.threadId !== undefined, labels: [] };
    if (isShellUser(ref.target)) {
      header.labels.push(ref.target === this.#user ? 'DM to you' : `DM to ${ref.target}`);
    } else if (ref.target !== this.#channel) {
      header.labels.push(`in ${ref.target}`);
    }
    const root = ref.threadId ?? ref.id;
    if (ref.threadId !== undefined && this.#lastRoot !== ref.threadId)
      header.labels.push(`in thread [${root}]`);
    header.labels.push(...labels);
    this.#lastRoot = root;
    return this.#print(formatEntry(header, lines, this.#style));
  }

  /** Writes to the output, keeping the prompt and what is being typed below the new text on a terminal. */
  #print(text: string): Promise<void> {
    const aroundPrompt = this.#terminal && this.#sessionOpen && this.#readline !== null;
    if (aroundPrompt) {
      clearLine(this.#output, 0);
      cursorTo(this.#output, 0);
    }
    const written = new Promise<void>((resolve, reject) => {
      this.#output.write(text, (error) => (error ? reject(error) : resolve()));
    });
    if (aroundPrompt) this.#readline?.prompt(true);
    return written;
  }

  #printNotice(lines: string[]): void {
    this.#print(formatNotice(lines, this.#style)).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not write to the shell output');
    });
  }

  #nextNumber(): string {
    this.#lastNumber += 1;
    return String(this.#lastNumber);
  }

  #loadJournal(path: string): void {
    const { journal, records } = PostJournal.open(path, this.#recentMessages, this.#logger);
    this.#journal = journal;
    for (const record of records) {
      const ref: MessageRef =
        record.threadId === undefined
          ? { target: record.target, id: record.id }
          : { target: record.target, id: record.id, threadId: record.threadId };
      this.#remember(ref, record.text, record.key);
      this.#lastNumber = Math.max(this.#lastNumber, Number(record.id) || 0);
    }
  }

  // --- input --------------------------------------------------------------------------------------------

  #openSession(input: NodeJS.ReadableStream): void {
    const readline = createInterface({
      input,
      // Without a terminal there is nobody to echo to or prompt: lines are only read.
      output: this.#terminal ? this.#output : undefined,
      terminal: this.#terminal,
      prompt: PROMPT,
    });
    this.#readline = readline;
    this.#sessionOpen = true;
    readline.on('line', (line) => this.#onLine(line));
    // In raw mode Ctrl+C reaches readline rather than the process: it ends the session like :quit.
    readline.on('SIGINT', () => readline.close());
    readline.on('close', () => {
      this.#sessionOpen = false;
      if (this.#terminal) this.#output.write('\n');
      this.#endSession();
    });
    // Printing redraws the prompt on a terminal, so the greeting brings the first one.
    this.#printNotice([`${BOT_NAME} shell. Type /arxiv help for the bot's commands, :help for the shell's.`]);
  }

  #onLine(raw: string): void {
    // readline still hands over the rest of a chunk's lines after :quit closed it.
    if (!this.#sessionOpen) return;
    const line = raw.trim();
    const command = COMMAND_LINE.exec(line);
    if (line === '' || command) {
      // A new prompt right away (on a terminal), so typing can go on while the bot works. The other
      // branches print something at once, and printing redraws the prompt.
      this.#readline?.prompt();
    }
    if (line === '') return;
    if (command) {
      this.#runCommand((command[1] ?? '').trim());
    } else if (line === ':quit') {
      this.#readline?.close();
    } else if (line === ':help') {
      this.#printNotice(HELP);
    } else if (line.startsWith(':react') || line.startsWith(':unreact')) {
      this.#react(line);
    } else if (line.startsWith(':')) {
      this.#printNotice([
        `Unknown shell command ${sanitizeTerminalText(line.split(/\s/)[0] ?? '')}; :help lists them.`,
      ]);
    } else {
      this.#postYourMessage(line);
    }
  }

  #runCommand(text: string): void {
    const handlers = this.#handlers;
    if (!handlers) return;
    const event: CommandEvent = {
      platform: 'shell',
      text,
      user: this.#user,
      channel: this.#channel,
      respond: (message, visibility) => this.#printAnswer(text, message, visibility),
    };
    handlers.onCommand(event).catch((error: unknown) => this.#handlerFailed(error));
  }

  async #printAnswer(command: string, message: OutboundMessage, visibility: Visibility): Promise<void> {
    const ref: MessageRef = { target: this.#channel, id: this.#nextNumber() };
    const clipped = sanitizeTerminalText(command).slice(0, LABEL_COMMAND_CHARS);
    const asked = `answer to /arxiv${clipped === '' ? '' : ` ${clipped}`}${command.length > LABEL_COMMAND_CHARS ? '…' : ''}`;
    const labels = visibility === 'private' ? ['only visible to you', asked] : [asked];
    this.#remember(ref, messagePlainText(message), undefined);
    await this.#printMessage(ref, BOT_NAME, labels, renderMessage(message, this.#style));
  }

  /** `:react <n> <emoji>` or `:unreact <n> <emoji>`. */
  #react(line: string): void {
    const match = REACT_LINE.exec(line);
    if (!match) {
      this.#printNotice([
        line.startsWith(':unreact')
          ? 'Usage: :unreact <n> <emoji>, for example :unreact 3 +1'
          : 'Usage: :react <n> <emoji>, for example :react 3 memo',
      ]);
      return;
    }
    const action = match[1] === 'unreact' ? 'removed' : 'added';
    const number = match[2] ?? '';
    const emoji = (match[3] ?? '').replace(/^:(.+):$/, '$1');
    const shown = this.#messages.get(number);
    const handlers = this.#handlers;
    if (!shown || !handlers) {
      this.#printNotice([
        `There is no message [${number}] to ${action === 'added' ? 'react to' : 'take a reaction off'}.`,
      ]);
      return;
    }
    this.#printNotice([
      action === 'added'
        ? `you reacted ${sanitizeTerminalText(emoji)} to [${number}]`
        : `you took ${sanitizeTerminalText(emoji)} off [${number}]`,
    ]);
    handlers
      .onReaction({ platform: 'shell', action, emoji, user: this.#user, message: { ...shown.ref } })
      .catch((error: unknown) => this.#handlerFailed(error));
  }

  #postYourMessage(line: string): void {
    const ref: MessageRef = { target: this.#channel, id: this.#nextNumber() };
    const text = sanitizeTerminalText(line);
    this.#remember(ref, text, undefined);
    this.#printMessage(ref, 'you', [], [text]).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not write to the shell output');
    });
  }

  /** The core answers its own errors; one that escapes it is a bug, shown briefly and logged in full. */
  #handlerFailed(error: unknown): void {
    if (isAppError(error)) {
      this.#printNotice([`! ${sanitizeTerminalText(error.userMessage)}`]);
      return;
    }
    this.#logger.error({ err: error }, 'a shell command or reaction failed in the bot');
    this.#printNotice(['! That failed unexpectedly; the log has the details.']);
  }
}
