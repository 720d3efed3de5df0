import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.ts';
import { FeedTokenRepository } from '../../../src/store/repositories/feeds.ts';

let store: Store;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
});

afterEach(async () => {
  await store.close();
});

describe('FeedTokenRepository', () => {
  it('keeps one token per target until it is revoked, then makes a new one', async () => {
    const feeds = new FeedTokenRepository(store);
    const token = await feeds.tokenFor('slack:T1:C2');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await feeds.tokenFor('slack:T1:C2')).toBe(token);
    expect(await feeds.targetOf(token)).toBe('slack:T1:C2');

    expect(await feeds.revoke('slack:T1:C2')).toBe(true);
    expect(await feeds.targetOf(token)).toBeUndefined();
    expect(await feeds.revoke('slack:T1:C2')).toBe(false);
    expect(await feeds.tokenFor('slack:T1:C2')).not.toBe(token);
  });

  it('gives calls at the same moment one token, which revoke() then closes', async () => {
    const feeds = new FeedTokenRepository(store);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => feeds.tokenFor('slack:T1:C2')));
    expect(new Set(tokens).size).toBe(1);

    await feeds.revoke('slack:T1:C2');
    for (const token of tokens) expect(await feeds.targetOf(token)).toBeUndefined();
  });

  it('opens nothing with a token of the wrong form', async () => {
    const feeds = new FeedTokenRepository(store);
    await feeds.tokenFor('slack:T1:C2');
    expect(await feeds.targetOf('short')).toBeUndefined();
    expect(await feeds.targetOf('target|slack:T1:C2')).toBeUndefined();
  });
});
