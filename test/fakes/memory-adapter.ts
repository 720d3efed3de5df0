/**
 * An in-memory ChatAdapter for tests and benchmarks: a platform and its adapter in one object. It records
 * what was posted (with thread relation and idempotency key) and answered, lets a test type commands and
 * react as a user, answers `canManageChannel` as the test set it, and injects failures (the next post to a
 * target rejects, possibly after it went out), held posts and latency.
 *
 * Like a real platform it outlives the adapter's start and stop: `start()` again after `stop()` sees
 * everything posted before, which is how a test restarts the core against the same workspace.
 *
 * Ids: channels `test:<name>`, users `test:@<name>`; a message id is a counter. Lookups by target, thread and
 * idempotency key are maps, so a run of 100 targets × 30 papers costs nothing noticeable here.
 */
import { AdapterLifecycle } from '../../adapters/kit/lifecycle.ts';
import { PostedKeys } from '../../adapters/kit/posted-keys.ts';
import { messagePlainText } from '../../adapters/shell/render.ts';
import { isUserTarget } from '../../src/bot/adapters.ts';
import type {
  AdapterHealth,
  ChatAdapter,
  CommandEvent,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  ReactionEvent,
  TargetId,
  UserId,
  Visibility,
} from '../../src/chat/types.ts';
import { ExternalError } from '../../src/errors.ts';

export const TEST_CHANNEL: TargetId = 'test:c1';
export const TEST_USER: UserId = 'test:@u1';

export interface MemoryPost {
  ref: MessageRef;
  message: OutboundMessage;
  idempotencyKey: string | undefined;
  /** Posted to a user: a direct message. */
  direct: boolean;
  /** `bot` for the adapter's posts; a user id for messages added with `addMessage`. */
  author: 'bot' | UserId;
}

export interface MemoryAnswer {
  command: { text: string; user: UserId; channel: TargetId };
  message: OutboundMessage;
  visibility: Visibility;
}

export interface InjectedFailure {
  /** What the post rejects with; by default a retryable ExternalError (PLATFORM_HTTP). */
  error?: Error;
  /** The platform took the message but the answer was lost: it is recorded (and `findPosted` finds it). */
  delivered?: boolean;
}

/** Posts held in flight until released. */
export interface PostHold {
  /** Resolves once a post is waiting here. */
  reached(): Promise<void>;
  /** How many posts are waiting here now. */
  readonly waiting: number;
  /** Lets the waiting posts (and every later one) through. */
  release(): void;
}

export interface MemoryAdapterOptions {
  /** Delay of every post, in milliseconds (default 0: no timer at all). */
  latencyMs?: number;
  /** The answer of `canManageChannel` for pairs not set with `setPermission` (default true). */
  canManageByDefault?: boolean;
}

class Hold implements PostHold {
  readonly target: TargetId | undefined;
  #released = false;
  #waiters: Array<() => void> = [];
  #reachedWaiters: Array<() => void> = [];
  readonly #onRelease: (hold: Hold) => void;

