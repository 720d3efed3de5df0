import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.ts';
import { ReplayRepository } from '../../../src/store/repositories/replays.ts';

let directory: string;
const opened: Store[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-replays-'));
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function open(url = `sqlite://${join(directory, 'state.sqlite')}`): Promise<Store> {
  const store = await openStore(url);
  opened.push(store);
  return store;
}

describe('ReplayRepository', () => {
  it('takes a request id once within its window, and again once the window has passed', async () => {
    const replays = new ReplayRepository(await open('sqlite://:memory:'));
    expect(await replays.firstSeen('slack|v0=aa', 200)).toBe(true);
    expect(await replays.firstSeen('slack|v0=aa', 200)).toBe(false);
    expect(await replays.firstSeen('slack|v0=bb', 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await replays.firstSeen('slack|v0=aa', 200)).toBe(true);
  });

  it('is shared by replicas on one store: of many at once, exactly one takes an id', async () => {
    const replicas = [new ReplayRepository(await open()), new ReplayRepository(await open())];
    const takes = await Promise.all(
      Array.from({ length: 20 }, (_, n) => (replicas[n % 2] as ReplayRepository).firstSeen('x', 60_000)),
    );
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await replicas[1]?.firstSeen('x', 60_000)).toBe(false);
  });

  it('keeps its ids apart from every other namespace', async () => {
    const store = await open('sqlite://:memory:');
    await store.namespace('leases').set('x', 'someone');
    expect(await new ReplayRepository(store).firstSeen('x', 1000)).toBe(true);
  });
});
