import type { RespondArguments } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  type CommandArgs,
  type ListenerContext,
  otherCommand,
  otherCommands,
  reactionEvent,
  slashCommand,
} from '../../../adapters/slack/listeners.ts';
import type { CommandEvent, ReactionEvent } from '../../../src/chat/types.ts';
import { UserError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A listener context recording what the listeners hand to the core, and what they track. */
function context(options: { running?: boolean; onCommand?: (event: CommandEvent) => Promise<void> } = {}) {
  const commands: CommandEvent[] = [];
  const reactions: ReactionEvent[] = [];
  const tracked: Promise<unknown>[] = [];
  const threads = new Map<string, string>([['1700000000.000200', '1700000000.000100']]);
  const ctx: ListenerContext = {
    command: '/arxiv',
    handlers: {
      onCommand: async (event) => {
        commands.push(event);
        await options.onCommand?.(event);
      },
      onReaction: async (event) => {
        reactions.push(event);
      },
    },
    logger: silentLogger,
    team: 'T1',
    running: () => options.running ?? true,
    track: (work) => {
      tracked.push(work);
      return work;
    },
    conversations: {
      targetOf: async (team, channel) => `slack:${team}:${channel}`,
      locate: async (_channel, ts) => {
        if (ts === '1700000000.000999') throw new Error('cannot read');
        const root = threads.get(ts);
        return root === undefined ? { thread_ts: ts } : { thread_ts: root };
      },
    },
  };
  return { ctx, commands, reactions, tracked };
}

/** Bolt's arguments of a slash command, with the acks and answers recorded. */
function commandArgs(text: string, command = '/arxiv', fields: Partial<CommandArgs['command']> = {}) {
  const acks: Array<RespondArguments | undefined> = [];
  const answers: RespondArguments[] = [];
  const args: CommandArgs = {
    command: { team_id: 'T1', channel_id: 'C1', user_id: 'U1', command, text, ...fields },
    ack: async (response) => {
      acks.push(response);
    },
    respond: async (message) => {
      answers.push(message);
    },
  };
  return { args, acks, answers };
}

const reactionBody = (ts: string, item = 'message', type = 'reaction_added') => ({
  team_id: 'T1',
  event: { type, user: 'U2', reaction: 'memo', item: { type: item, channel: 'C1', ts } },
});

describe('the slash command listener', () => {
  it('acknowledges at once and hands the command to the core, answers tracked', async () => {
    const { ctx, commands, tracked } = context();
    const { args, acks, answers } = commandArgs('search graph neural');
    await slashCommand(ctx, args);
    expect(acks).toEqual([undefined]);
    expect(commands).toHaveLength(1);
    const event = commands[0] as CommandEvent;
    expect(event).toMatchObject({
      platform: 'slack',
      text: 'search graph neural',
      user: 'slack:T1:@U1',
      channel: 'slack:T1:C1',
    });
    await event.respond({ text: 'hello', blocks: [{ kind: 'text', spans: [{ text: 'hello' }] }] }, 'private');
    expect(tracked).toHaveLength(1);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    await event.respond({ text: 'all', blocks: [] }, 'channel');
    expect(answers[1]).toMatchObject({ response_type: 'in_channel', text: 'all' });
  });

  it('answers that the bot is restarting while the adapter is not running, without the core', async () => {
    const { ctx, commands } = context({ running: false });
    const { args, acks } = commandArgs('help');
    await slashCommand(ctx, args);
    expect(acks).toEqual([
      { response_type: 'ephemeral', text: 'The bot is restarting; try again in a minute.' },
    ]);
    expect(commands).toHaveLength(0);
  });

  it('answers privately with the message of an error the core let through', async () => {
    const { ctx } = context({
      onCommand: async () => {
        throw new UserError('USAGE', 'Try /arxiv help.');
      },
    });
    const { args, answers } = commandArgs('nonsense');
    await slashCommand(ctx, args);
    await settle();
    expect(answers).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', text: 'Try /arxiv help.' }),
    ]);
  });

  it('answers a bug without its details', async () => {
    const { ctx } = context({
      onCommand: async () => {
        throw new TypeError('x is undefined');
      },
    });
    const { args, answers } = commandArgs('help');
    await slashCommand(ctx, args);
    await settle();
    expect(answers).toEqual([
      expect.objectContaining({ text: 'That failed unexpectedly; the log has the details.' }),
    ]);
  });
});

