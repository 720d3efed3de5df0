/**
 * The contract every ChatAdapter must pass, whatever the platform. A platform's test calls
 * `runAdapterContract('slack', setup)` with a setup that builds a fresh, unstarted adapter and a driver for
 * the platform's side (see driver.ts); the suite starts and stops the adapter itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findArxivId } from '../../src/arxiv/paper.ts';
import type {
  CommandEvent,
  InboundHandlers,
  MessageRef,
  OutboundMessage,
  ReactionEvent,
} from '../../src/chat/types.ts';
import type { ContractHarness, Shown, ShownMessage } from './driver.ts';
import { hostileMessage, inertProblems } from './hostile.ts';

export type { ContractDriver, ContractHarness, Shown, ShownAnswer, ShownMessage } from './driver.ts';

/** How long the suite waits for an event before it fails with a clear message rather than a test timeout. */
const EVENT_WAIT_MS = 5_000;
/** How long the suite lets pass to see that something does not happen. */
const SETTLE_MS = 50;

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** The handlers the suite starts adapters with: they record events and run what the test asks of them. */
class Inbox implements InboundHandlers {
  readonly commands: CommandEvent[] = [];
  readonly reactions: ReactionEvent[] = [];
  onEachCommand: (event: CommandEvent) => Promise<void> = async () => {};
  #handled = { commands: 0, reactions: 0 };
  #waiters: Array<() => void> = [];

  async onCommand(event: CommandEvent): Promise<void> {
    this.commands.push(event);
    await this.onEachCommand(event);
    this.#handled.commands += 1;
    this.#wake();
  }

  async onReaction(event: ReactionEvent): Promise<void> {
    this.reactions.push(event);
    this.#handled.reactions += 1;
    this.#wake();
  }

  /** The n-th command (from 1), once its handler has finished. */
  async command(n: number): Promise<CommandEvent> {
    await this.#until(() => this.#handled.commands >= n, `command ${n}`);
    return this.commands[n - 1] as CommandEvent;
  }

  /** The n-th reaction (from 1). */
  async reaction(n: number): Promise<ReactionEvent> {
    await this.#until(() => this.#handled.reactions >= n, `reaction ${n}`);
    return this.reactions[n - 1] as ReactionEvent;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + EVENT_WAIT_MS;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`The handler never received ${what}.`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, SETTLE_MS);
      });
    }
  }
}

function message(text: string, extra = ''): OutboundMessage {
  return {
    text: `${text} ${extra}`.trim(),
    blocks: [{ kind: 'text', spans: [{ text }, ...(extra ? [{ text: ` ${extra}` }] : [])] }],
  };
}

/** The same message, whichever way an adapter spells "not in a thread". */
function normalized(ref: MessageRef): MessageRef {
  return ref.threadId === undefined ? { target: ref.target, id: ref.id } : { ...ref };
}

