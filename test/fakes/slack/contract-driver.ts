/**
 * The Slack side of the adapter contract (test/contract/driver.ts), played by the fake Slack: commands are
 * slash-command envelopes, reactions `reaction_added` (and `reaction_removed`) events, posts the chat.postMessage calls the fake
 * took, answers what reached the command's `response_url`, all shown as a Slack client shows them.
 */
import { channelTarget, parseSlackTarget, userTarget } from '../../../adapters/slack/ids.ts';
import type { TargetId } from '../../../src/chat/types.ts';
import type { ContractDriver, Shown, ShownAnswer, ShownMessage } from '../../contract/driver.ts';
import type { FakeSlack } from '../slack-server.ts';
import { type MessagePayload, readMessage } from './shown.ts';

/** A message as a Slack client shows it; `raw` is what the fake received, for `wouldPing`. */
function shownOf(sent: Record<string, unknown>): Shown {
  const payload: MessagePayload = {
    text: typeof sent.text === 'string' ? sent.text : undefined,
    blocks: Array.isArray(sent.blocks) ? sent.blocks : undefined,
    link_names: sent.link_names === true || sent.link_names === 'true' || sent.link_names === '1',
    parse: typeof sent.parse === 'string' ? sent.parse : undefined,
  };
  const read = readMessage(payload);
  return { text: read.text, links: read.links, raw: JSON.stringify(payload) };
}

function wouldPing(shown: Shown): boolean {
  return readMessage(JSON.parse(shown.raw) as MessagePayload).pings.length > 0;
}

/** The contract's name for a conversation: a channel, or the user a direct message is with. */
function targetOfChannel(fake: FakeSlack, channel: string): TargetId {
  const conversation = fake.channels.get(channel);
  return conversation?.isIm && conversation.imUser
    ? userTarget(fake.teamId, conversation.imUser)
    : channelTarget(fake.teamId, channel);
}

/** The conversation a contract target stands for. */
function channelOfTarget(fake: FakeSlack, target: TargetId): string {
  const parsed = parseSlackTarget(target);
  return parsed.kind === 'channel' ? parsed.channel : fake.imWith(parsed.user).id;
}

export function slackContractDriver(fake: FakeSlack): ContractDriver {
  return {
    async command({ text, user, channel }) {
      const parsed = parseSlackTarget(user);
      if (parsed.kind !== 'user') throw new Error(`${user} is not a user.`);
      await fake.slashCommand({ user: parsed.user, channel: channelOfTarget(fake, channel), text });
    },
    async react({ message, emoji, user }) {
      const parsed = parseSlackTarget(user);
      if (parsed.kind !== 'user') throw new Error(`${user} is not a user.`);
      await fake.react({
        user: parsed.user,
        channel: channelOfTarget(fake, message.target),
        ts: message.id,
        reaction: emoji,
      });
    },
    async unreact({ message, emoji, user }) {
      const parsed = parseSlackTarget(user);
      if (parsed.kind !== 'user') throw new Error(`${user} is not a user.`);
      await fake.unreact({
        user: parsed.user,
        channel: channelOfTarget(fake, message.target),
        ts: message.id,
        reaction: emoji,
      });
    },
    async posted(): Promise<ShownMessage[]> {
      return fake.posts().map((post) => {
        const target = targetOfChannel(fake, post.channel);
        return {
          ...shownOf(post.sent),
          ref:
            post.threadTs === null
              ? { target, id: post.ts }
              : { target, id: post.ts, threadId: post.threadTs },
          direct: fake.channels.get(post.channel)?.isIm === true,
        };
      });
    },
    async answers(): Promise<ShownAnswer[]> {
      return fake.answers
        .filter((answer) => answer.status === 200)
        .map((answer) => ({
          ...shownOf(answer.body),
          // Slack's default for a response_url answer is ephemeral.
          visibility: answer.body.response_type === 'in_channel' ? 'channel' : 'private',
          user: userTarget(fake.teamId, answer.command.user_id ?? ''),
          channel: targetOfChannel(fake, answer.command.channel_id ?? ''),
        }));
    },
    wouldPing,
    pingSample: shownOf({ text: 'Heads up <!channel>, new papers' }),
    holdPosts: () => fake.holdPosts(),
  };
}