describe('the slash command listener: commands it cannot take', () => {
  it('refuses a command from a workspace the bot is not installed in, saying so, handing nothing over', async () => {
    const { ctx, commands } = context();
    const { args, acks, answers } = commandArgs('subscribe llm', '/arxiv', { team_id: 'T2' });
    await slashCommand(ctx, args);
    await settle();
    expect(acks).toEqual([
      {
        response_type: 'ephemeral',
        text: 'This bot is not installed in this Slack workspace, so it cannot answer commands here. Ask an admin to install the app in this workspace.',
      },
    ]);
    expect(commands).toHaveLength(0);
    expect(answers).toHaveLength(0);
  });

  it('answers a command whose channel, user or workspace id is malformed with a clear error', async () => {
    for (const fields of [
      { channel_id: 'C1<!channel>' },
      { channel_id: '' },
      { user_id: 'u1' },
      { user_id: undefined as unknown as string },
      { team_id: 'T1 ' },
    ]) {
      const { ctx, commands } = context();
      const { args, acks } = commandArgs('subscribe llm', '/arxiv', fields);
      await slashCommand(ctx, args);
      await settle();
      expect(acks).toEqual([
        {
          response_type: 'ephemeral',
          text: 'This command came from Slack without a valid channel, user or workspace id, so I did nothing. Run it again from a channel or a direct message.',
        },
      ]);
      expect(commands).toHaveLength(0);
    }
  });
});

describe('another command routed to the app', () => {
  it('is answered with the command the app does answer', async () => {
    const { ctx } = context();
    const { args, acks } = commandArgs('x', '/papers');
    await otherCommand(ctx, args);
    expect(acks).toEqual([
      { response_type: 'ephemeral', text: 'This app answers /arxiv; /papers is not one of its commands.' },
    ]);
  });

  it('is every command but the app’s own', () => {
    const pattern = otherCommands('/arxiv');
    expect(pattern.test('/papers')).toBe(true);
    expect(pattern.test('/arxiv2')).toBe(true);
    expect(pattern.test('/arxiv')).toBe(false);
  });
});

describe('the reaction listener', () => {
  it('hands a reaction on a top-level message to the core', async () => {
    const { ctx, reactions } = context();
    await reactionEvent(ctx, { body: reactionBody('1700000000.000100') });
    expect(reactions).toEqual([
      {
        platform: 'slack',
        action: 'added',
        emoji: 'memo',
        user: 'slack:T1:@U2',
        message: { target: 'slack:T1:C1', id: '1700000000.000100' },
      },
    ]);
  });

  it('hands a removed reaction to the core as removed, with the reply’s thread', async () => {
    const { ctx, reactions } = context();
    await reactionEvent(ctx, { body: reactionBody('1700000000.000200', 'message', 'reaction_removed') });
    expect(reactions).toEqual([
      {
        platform: 'slack',
        action: 'removed',
        emoji: 'memo',
        user: 'slack:T1:@U2',
        message: { target: 'slack:T1:C1', id: '1700000000.000200', threadId: '1700000000.000100' },
      },
    ]);
  });

  it('names the thread of a reply', async () => {
    const { ctx, reactions } = context();
    await reactionEvent(ctx, { body: reactionBody('1700000000.000200') });
    expect(reactions[0]?.message).toEqual({
      target: 'slack:T1:C1',
      id: '1700000000.000200',
      threadId: '1700000000.000100',
    });
  });

  it('still hands the reaction on when the message cannot be read, without a thread', async () => {
    const { ctx, reactions } = context();
    await reactionEvent(ctx, { body: reactionBody('1700000000.000999') });
    expect(reactions[0]?.message).toEqual({ target: 'slack:T1:C1', id: '1700000000.000999' });
  });

  it('ignores a reaction from another workspace, and one with a malformed id', async () => {
    const { ctx, reactions } = context();
    await reactionEvent(ctx, { body: { ...reactionBody('1700000000.000100'), team_id: 'T2' } });
    const malformed = reactionBody('1700000000.000100');
    malformed.event.user = 'U2<!here>';
    await reactionEvent(ctx, { body: malformed });
    expect(reactions).toHaveLength(0);
  });

  it('ignores reactions to other things, and every reaction while the adapter is not running', async () => {
    const stopped = context({ running: false });
    await reactionEvent(stopped.ctx, { body: reactionBody('1700000000.000100') });
    expect(stopped.reactions).toHaveLength(0);
    const running = context();
    await reactionEvent(running.ctx, { body: reactionBody('1700000000.000100', 'file') });
    expect(running.reactions).toHaveLength(0);
  });
});
