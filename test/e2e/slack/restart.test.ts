/**
 * A restart in the middle of a digest neither repeats nor skips a paper, and the thread goes on under the
 * same root. The bot is stopped cleanly, or killed with SIGKILL in a process of its own while the fake
 * Slack holds one of its posts; then a new bot on the same store file and the same workspace delivers
 * again. The hardest case: Slack took a post, but its answer never came back.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../fakes/slack-server.ts';
import { type LossyProxy, startLossyProxy } from './lossy-proxy.ts';
import { keyOf, MATCHED, type SlackWorld, slackWorld } from './world.ts';

const BOT_PROCESS = resolve(import.meta.dirname, 'bot-process.ts');
/** The replica's name: the restarted process takes its own delivery lease back at once. */
const HOLDER = 'replica-1';

let world: SlackWorld;
let proxy: LossyProxy | null = null;

afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await world?.close();
});

/** Lets `count` chat.postMessage calls through, then holds the next one; resolves once it is held. */
async function holdAfter(fake: FakeSlack, count: number): Promise<{ release(): void }> {
  let hold = fake.holdPosts();
  for (let passed = 0; passed < count; passed++) {
    await hold.reached();
    const passing = hold;
    hold = fake.holdPosts();
    passing.release();
  }
  await hold.reached();
  return hold;
}

/** The digest in #papers as the channel shows it: one root, each paper once in its thread, best first. */
function expectWholeDigestOnce(): void {
  const posts = world.postsIn(world.papers.id);
  expect(posts.map(keyOf)).toEqual(['root', ...MATCHED]);
  const root = posts[0];
  expect(root?.threadTs).toBeNull();
  for (const reply of posts.slice(1)) expect(reply.threadTs).toBe(root?.ts);
}

/** Runs the scheduled digest in a bot process of its own; SIGKILL it with `kill()`. */
function botProcess(): { kill(): Promise<void>; exited: Promise<string> } {
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
  const exited = once(child, 'exit').then(() => output);
  return {
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits for `held`, failing with the bot's output if the bot process ends first. */
async function whileRunning<T>(bot: { exited: Promise<string> }, held: Promise<T>): Promise<T> {
  return Promise.race([
    held,
    bot.exited.then((output) => {
      throw new Error(`the bot process ended before its post was held:\n${output}`);
    }),
  ]);
}

async function restartAndDeliver() {
  const restarted = await world.boot({ holder: HOLDER });
  const [outcome] = await restarted.bot.deliverScheduled([
    await world.subscription(world.channel, restarted.bot),
  ]);
  return outcome;
}

describe('Slack end to end: a restart in the middle of a digest', () => {
  it('after a clean stop, continues the same thread with the papers not yet posted', async () => {
    world = await slackWorld();
    const first = await world.boot({ holder: HOLDER });
    const subscription = await world.subscription(world.channel, first.bot);
    const held = holdAfter(world.fake, 2);
    const run = first.bot.deliverScheduled([subscription]);
    const hold = await held;
    // Shutting down: the adapter takes no new post but lets the one in flight finish.
    const stopping = first.stop();
    hold.release();
    await stopping;
    const [interrupted] = await run;
    expect(interrupted?.error).toBeTruthy();
    expect(world.postsIn(world.papers.id).map(keyOf)).toEqual(['root', ...MATCHED.slice(0, 2)]);

    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expectWholeDigestOnce();
  });

  it('after SIGKILL while a post was on its way and never reached Slack, posts it once', async () => {
    world = await slackWorld();
    const held = holdAfter(world.fake, 2);
    const bot = botProcess();
    const hold = await whileRunning(bot, held);
    await bot.kill();
    // The post held in flight fails: Slack never took it.
    world.fake.fail('chat.postMessage', { error: 'fatal_error' });
    hold.release();
    await world.fake.waitFor(
      () => world.fake.callsTo('chat.postMessage').at(-1)?.error === 'fatal_error',
      5000,
      'the held post to fail',
    );
    expect(world.postsIn(world.papers.id).map(keyOf)).toEqual(['root', MATCHED[0]]);

    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expectWholeDigestOnce();
  });

  it('after SIGKILL when Slack took a post but the answer never came back, finds it and does not post it again', async () => {
    world = await slackWorld();
    const held = holdAfter(world.fake, 2);
    const bot = botProcess();
    const hold = await whileRunning(bot, held);
    await bot.kill();
    // Slack takes the post; its answer goes to a process that is gone.
    hold.release();
    await world.fake.waitFor(() => world.postsIn(world.papers.id).length === 3, 5000, 'the held post');

    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expectWholeDigestOnce();
    // The restarted bot looked for it by its message metadata.
    expect(
      world.fake.callsTo('conversations.replies').some((call) => call.params.include_all_metadata === 'true'),
    ).toBe(true);
  });

  it('when the adapter sees an error for a post Slack took and the process dies, the restart finds it', async () => {
    world = await slackWorld();
    proxy = await startLossyProxy(world.fake.url);
    // The root and the first paper are answered; the answer to the second paper's post is lost.
    proxy.loseAnswers('chat.postMessage', { skip: 2 });
    const first = await world.boot({
      holder: HOLDER,
      adapter: { apiUrl: proxy.apiUrl, retryConfig: { retries: 0 } },
    });
    const [failed] = await first.bot.deliverScheduled([await world.subscription(world.channel, first.bot)]);
    expect(proxy.lost).toEqual(['chat.postMessage']);
    expect(failed?.error).toBeTruthy();
    expect(world.postsIn(world.papers.id).map(keyOf)).toEqual(['root', ...MATCHED.slice(0, 2)]);
    await first.stop();

    const outcome = await restartAndDeliver();
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: true, papers: 3 });
    expectWholeDigestOnce();
  });

  it('when the answer to a post is lost, the adapter looks for it before posting it again', async () => {
    world = await slackWorld();
    proxy = await startLossyProxy(world.fake.url);
    proxy.loseAnswers('chat.postMessage', { skip: 2 });
    const only = await world.boot({ adapter: { apiUrl: proxy.apiUrl } });
    const [outcome] = await only.bot.deliverScheduled([await world.subscription(world.channel, only.bot)]);
    expect(proxy.lost).toEqual(['chat.postMessage']);
    expect(outcome?.outcome).toMatchObject({ status: 'delivered', resumed: false, papers: 3 });
    expectWholeDigestOnce();
    expect(
      world.logs.withMessage('a post got no answer from Slack; looking for it before posting it again'),
    ).toHaveLength(1);
  });
});
