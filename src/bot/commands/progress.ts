import type { OutboundMessage } from '../../chat/types.ts';
import type { Logger } from '../../log.ts';

/*
 * The progress note of a command whose work may take long (a digest being summarized, a summary, a search
 * while arXiv is slow): the user is told what is under way, then gets the answer.
 *
 * Decisions:
 * - Nothing is said while the work is quick: a command that answers within `afterMs` (2 s by default, see
 *   BotOptions.progressAfterMs) answers once, as before. Past that, the stage under way is said at once,
 *   and each later stage as it begins (a digest: fetching the listing, then preparing and summarizing), so
 *   the user is never left with a stage that is over. A command has at most two stages.
 * - A note goes to whoever will see the answer (the acknowledged visibility): the first answer keeps the
 *   acknowledged visibility, as the adapters rely on (Discord edits its deferred reply with it), and a
 *   channel that will see a summary sees that it is coming.
 * - A note that cannot be sent is only logged: the work goes on and its answer is still given. The answer
 *   waits for a note in flight, so the two never arrive out of order.
 */
export class ProgressNote {
  readonly #send: (message: OutboundMessage) => Promise<void>;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #stage: OutboundMessage | null = null;
  #said: OutboundMessage | null = null;
  #due = false;
  #over = false;
  #sending: Promise<void> = Promise.resolve();

  constructor(send: (message: OutboundMessage) => Promise<void>, afterMs: number, logger: Logger) {
    this.#send = send;
    this.#logger = logger;
    this.#timer = setTimeout(() => {
      this.#due = true;
      this.#say();
    }, afterMs);
  }

  /** The stage now under way; said at once when the command has already taken long, else if it does. */
  stage(message: OutboundMessage): void {
    if (this.#over) return;
    this.#stage = message;
    if (this.#due) this.#say();
  }

  /** The work is over: no more notes; resolves once a note in flight has gone. */
  async end(): Promise<void> {
    this.#over = true;
    clearTimeout(this.#timer);
    await this.#sending;
  }

  #say(): void {
    const stage = this.#stage;
    if (this.#over || stage === null || stage === this.#said) return;
    this.#said = stage;
    this.#sending = this.#sending
      .then(() => this.#send(stage))
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not send a progress note'));
  }
}
