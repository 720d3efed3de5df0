/**
 * What people do in the fake workspace, step by step, waiting for the bot's answer the way a person would:
 * a slash command is acknowledged, then answered at its response_url.
 */
import type { CommandAnswer, Delivery } from '../../fakes/slack-server.ts';
import type { SlackWorld } from './world.ts';

export interface CommandRun {
  delivery: Delivery;
  /** The answers at the command's response_url, in order. */
  answers: CommandAnswer[];
}

/** Types `/arxiv <text>`, waits for the acknowledgement and the first answer (or `answers` of them). */
export async function command(
  world: SlackWorld,
  input: { user: string; channel: string; text: string },
  answers = 1,
): Promise<CommandRun> {
  const delivery = await world.fake.slashCommand(input);
  await world.fake.acknowledged(delivery);
  const url = String(delivery.payload.response_url);
  const mine = () => world.fake.answers.filter((answer) => answer.responseUrl === url);
  await world.fake.waitFor(() => mine().length >= answers, 10_000, `the answer to /arxiv ${input.text}`);
  return { delivery, answers: mine() };
}

/** Everything in a message that Slack parses: the fallback text and the blocks, as sent. */
export function rawText(sent: Record<string, unknown>): string {
  return `${String(sent.text ?? '')}\n${JSON.stringify(sent.blocks ?? [])}`;
}
