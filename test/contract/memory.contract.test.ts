import { messagePlainText } from '../../adapters/shell/render.ts';
import type { OutboundMessage } from '../../src/chat/types.ts';
import { MemoryAdapter } from '../fakes/memory-adapter.ts';
import { runAdapterContract } from './adapter-contract.ts';
import type { Shown } from './driver.ts';
import { linksInPlainText } from './plain-links.ts';

/** The test platform shows a message as the shell does without a terminal. */
function shownOf(message: OutboundMessage): Shown {
  const text = messagePlainText(message);
  return { text, links: linksInPlainText(text), raw: text };
}

runAdapterContract('memory', async () => {
  const adapter = new MemoryAdapter();
  return {
    adapter,
    channel: 'test:c1',
    user: 'test:@u1',
    emoji: 'memo',
    driver: {
      async command({ text, user, channel }) {
        // Not awaited: the platform hands the command over and does not wait for the bot.
        adapter.command(text, { user, channel }).catch(() => {});
      },
      async react({ message, emoji, user }) {
        adapter.react(message, { emoji, user }).catch(() => {});
      },
      async unreact({ message, emoji, user }) {
        adapter.react(message, { emoji, user, action: 'removed' }).catch(() => {});
      },
      async posted() {
        return adapter.posts
          .filter((post) => post.author === 'bot')
          .map((post) => ({ ...shownOf(post.message), ref: post.ref, direct: post.direct }));
      },
      async answers() {
        return adapter.answers.map((answer) => ({
          ...shownOf(answer.message),
          visibility: answer.visibility,
          user: answer.command.user,
          channel: answer.command.channel,
        }));
      },
      // Nothing on the test platform notifies anyone.
      wouldPing: () => false,
      holdPosts: () => adapter.holdPosts(),
    },
    teardown: async () => {},
  };
});
