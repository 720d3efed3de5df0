/**
 * A ChatAdapter for the fake chat platform of chat-server.ts: what a real adapter does over a real API,
 * reduced to posting, finding by idempotency key and reading messages, so a bot in a child process can be
 * killed in the middle of a delivery and another process can pick up after it.
 */
import { AdapterLifecycle } from '../../adapters/kit/lifecycle.ts';
import { messagePlainText } from '../../adapters/shell/render.ts';
import type {
  AdapterHealth,
  ChatAdapter,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  PostOptions,
  TargetId,
} from '../../src/chat/types.ts';

export class HttpChatAdapter implements ChatAdapter {
  readonly platform = 'test';
  readonly #url: string;
  readonly #name: string | null;
  readonly #life = new AdapterLifecycle('fake chat');

  /** `name` tells the platform which process posted (replica tests). */
  constructor(url: string, name: string | null = null) {
    this.#url = url;
    this.#name = name;
  }

  start(_handlers: InboundHandlers): Promise<void> {
    return this.#life.start(() => {});
  }

  stop(): Promise<void> {
    return this.#life.stop();
  }

  health(): AdapterHealth {
    return { connected: this.#life.running, detail: `fake chat at ${this.#url}` };
  }

  post(target: TargetId, message: OutboundMessage, options: PostOptions = {}): Promise<MessageRef> {
    return this.#life.post(() => this.#post(target, message, options));
  }

  async #post(target: TargetId, message: OutboundMessage, options: PostOptions): Promise<MessageRef> {
    const thread = options.thread ? (options.thread.threadId ?? options.thread.id) : undefined;
    const response = await fetch(`${this.#url}/post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        target,
        text: messagePlainText(message),
        thread,
        key: options.idempotencyKey,
        from: this.#name,
      }),
    });
    const { id } = (await response.json()) as { id: string };
    return { target, id, threadId: thread };
  }

  async findPosted(target: TargetId, key: string, thread?: MessageRef): Promise<MessageRef | null> {
    const query = new URLSearchParams({ target, key });
    const root = thread ? (thread.threadId ?? thread.id) : undefined;
    if (root) query.set('thread', root);
    const response = await fetch(`${this.#url}/find?${query}`);
    const { id } = (await response.json()) as { id: string | null };
    return id ? { target, id, threadId: root } : null;
  }

  async fetchMessageText(message: MessageRef): Promise<string | null> {
    const response = await fetch(`${this.#url}/messages`);
    const messages = (await response.json()) as Array<{ id: string; text: string }>;
    return messages.find((entry) => entry.id === message.id)?.text ?? null;
  }

  async canManageChannel(): Promise<boolean> {
    return true;
  }
}
