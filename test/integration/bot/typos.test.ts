import { afterEach, beforeEach, expect, it } from 'vitest';
import { TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { type ChatWorld, chatWorld, run } from './chat-world.ts';

/* Issue 10, "In the chat", item 2, through the bot: a mistyped subcommand is answered privately, and runs nothing. */

let world: ChatWorld;

beforeEach(async () => {
  world = await chatWorld();
});

afterEach(async () => {
  await world.close();
});

it('answers /arxiv subscibe LLM privately with "did you mean", changing nothing and searching nothing', async () => {
  const before = await world.bot.subscriptions.get(TEST_CHANNEL);
  const { acknowledged, answers } = await run(world, 'subscibe LLM');
  expect(acknowledged).toBe('private');
  expect(answers.map(({ visibility, text }) => ({ visibility, text }))).toEqual([
    {
      visibility: 'private',
      text: 'Did you mean `/arxiv subscribe LLM`? To search arXiv for these words, type /arxiv search subscibe LLM.',
    },
  ]);
  expect(await world.bot.subscriptions.get(TEST_CHANNEL)).toEqual(before);
  expect(world.arxiv.requests.filter((request) => request.path.startsWith('/api/'))).toEqual([]);
});

it('still searches for /arxiv search subscibe LLM, as the answer says', async () => {
  const { answers } = await run(world, 'lsit');
  expect(answers[0]?.text).toMatch(/^Did you mean `\/arxiv list`\?/);
  const searched = await run(world, 'search lsit');
  expect(searched.answers[0]?.text).not.toMatch(/Did you mean/);
  expect(world.arxiv.requests.filter((request) => request.path.startsWith('/api/'))).toHaveLength(1);
});
