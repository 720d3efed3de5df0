/**
 * The Discord side of the adapter contract (test/contract/driver.ts), played by the fake Discord: a command
 * is an INTERACTION_CREATE for `/arxiv` typed the way a Discord user types it (a subcommand picked, its
 * options filled), a reaction a MESSAGE_REACTION_ADD, posts the messages the bot created over REST, answers
 * the interaction's reply and follow-ups, all shown as a Discord client shows them (./shown.ts).
 *
 * How the contract's text becomes a typed command (`typedCommandOf`): the first word names the subcommand
 * (`me <sub>` the subcommand of the `me` group), and the rest of the text is the subcommand's first option
 * (a boolean one reads on/off, true/false, yes/no, or its own name: `feed revoke`); a subcommand with a
 * second option (schedule's time zone) takes the first word for the first and the rest for the second. A
 * trailing `--share` is the `share` option. Text whose first word is no subcommand is a search, as
 * `/arxiv <words>` is in the text grammar.
 */
import { arxivCommand, SHARE_OPTION } from '../../../adapters/discord/commands.ts';
import { channelTarget, parseDiscordTarget, userTarget } from '../../../adapters/discord/ids.ts';
import type { TargetId } from '../../../src/chat/types.ts';
import type { ContractDriver, Shown, ShownAnswer, ShownMessage } from '../../contract/driver.ts';
import type { FakeDiscord, FakeMessage, InteractInput } from '../discord-server.ts';
import { type MessagePayload, pingsOf, readMessage } from './shown.ts';
import { ChannelType, isThread, MessageFlags } from './world.ts';

const MESSAGE_CREATE = 'POST /channels/:channel/messages';
const APPLICATION_COMMAND = 2;
const OPTION = { Subcommand: 1, SubcommandGroup: 2, Boolean: 5 } as const;

/** What Discord holds of a message and shows: content, embeds, and who it may ping. */
export function payloadOf(message: FakeMessage): MessagePayload {
  return {
    content: message.content,
    embeds: message.embeds as MessagePayload['embeds'],
    allowed_mentions: (message.allowedMentions ?? undefined) as MessagePayload['allowed_mentions'],
    ...(message.messageReference ? { message_reference: message.messageReference } : {}),
  };
}

/** A message as a Discord client shows it; `raw` is what Discord holds of it, for `wouldPing`. */
export function shownOf(message: FakeMessage): Shown {
  const payload = payloadOf(message);
  const read = readMessage(payload);
  return { text: read.text, links: read.links, raw: JSON.stringify(payload) };
}

export function wouldPing(shown: Shown): boolean {
  return pingsOf(JSON.parse(shown.raw) as MessagePayload).length > 0;
}

interface DefinedOption {
  type: number;
  name: string;
  options?: DefinedOption[];
}

const DEFINITION = arxivCommand().options as DefinedOption[];

function subcommandOf(group: string | undefined, name: string): DefinedOption | undefined {
  const level = group
    ? DEFINITION.find((option) => option.type === OPTION.SubcommandGroup && option.name === group)?.options
    : DEFINITION;
  return level?.find((option) => option.type === OPTION.Subcommand && option.name === name);
}

function booleanOf(word: string, name: string): boolean {
  const lower = word.toLowerCase();
  if (['on', 'true', 'yes', name].includes(lower)) return true;
  if (['off', 'false', 'no'].includes(lower)) return false;
  throw new Error(`"${word}" is not a value Discord's true/false option ${name} can take.`);
}

/** The contract's `/arxiv` text as the subcommand and options a Discord user would pick and type. */
export function typedCommandOf(text: string): Pick<InteractInput, 'group' | 'subcommand' | 'options'> {
  let rest = text.trim();
  const shared = /(^|\s)--share\s*$/i.exec(rest);
  if (shared) rest = rest.slice(0, shared.index).trim();
  const next = (): string => {
    const match = /^(\S+)\s*/.exec(rest);
    rest = rest.slice(match?.[0].length ?? 0);
    return match?.[1] ?? '';
  };
  let group: string | undefined;
  const save = rest;
  let name = next();
  if (name === 'me') {
    group = 'me';
    name = next();
  }
  let subcommand = subcommandOf(group, name);
  if (!subcommand) {
    // `/arxiv <words>`: on Discord, the search subcommand with the words.
    group = undefined;
    rest = save;
    name = 'search';
    subcommand = subcommandOf(undefined, name);
  }
  const declared = (subcommand?.options ?? []).filter((option) => option.name !== SHARE_OPTION);
  const options: Record<string, string | boolean> = {};
  declared.forEach((option, index) => {
    if (rest === '') return;
    const value = index === declared.length - 1 ? rest.trim() : next();
    options[option.name] = option.type === OPTION.Boolean ? booleanOf(value, option.name) : value;
    if (index === declared.length - 1) rest = '';
  });
  if (shared && subcommand?.options?.some((option) => option.name === SHARE_OPTION))
    options[SHARE_OPTION] = true;
  return { ...(group ? { group } : {}), subcommand: name, options };
}