  constructor(target: TargetId | undefined, onRelease: (hold: Hold) => void) {
    this.target = target;
    this.#onRelease = onRelease;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  wait(): Promise<void> {
    if (this.#released) return Promise.resolve();
    const passed = new Promise<void>((resolve) => this.#waiters.push(resolve));
    for (const notify of this.#reachedWaiters.splice(0)) notify();
    return passed;
  }

  reached(): Promise<void> {
    if (this.#waiters.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#reachedWaiters.push(resolve));
  }

  release(): void {
    this.#released = true;
    this.#onRelease(this);
    for (const pass of this.#waiters.splice(0)) pass();
  }
}

export class MemoryAdapter implements ChatAdapter {
  readonly platform = 'test';

  /** Restartable: the workspace outlives the adapter's stop. */
  readonly #life = new AdapterLifecycle('memory', { restartable: true });
  #handlers: InboundHandlers | null = null;
  #latencyMs: number;
  readonly #canManageByDefault: boolean;
  #lastId = 0;
  readonly #posts: MemoryPost[] = [];
  readonly #answers: MemoryAnswer[] = [];
  readonly #byId = new Map<string, MemoryPost>();
  readonly #byTarget = new Map<TargetId, MemoryPost[]>();
  readonly #byThread = new Map<string, MemoryPost[]>();
  /** A key names the first post that carried it. */
  readonly #byKey = new PostedKeys<MemoryPost>();
  readonly #permissions = new Map<string, boolean>();
  readonly #failures: Array<{ target: TargetId | undefined; failure: InjectedFailure }> = [];
  readonly #holds = new Set<Hold>();

  constructor(options: MemoryAdapterOptions = {}) {
    this.#latencyMs = options.latencyMs ?? 0;
    this.#canManageByDefault = options.canManageByDefault ?? true;
  }

  // --- ChatAdapter ----------------------------------------------------------------------------------------

  start(handlers: InboundHandlers): Promise<void> {
    return this.#life.start(() => {
      this.#handlers = handlers;
    });
  }

  stop(): Promise<void> {
    return this.#life.stop({
      halt: () => {
        this.#handlers = null;
      },
    });
  }

  health(): AdapterHealth {
    return this.#life.health('test', () => ({ connected: true, detail: 'test: in-memory workspace' }));
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => {
      if (!target.startsWith('test:')) {
        throw new Error(`The memory adapter cannot post to "${target}": not a test: target.`);
      }
      const thread = options.thread;
      if (thread && thread.target !== target) {
        throw new Error(`A thread in "${thread.target}" cannot hold a reply posted to "${target}".`);
      }
      return this.#deliver(target, message, options, this.#takeFailure(target));
    });
  }

  async findPosted(
    target: TargetId,
    idempotencyKey: string,
    thread?: MessageRef,
  ): Promise<MessageRef | null> {
    const post = this.#byKey.get(target, idempotencyKey);
    if (!post) return null;
    if (thread && post.ref.threadId !== rootOf(thread)) return null;
    return { ...post.ref };
  }

  async fetchMessageText(message: MessageRef): Promise<string | null> {
    const post = this.#byId.get(message.id);
    if (!post || post.ref.target !== message.target) return null;
    return post.author === 'bot' ? messagePlainText(post.message) : post.message.text;
  }

  async canManageChannel(user: UserId, channel: TargetId): Promise<boolean> {
    return this.#permissions.get(keyOf(user, channel)) ?? this.#canManageByDefault;
  }

  // --- what a test reads ----------------------------------------------------------------------------------

  /** Everything posted, in order: the bot's posts and the messages added with `addMessage`. */
  get posts(): readonly MemoryPost[] {
    return this.#posts;
  }

  /** Every answer to a command, in order. */
  get answers(): readonly MemoryAnswer[] {
    return this.#answers;
  }

  /** Messages posted to `target` (roots and replies), in order. */
  postsTo(target: TargetId): readonly MemoryPost[] {
    return this.#byTarget.get(target) ?? [];
  }

  /** The replies in the thread of `root` (or of the root of `root`'s thread), in order. */
  threadOf(root: MessageRef): readonly MemoryPost[] {
    return this.#byThread.get(keyOf(root.target, rootOf(root))) ?? [];
  }

  /** The post with this id, if any. */
  postById(id: string): MemoryPost | undefined {
    return this.#byId.get(id);
  }

  // --- what a test does as a user -------------------------------------------------------------------------

  /**
   * Types `/arxiv <text>` as `user` in `channel`; resolves with the answers given once the handler is done,
   * and rejects with the handler's error if it throws.
   */
  async command(text: string, where: { user?: UserId; channel?: TargetId } = {}): Promise<MemoryAnswer[]> {
    const handlers = this.#runningHandlers('a command');
    const command = { text, user: where.user ?? TEST_USER, channel: where.channel ?? TEST_CHANNEL };
    const given: MemoryAnswer[] = [];
    const event: CommandEvent = {
      platform: 'test',
      ...command,
      respond: async (message, visibility) => {
        const answer: MemoryAnswer = { command, message, visibility };
        this.#answers.push(answer);
        given.push(answer);
      },
    };
    await handlers.onCommand(event);
    return given;
  }