export function runAdapterContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`${name} adapter: the ChatAdapter contract`, () => {
    let h: ContractHarness;
    let inbox: Inbox;

    beforeEach(async () => {
      h = await setup();
      inbox = new Inbox();
    });

    afterEach(async () => {
      await h.adapter.stop();
      await h.teardown();
    });

    const start = (): Promise<void> => h.adapter.start(inbox);

    async function shownPost(ref: MessageRef): Promise<ShownMessage> {
      const shown = (await h.driver.posted()).find((m) => m.ref.id === ref.id && m.ref.target === ref.target);
      if (!shown) throw new Error(`Message ${ref.id} in ${ref.target} is not shown.`);
      return shown;
    }

    it('reports health before start, after start and after stop; a second stop is harmless', async () => {
      const before = h.adapter.health();
      expect(before.connected).toBe(false);
      expect(before.detail.trim()).not.toBe('');
      await start();
      const running = h.adapter.health();
      expect(running.connected).toBe(true);
      expect(running.detail.trim()).not.toBe('');
      await h.adapter.stop();
      expect(h.adapter.health().connected).toBe(false);
      await expect(h.adapter.stop()).resolves.toBeUndefined();
    });

    it('posts to a channel and returns a ref that reads back as the shown message', async () => {
      await start();
      const first = await h.adapter.post(h.channel, message('FIRSTMARK hello'));
      const second = await h.adapter.post(h.channel, message('SECONDMARK again'));
      expect(first.target).toBe(h.channel);
      expect(first.id.trim()).not.toBe('');
      expect(first.threadId).toBeUndefined();
      expect(second.id).not.toBe(first.id);

      const shown = await shownPost(first);
      expect(normalized(shown.ref)).toEqual(normalized(first));
      expect(shown.direct).toBe(false);
      expect(shown.text).toContain('FIRSTMARK hello');
      expect((await shownPost(second)).text).toContain('SECONDMARK');
    });

    it("puts a thread reply in its root's thread, and a reply to a reply in the same thread", async () => {
      await start();
      const root = await h.adapter.post(h.channel, message('ROOTMARK'));
      const reply = await h.adapter.post(h.channel, message('REPLYMARK'), { thread: root });
      const nested = await h.adapter.post(h.channel, message('NESTEDMARK'), { thread: reply });
      expect(normalized(reply)).toEqual({ target: h.channel, id: reply.id, threadId: root.id });
      expect(normalized(nested)).toEqual({ target: h.channel, id: nested.id, threadId: root.id });

      expect((await shownPost(root)).ref.threadId).toBeUndefined();
      expect((await shownPost(reply)).ref.threadId).toBe(root.id);
      const shownNested = await shownPost(nested);
      expect(shownNested.ref.threadId).toBe(root.id);
      expect(shownNested.text).toContain('NESTEDMARK');
    });

    it('sends a post to a user target as a direct message', async () => {
      await start();
      const dm = await h.adapter.post(h.user, message('DMMARK just for you'));
      expect(dm.target).toBe(h.user);
      const shown = await shownPost(dm);
      expect(shown.direct).toBe(true);
      expect(shown.ref.target).toBe(h.user);
      expect(shown.text).toContain('DMMARK');
    });

    // A reply is looked for in its thread: Slack's channel history, for one, does not list thread replies.
    it('finds a post by its idempotency key, in its target and thread, and nothing for other keys', async () => {
      await start();
      const root = await h.adapter.post(h.channel, message('root'), { idempotencyKey: 'contract:root' });
      const other = await h.adapter.post(h.channel, message('other root'));
      const reply = await h.adapter.post(h.channel, message('reply'), {
        thread: root,
        idempotencyKey: 'contract:reply',
      });
      const dm = await h.adapter.post(h.user, message('dm'), { idempotencyKey: 'contract:dm' });

      const found = async (...args: Parameters<typeof h.adapter.findPosted>) => {
        const ref = await h.adapter.findPosted(...args);
        return ref && normalized(ref);
      };
      expect(await found(h.channel, 'contract:root')).toEqual(normalized(root));
      expect(await found(h.channel, 'contract:reply', root)).toEqual(normalized(reply));
      expect(await found(h.user, 'contract:dm')).toEqual(normalized(dm));

      expect(await found(h.channel, 'contract:unknown')).toBeNull();
      expect(await found(h.channel, 'contract:dm')).toBeNull();
      expect(await found(h.channel, 'contract:reply', other)).toBeNull();
    });

    it("hands a command to the handler with text, user and channel, and shows its answers as private or the channel's", async () => {
      await start();
      inbox.onEachCommand = async (event) => {
        await event.respond(message('PRIVATEMARK only you see this'), 'private');
        await event.respond(message('CHANNELMARK everyone sees this'), 'channel');
      };
      const text = 'search "diffusion models" -survey ünïcode';
      await h.driver.command({ text, user: h.user, channel: h.channel });

      const event = await inbox.command(1);
      expect(event.platform).toBe(h.adapter.platform);
      expect(event.text).toBe(text);
      expect(event.user).toBe(h.user);
      expect(event.channel).toBe(h.channel);

      const answers = await h.driver.answers();
      const privately = answers.find((answer) => answer.text.includes('PRIVATEMARK'));
      const publicly = answers.find((answer) => answer.text.includes('CHANNELMARK'));
      expect(privately).toMatchObject({ visibility: 'private', user: h.user, channel: h.channel });
      expect(publicly).toMatchObject({ visibility: 'channel', user: h.user, channel: h.channel });
      expect((await h.driver.posted()).some((post) => post.text.includes('PRIVATEMARK'))).toBe(false);
    });

    it('hands a reaction to the handler with emoji, user and the message, thread replies included', async () => {
      await start();
      const root = await h.adapter.post(h.channel, message('react to me'));
      const reply = await h.adapter.post(h.channel, message('and to me'), { thread: root });

      await h.driver.react({ message: root, emoji: h.emoji, user: h.user });
      const onRoot = await inbox.reaction(1);
      expect(onRoot.platform).toBe(h.adapter.platform);
      expect(onRoot.emoji).toBe(h.emoji);
      expect(onRoot.user).toBe(h.user);
      expect(normalized(onRoot.message)).toEqual(normalized(root));

      await h.driver.react({ message: reply, emoji: h.emoji, user: h.user });
      expect(normalized((await inbox.reaction(2)).message)).toEqual(normalized(reply));
    });

    it('hands a reaction added and then removed to the handler as added, then removed', async () => {
      await start();
      const root = await h.adapter.post(h.channel, message('vote on me'));
      const reply = await h.adapter.post(h.channel, message('and on me'), { thread: root });

      await h.driver.react({ message: reply, emoji: h.emoji, user: h.user });
      const added = await inbox.reaction(1);
      await h.driver.unreact({ message: reply, emoji: h.emoji, user: h.user });
      const removed = await inbox.reaction(2);
      expect(added.action).toBe('added');
      expect(removed.action).toBe('removed');
      for (const event of [added, removed]) {
        expect(event.platform).toBe(h.adapter.platform);
        expect(event.emoji).toBe(h.emoji);
        expect(event.user).toBe(h.user);
        expect(normalized(event.message)).toEqual(normalized(reply));
      }
    });

    it('reads the text of a posted message, and null for a message that does not exist', async () => {
      await start();
      const ref = await h.adapter.post(h.channel, {
        text: `A paper: ${'https://arxiv.org/abs/2401.00001'}`,
        blocks: [
          {
            kind: 'text',
            spans: [
              { text: 'A paper: ' },
              { text: 'https://arxiv.org/abs/2401.00001', link: 'https://arxiv.org/abs/2401.00001' },
            ],
          },
        ],
      });
      const text = await h.adapter.fetchMessageText(ref);
      expect(text).not.toBeNull();
      expect(findArxivId(text ?? '')?.id).toBe('2401.00001');
      expect(await h.adapter.fetchMessageText({ target: h.channel, id: '999999999' })).toBeNull();
    });

    it('renders hostile text in every kind of block inert: posts, replies, DMs and answers', async () => {
      await start();
      inbox.onEachCommand = async (event) => {
        await event.respond(hostileMessage(), 'private');
        await event.respond(hostileMessage(), 'channel');
      };
      const root = await h.adapter.post(h.channel, hostileMessage());
      await h.adapter.post(h.channel, hostileMessage(), { thread: root });
      await h.adapter.post(h.user, hostileMessage());
      await h.driver.command({ text: 'search <!channel> @here \u001b[2J', user: h.user, channel: h.channel });
      await inbox.command(1);

      const shown: Shown[] = [...(await h.driver.posted()), ...(await h.driver.answers())];
      expect(shown).toHaveLength(5);
      for (const message of shown) {
        expect(
          inertProblems(message, (m) => h.driver.wouldPing(m)),
          message.raw,
        ).toEqual([]);
      }
      if (h.driver.pingSample) expect(h.driver.wouldPing(h.driver.pingSample)).toBe(true);
    });

    it('lets a post in flight finish on stop, then takes no more events', async () => {
      await start();
      const hold = h.driver.holdPosts();
      const posting = h.adapter.post(h.channel, message('INFLIGHTMARK'));
      await hold.reached();
      let stopped = false;
      const stopping = h.adapter.stop().then(() => {
        stopped = true;
      });
      await settle();
      expect(stopped).toBe(false);

      hold.release();
      const ref = await posting;
      await stopping;
      expect(h.adapter.health().connected).toBe(false);
      expect((await shownPost(ref)).text).toContain('INFLIGHTMARK');

      await h.driver.command({ text: 'help', user: h.user, channel: h.channel }).catch(() => {});
      await settle();
      expect(inbox.commands).toHaveLength(0);
    });
  });
}
