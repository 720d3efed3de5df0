import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults } from '../../fakes/arxiv-server.ts';
import { TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { type ChatWorld, chatWorld, shown } from './chat-world.ts';

/*
 * Issue 10, "In the chat", item 4: a 📝 reaction whose summary cannot be made tells the thread why and what
 * to do, once per thread and paper however many react; a later reaction tries again.
 */

let world: ChatWorld;

beforeEach(async () => {
  world = await chatWorld();
  // arXiv knows the paper by id (the reaction looks it up: no listing was fetched).
  world.arxiv.setSearch('unused', [
    { id: '2602.01002', title: 'Distributed Training Without Parameter Servers', categories: ['cs.LG'] },
  ]);
});

afterEach(async () => {
  await world.close();
});

describe('a reaction whose summary cannot be made', () => {
  it('says so in the thread once, and a later reaction tries again', async () => {
    const message = world.chat.addMessage(TEST_CHANNEL, 'Have you seen https://arxiv.org/abs/2602.01002 ?', {
      user: 'test:@someone',
    });
    world.arxiv.fail(faults.serverError());
    await world.chat.react(message, { emoji: 'memo' });
    const told = world.chat.threadOf(message);
    expect(told.map((post) => shown(post.message))).toEqual([
      `Could not make the summary of arXiv:2602.01002: arXiv answered HTTP 500 Internal Server Error (1 attempt): it is busy or down. This is not your mistake; react with 📝 again in a few minutes.`,
    ]);
    expect(told[0]?.ref.threadId).toBe(message.id);

    // Others react while arXiv is still failing: each tries, none repeats the notice.
    world.arxiv.fail(faults.serverError(), faults.serverError());
    await world.chat.react(message, { emoji: 'memo', user: 'test:@other' });
    await world.chat.react(message, { emoji: '📝', user: 'test:@third' });
    expect(world.chat.threadOf(message)).toHaveLength(1);
    expect(world.arxiv.requests.filter((request) => request.path.startsWith('/api/'))).toHaveLength(3);

    // arXiv is back: the next reaction posts the summary.
    await world.chat.react(message, { emoji: 'memo', user: 'test:@fourth' });
    const thread = world.chat.threadOf(message).map((post) => shown(post.message));
    expect(thread).toHaveLength(2);
    expect(thread[1]).toContain('Distributed Training Without Parameter Servers');
  });

  it('names the real cause when arXiv cannot be reached', async () => {
    const message = world.chat.addMessage(TEST_CHANNEL, 'https://arxiv.org/abs/2602.01002', {
      user: 'test:@someone',
    });
    const host = new URL(world.arxiv.url).host;
    await world.arxiv.close();
    await world.chat.react(message, { emoji: 'memo' });
    expect(world.chat.threadOf(message).map((post) => shown(post.message))).toEqual([
      `Could not make the summary of arXiv:2602.01002: Cannot reach arXiv at ${host} (connection refused; 1 attempt). This is not your mistake; react with 📝 again in a few minutes.`,
    ]);
  });
});

describe('a reaction whose citation cannot be made', () => {
  it('says so in the thread once, apart from summaries, and a later 📚 posts the BibTeX', async () => {
    const message = world.chat.addMessage(TEST_CHANNEL, 'Have you seen https://arxiv.org/abs/2602.01002 ?', {
      user: 'test:@someone',
    });
    // One failure for each of the two reactions (each looks the paper up once).
    world.arxiv.fail(faults.serverError(), faults.serverError());
    await world.chat.react(message, { emoji: 'books' });
    await world.chat.react(message, { emoji: '📚', user: 'test:@other' });
    expect(world.chat.threadOf(message).map((post) => shown(post.message))).toEqual([
      `Could not make the citation of arXiv:2602.01002: arXiv answered HTTP 500 Internal Server Error (1 attempt): it is busy or down. This is not your mistake; react with 📚 again in a few minutes.`,
    ]);

    // arXiv is back: the next reaction posts the BibTeX, once.
    await world.chat.react(message, { emoji: 'books', user: 'test:@third' });
    await world.chat.react(message, { emoji: 'books', user: 'test:@fourth' });
    const thread = world.chat.threadOf(message).map((post) => shown(post.message));
    expect(thread).toHaveLength(2);
    expect(thread[1]).toContain('BibTeX of Distributed Training Without Parameter Servers');
    expect(thread[1]).toContain('eprint={2602.01002},');
  });
});
