/**
 * Issue 11, 6e: `npm start` killed with SIGKILL while it leads the schedule, and started again on the same
 * data, leads again at once: it is the same replica (src/replica.ts), and the leader lease its dead self held
 * is its own to take back. Another replica on the same store (another data directory, so another identity)
 * waits for the lease to expire (90 s).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDir, GOOD, type Running, running, useStartHarness, waitFor } from './harness.ts';

const harness = useStartHarness();

const LEADS = 'this replica now runs the schedule';

function leadership(bot: Running): Record<string, unknown> | undefined {
  return bot.logs().find((line) => line.msg === LEADS);
}

function replicaOf(bot: Running): { id: string; from: string } {
  const starting = bot.logs().find((line) => line.msg === 'arxiv-digest starting');
  return starting?.replica as { id: string; from: string };
}

async function killHard(bot: Running): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exit;
}

describe('a replica restarted after kill -9', () => {
  it('takes back the leader lease its dead self held at once, while another replica waits for it to expire', async () => {
    const dir = freshDir(GOOD);
    const store = `sqlite://${join(dir, 'data', 'arxiv-digest.sqlite')}`;
    // Another replica on the same store, with its own data directory.
    const otherDir = freshDir(GOOD);
    mkdirSync(join(otherDir, 'data'), { recursive: true });

    const first = harness.start([], dir, harness.env({ STORE_URL: store }));
    const led = await waitFor(() => leadership(first), 'the first process to lead');
    const identity = replicaOf(first);
    expect(identity.from).toBe('slot');
    expect(led.holder).toBe(identity.id);
    await killHard(first);

    const other = harness.start([], otherDir, harness.env({ STORE_URL: store }));
    await running(other);
    expect(replicaOf(other).id).not.toBe(identity.id);

    const restartedAt = Date.now();
    const restarted = harness.start([], dir, harness.env({ STORE_URL: store }));
    const again = await waitFor(() => leadership(restarted), 'the restarted process to lead', 10_000);
    const tookMs = Date.now() - restartedAt;
    expect(again.holder).toBe(identity.id);
    expect(tookMs).toBeLessThan(10_000);

    // The other replica, running since before the restart, was kept waiting for the dead leader's lease.
    await new Promise((wait) => setTimeout(wait, 1000));
    expect(leadership(other)).toBeUndefined();
  }, 60_000);

  it('with REPLICA_ID, is that identity wherever it starts, and a replica with another REPLICA_ID waits', async () => {
    const dir = freshDir(GOOD);
    const store = `sqlite://${join(dir, 'data', 'arxiv-digest.sqlite')}`;
    const elsewhere = freshDir(GOOD);

    const first = harness.start([], dir, harness.env({ STORE_URL: store, REPLICA_ID: 'bot-0' }));
    expect((await waitFor(() => leadership(first), 'bot-0 to lead')).holder).toBe('bot-0');
    expect(replicaOf(first)).toEqual({ id: 'bot-0', from: 'env' });
    await killHard(first);

    const other = harness.start([], dir, harness.env({ STORE_URL: store, REPLICA_ID: 'bot-1' }));
    await running(other);
    // bot-0 again, from another working directory: the name alone is the identity.
    const restarted = harness.start([], elsewhere, harness.env({ STORE_URL: store, REPLICA_ID: 'bot-0' }));
    const again = await waitFor(() => leadership(restarted), 'bot-0 to lead again', 10_000);
    expect(again.holder).toBe('bot-0');
    await new Promise((wait) => setTimeout(wait, 1000));
    expect(leadership(other)).toBeUndefined();
  }, 60_000);
});