/** The contract's name for where a message or command is: a channel (a thread's parent), or a user's DMs. */
export function targetOfChannel(fake: FakeDiscord, channelId: string): TargetId {
  const channel = fake.channel(channelId);
  if (!channel) throw new Error(`No channel ${channelId} in the fake Discord.`);
  if (channel.type === ChannelType.DM) return userTarget(channel.recipientId ?? '');
  const parent = isThread(channel) ? channel.parentId : null;
  return channelTarget(channel.guildId ?? '', parent ?? channel.id);
}

/** The Discord channel a command typed "in" a contract target goes to: the channel, or the user's DM. */
function channelOfTarget(fake: FakeDiscord, target: TargetId): string {
  const parsed = parseDiscordTarget(target);
  return parsed.kind === 'channel' ? parsed.channel : fake.dmChannel(parsed.user).id;
}

function userOf(user: string): string {
  const parsed = parseDiscordTarget(user);
  if (parsed.kind !== 'user') throw new Error(`${user} is not a user.`);
  return parsed.user;
}

/** A bot's post as the contract names it: the thread's root is the message it was started from. */
function shownPost(fake: FakeDiscord, message: FakeMessage): ShownMessage {
  const channel = fake.channel(message.channelId);
  const target = targetOfChannel(fake, message.channelId);
  // A forum post's first message has the thread's id: it is the post itself, not a reply in it.
  const inThread = channel !== undefined && isThread(channel) && message.id !== channel.id;
  return {
    ...shownOf(message),
    ref: inThread ? { target, id: message.id, threadId: channel.id } : { target, id: message.id },
    direct: channel?.type === ChannelType.DM,
  };
}

/**
 * Keeps the bot's message posts in flight until `release()`, after letting `skip` through: each is answered
 * 429 (Discord's own way of making a client wait) and retried by discord.js shortly after, until released.
 * `reached()` resolves once a post is held; `release()` clears every fault armed on the fake.
 */
export function holdMessagePosts(fake: FakeDiscord, options: { skip?: number; route?: string } = {}) {
  const route = options.route ?? MESSAGE_CREATE;
  const before = fake.rateLimitHits.length;
  fake.fail(route, { retryAfter: 0.05, times: 1_000_000, skip: options.skip ?? 0 });
  const held = () => fake.rateLimitHits.slice(before).some((hit) => hit.injected && hit.route === route);
  return {
    reached: () => fake.waitFor(held, 15_000, 'a post to be held'),
    release: () => fake.clearFaults(),
  };
}

export function discordContractDriver(fake: FakeDiscord): ContractDriver {
  return {
    async command({ text, user, channel }) {
      fake.interact({ user: userOf(user), channel: channelOfTarget(fake, channel), ...typedCommandOf(text) });
    },
    async react({ message, emoji, user }) {
      const found = fake.message(message.id);
      if (!found) throw new Error(`No message ${message.id} in the fake Discord.`);
      fake.react({ user: userOf(user), channel: found.channelId, message: found.id, emoji });
    },
    async unreact({ message, emoji, user }) {
      const found = fake.message(message.id);
      if (!found) throw new Error(`No message ${message.id} in the fake Discord.`);
      fake.unreact({ user: userOf(user), channel: found.channelId, message: found.id, emoji });
    },
    async posted(): Promise<ShownMessage[]> {
      return fake
        .posts()
        .filter((message) => message.authorId === fake.bot.id && (message.type === 0 || message.type === 19))
        .map((message) => shownPost(fake, message));
    },
    async answers(): Promise<ShownAnswer[]> {
      const shown: Array<ShownAnswer & { id: string }> = [];
      for (const record of fake.interactions) {
        if (record.type !== APPLICATION_COMMAND) continue;
        const messages = [record.original, ...record.followUps].filter(
          (message): message is FakeMessage =>
            message !== null && !message.deleted && (message.flags & MessageFlags.Loading) === 0,
        );
        for (const message of messages) {
          shown.push({
            id: message.id,
            ...shownOf(message),
            visibility: message.ephemeral ? 'private' : 'channel',
            user: userTarget(record.userId),
            channel: targetOfChannel(fake, record.channelId),
          });
        }
      }
      return shown
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .map(({ id: _id, ...answer }) => answer);
    },
    wouldPing,
    pingSample: {
      text: 'Heads up @everyone, new papers',
      links: [],
      raw: JSON.stringify({ content: 'Heads up @everyone, new papers' }),
    },
    holdPosts: () => holdMessagePosts(fake),
  };
}
