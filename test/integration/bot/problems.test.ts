import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults } from '../../fakes/arxiv-server.ts';
import { type ChatWorld, chatWorld, run } from './chat-world.ts';

/*
 * Issue 10, "In the chat", item 5, through the bot: what a user is told names the real cause (a refused
 * connection is not "did not answer in time"), and never says "try again" twice.
 */

let world: ChatWorld;

beforeEach(async () => {
  world = await chatWorld();
});

afterEach(async () => {
  await world.close();
});

const tryAgain = (text: string) => text.match(/try again/gi)?.length ?? 0;

describe('a search when arXiv fails', () => {
  it('names a refused connection as such, and answers from the recent listings', async () => {
    await world.bot.listings.latest(['cs.CL', 'cs.LG']);
    const host = new URL(world.arxiv.url).host;
    await world.arxiv.close();
    const { answers } = await run(world, 'search distributed training');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).toContain('Distributed Training Without Parameter Servers');
    expect(answers[0]?.text).toContain(
      `Cannot reach arXiv at ${host} (connection refused; 1 attempt). These results are from the recent daily listings only.`,
    );
    expect(answers[0]?.text).not.toMatch(/in time/);
  });

  it('says how long it waited when arXiv is slow, and how to go on when nothing was found', async () => {
    world.arxiv.fail(faults.slow(5000));
    const { answers } = await run(world, 'search zebrafish');
    // The search took 2 s: a progress note may come first; the results are the last answer.
    const results = answers.at(-1)?.text ?? '';
    expect(results).toContain(
      `arXiv at ${new URL(world.arxiv.url).host} did not answer within 2 s (1 attempt). The recent daily listings hold no match either. This is not your mistake; try again in a minute.`,
    );
    expect(tryAgain(results)).toBe(1);
  });
});

describe('a command that fails on arXiv', () => {
  it('names the cause once, with one closing advice', async () => {
    const host = new URL(world.arxiv.url).host;
    await world.arxiv.close();
    const { answers } = await run(world, 'digest');
    expect(answers.map(({ visibility, text }) => ({ visibility, text }))).toEqual([
      {
        visibility: 'private',
        text: `Cannot reach arXiv at ${host} (connection refused; 1 attempt). This is not your mistake; try again later.`,
      },
    ]);
  });

  it('does not add a second "try again" to a message that already says it', async () => {
    world.arxiv.fail(faults.malformed());
    const { answers } = await run(world, 'digest');
    expect(answers[0]?.text).toMatch(/not a readable feed/);
    expect(tryAgain(answers[0]?.text ?? '')).toBe(1);
  });
});
