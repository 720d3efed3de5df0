/**
 * What people do on the fake Discord, step by step, waiting for the bot the way a person would: a slash
 * command is acknowledged (within Discord's 3 seconds, which the fake enforces) and then answered; a
 * reaction is handled by the core.
 */
import { expect } from 'vitest';
import {
  type FakeMessage,
  type InteractInput,
  type InteractionHandle,
  MessageFlags,
} from '../../fakes/discord-server.ts';
import type { DiscordWorld } from './world.ts';

/** Discord's window for acknowledging an interaction. */
export const ACK_WINDOW_MS = 3000;

export interface CommandRun {
  handle: InteractionHandle;
  /** The first answer: the deferral edited with it, or the follow-up that replaced the deferral. */
  reply: FakeMessage;
  /** Every answer: the reply and the follow-ups, in order. */
  answers: FakeMessage[];
}

/** Runs `/arxiv …` as `input.user` in `input.channel` and waits for its reply (and `followUps` more). */
export async function command(world: DiscordWorld, input: InteractInput, followUps = 0): Promise<CommandRun> {
  const handle = world.fake.interact(input);
  const ack = await handle.acknowledged(10_000);
  expect(ack.at - handle.record.dispatchedAt).toBeLessThan(ACK_WINDOW_MS);
  // The first answer edits the deferred reply, or (deferred the other way) replaces it with a follow-up.
  const first = (): FakeMessage | undefined => {
    const original = handle.record.original;
    if (original && !original.deleted && (original.flags & MessageFlags.Loading) === 0) return original;
    return handle.record.followUps[0];
  };
  await world.fake.waitFor(() => first() !== undefined, 15_000, `the answer to /arxiv ${input.subcommand}`);
  const reply = first() as FakeMessage;
  if (followUps > 0) await handle.followUps(followUps, 15_000);
  const answers = [handle.record.original, ...handle.record.followUps].filter(
    (message): message is FakeMessage => message !== null && !message.deleted,
  );
  return { handle, reply, answers };
}

/** What the core made of the reactions so far (`posted`, `already-posted`, `other-emoji`, `no-paper`). */
export function handled(world: DiscordWorld): string[] {
  return world.logs.withMessage('reaction handled').map((line) => String(line.outcome));
}

/** Adds a reaction as `user` and waits until the core has handled it. */
export async function react(
  world: DiscordWorld,
  input: { user: string; message: FakeMessage; emoji?: string },
): Promise<void> {
  const before = handled(world).length;
  const sessions = world.fake.react({
    user: input.user,
    channel: input.message.channelId,
    message: input.message.id,
    emoji: input.emoji ?? '📝',
  });
  expect(sessions).toBe(1);
  await world.fake.waitFor(() => handled(world).length > before, 15_000, `the bot to handle ${input.emoji}`);
}
