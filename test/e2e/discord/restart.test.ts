/**
 * A restart in the middle of a digest on Discord neither repeats nor skips a paper, and the digest goes on
 * in the same thread. The bot is stopped cleanly while the fake Discord holds one of its posts, or killed
 * with SIGKILL in a process of its own while Discord is still taking a post (which lands after the process
 * is gone); then a new bot on the same store file and the same Discord delivers again.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holdMessagePosts } from '../../fakes/discord/contract-driver.ts';
import type { FakeMessage } from '../../fakes/discord-server.ts';
import { type DiscordWorld, discordWorld, MATCHED, paperOf } from './world.ts';

const BOT_PROCESS = resolve(import.meta.dirname, 'bot-process.ts');
/** The replica's name: the restarted process takes its own delivery lease back at once. */
const HOLDER = 'replica-1';
const MESSAGE_CREATE = 'POST /channels/:channel/messages';

let world: DiscordWorld;

afterEach(async () => {
  await world?.close();
});

/** The digest in #papers as the channel shows it: one root, its one thread, each paper once, best first. */
function expectWholeDigestOnce(root: FakeMessage): void {
  expect(world.postsIn(world.papers.id).map((message) => message.id)).toEqual([root.id]);
  expect(world.fake.threads(world.papers.id).map((thread) => thread.id)).toEqual([root.id]);
  expect(world.postsIn(root.id).map(paperOf)).toEqual(MATCHED);
}

async function restartAndDeliver() {
  const restarted = await world.boot({ holder: HOLDER });
  const [outcome] = await restarted.bot.deliverScheduled([
    await world.subscription(world.channel, restarted.bot),
  ]);
  return outcome;
}

describe('Discord end to end: a restart in the middle of a digest', () => {
  it('after a clean stop, continues in the same thread with the papers not yet posted', async () => {
    world = await discordWorld();
    const first = await world.boot({ holder: HOLDER });
    const subscription = await world.subscription(world.channel, first.bot);
    // The root and the first paper go out; Discord holds the second paper's post (429 after 429).
    const hold = holdMessagePosts(world.fake, { skip: 2 });
    const run = first.bot.deliverScheduled([subscription]);
    await hold.reached();
    // Shutting down: the adapter takes no new post but lets the one in flight finish.
    const stopping = first.stop();
    hold.release();
    await stopping;
    const [interrupted] = await run;
    expect(interrupted?.error).toBeTruthy();
    const root = world.postsIn(world.papers.id)[0] as FakeMessage;
    expect(world.postsIn(root.id).map(paperOf)).toEqual(MATCHED.slice(0, 2));

    const calls = world.fake.calls.length;
    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expect(outcome?.outcome).toMatchObject({ root: { id: root.id } });
    expectWholeDigestOnce(root);
    // The restarted bot posted only the missing paper, in the existing thread, without starting it again.
    const after = world.fake.calls.slice(calls);
    expect(after.filter((call) => call.route === MESSAGE_CREATE && call.status === 200)).toHaveLength(1);
    expect(after.filter((call) => call.route.endsWith('/threads') && call.status === 201)).toEqual([]);
  });

  it('after SIGKILL while Discord was still taking a post, finds that post and does not post it again', async () => {
    world = await discordWorld();
    // The second paper's post: refused once with a 429 (so the test sees it coming), then its retry taken
    // slowly, so that the process is killed while Discord is still on it.
    world.fake.fail(MESSAGE_CREATE, { retryAfter: 0.05, skip: 2 });
    world.fake.fail(MESSAGE_CREATE, { latencyMs: 3000 });
    const child = spawn(process.execPath, [BOT_PROCESS], {
      env: { ...process.env, E2E_BOT_SPEC: JSON.stringify({ ...world.spec(HOLDER), target: world.channel }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(child, 'exit');
    try {
      await world.fake.waitFor(() => world.fake.count429(MESSAGE_CREATE) === 1, 20_000, 'the held post');
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${output}`);
    }
    // discord.js retries within a fraction of a second (at most the 1 s of Retry-After); the retry then
    // waits 3 s in Discord: the process dies while Discord is on it.
    await new Promise((done) => setTimeout(done, 1500));
    child.kill('SIGKILL');
    await exited;
    // Discord takes the post; its answer goes to a process that is gone.
    await world.fake.waitFor(
      () => world.fake.posts().filter((message) => paperOf(message) !== null).length === 2,
      10_000,
      'the post the killed process sent',
    );
    const root = world.postsIn(world.papers.id)[0] as FakeMessage;
    expect(world.postsIn(root.id).map(paperOf)).toEqual(MATCHED.slice(0, 2));

    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expectWholeDigestOnce(root);
    // The restarted bot looked in the thread's history for the post it could not know about.
    expect(
      world.fake.callsTo('GET /channels/:channel/messages').some((call) => call.path.includes(root.id)),
    ).toBe(true);
  });
});