  /**
   * Reacts to `message` as `user` (default `memo` by TEST_USER), or takes that reaction off again with
   * `action: 'removed'`; resolves once the handler is done.
   */
  async react(
    message: MessageRef,
    as: { emoji?: string; user?: UserId; action?: ReactionEvent['action'] } = {},
  ): Promise<void> {
    const handlers = this.#runningHandlers('a reaction');
    await handlers.onReaction({
      platform: 'test',
      action: as.action ?? 'added',
      emoji: as.emoji ?? 'memo',
      user: as.user ?? TEST_USER,
      message: { ...message },
    });
  }

  /** A message someone (not the bot) wrote, e.g. one with an arXiv link to react to. */
  addMessage(target: TargetId, text: string, as: { user?: UserId; thread?: MessageRef } = {}): MessageRef {
    const ref = this.#refFor(target, as.thread);
    this.#record({
      ref,
      message: { text, blocks: [] },
      idempotencyKey: undefined,
      direct: isUserTarget(target),
      author: as.user ?? TEST_USER,
    });
    return { ...ref };
  }

  // --- knobs ----------------------------------------------------------------------------------------------

  setPermission(user: UserId, channel: TargetId, allowed: boolean): void {
    this.#permissions.set(keyOf(user, channel), allowed);
  }

  /** The next post to `target` (to any target when omitted) fails; several calls queue several failures. */
  failNextPost(target?: TargetId, failure: InjectedFailure = {}): void {
    this.#failures.push({ target, failure });
  }

  /** Holds posts to `target` (every post when omitted) in flight until `release()`. */
  holdPosts(target?: TargetId): PostHold {
    const hold = new Hold(target, (released) => this.#holds.delete(released));
    this.#holds.add(hold);
    return hold;
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  // --- internals ------------------------------------------------------------------------------------------

  async #deliver(
    target: TargetId,
    message: OutboundMessage,
    options: PostOptions,
    failure: InjectedFailure | undefined,
  ): Promise<MessageRef> {
    // The global timer, so that a test's fake timers drive it.
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    for (const hold of this.#holds) {
      if (hold.target === undefined || hold.target === target) await hold.wait();
    }
    if (failure && !failure.delivered) throw failure.error ?? injectedError();
    const post: MemoryPost = {
      ref: this.#refFor(target, options.thread),
      message,
      idempotencyKey: options.idempotencyKey,
      direct: isUserTarget(target),
      author: 'bot',
    };
    this.#record(post);
    if (failure) throw failure.error ?? injectedError();
    return { ...post.ref };
  }

  #refFor(target: TargetId, thread: MessageRef | undefined): MessageRef {
    this.#lastId += 1;
    const id = String(this.#lastId);
    return thread ? { target, id, threadId: rootOf(thread) } : { target, id };
  }

  #record(post: MemoryPost): void {
    this.#posts.push(post);
    this.#byId.set(post.ref.id, post);
    append(this.#byTarget, post.ref.target, post);
    if (post.ref.threadId !== undefined)
      append(this.#byThread, keyOf(post.ref.target, post.ref.threadId), post);
    if (post.idempotencyKey !== undefined) this.#byKey.remember(post.ref.target, post.idempotencyKey, post);
  }

  #takeFailure(target: TargetId): InjectedFailure | undefined {
    const index = this.#failures.findIndex((entry) => entry.target === undefined || entry.target === target);
    if (index === -1) return undefined;
    return this.#failures.splice(index, 1)[0]?.failure;
  }

  #runningHandlers(what: string): InboundHandlers {
    if (!this.#life.running || !this.#handlers) {
      const state = this.#life.state === 'idle' ? 'not started' : this.#life.state;
      throw new Error(`The memory adapter is ${state}: nothing would receive ${what}.`);
    }
    return this.#handlers;
  }
}

function injectedError(): ExternalError {
  return new ExternalError('PLATFORM_HTTP', 'The chat platform did not take the message.', {
    retryable: true,
    detail: 'injected by MemoryAdapter.failNextPost',
  });
}

function rootOf(message: MessageRef): string {
  return message.threadId ?? message.id;
}

function keyOf(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
