import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/bounded-cache.ts';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('BoundedCache', () => {
  it('keeps at most maxEntries, forgetting the least recently used first', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 3, ttlMs: Number.POSITIVE_INFINITY });
    cache.set('a', 1).set('b', 2).set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('peek does not count as a use', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 2, ttlMs: 1000 });
    cache.set('a', 1).set('b', 2);
    expect(cache.peek('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.has('a')).toBe(false);
    expect(cache.has('b')).toBe(true);
  });

  it('forgets an entry once it is ttlMs old, however often it was read', () => {
    const time = clock();
    const cache = new BoundedCache<string, string>({ maxEntries: 10, ttlMs: 1000, now: time.now });
    cache.set('k', 'v');
    time.advance(600);
    expect(cache.get('k')).toBe('v');
    time.advance(399);
    expect(cache.get('k')).toBe('v');
    time.advance(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('takes a ttl per entry', () => {
    const time = clock();
    const cache = new BoundedCache<string, string>({ maxEntries: 10, ttlMs: 1000, now: time.now });
    cache.set('short', 's', 10).set('long', 'l');
    time.advance(10);
    expect(cache.has('short')).toBe(false);
    expect(cache.has('long')).toBe(true);
  });

  it('drops expired entries as new ones come, without waiting to be full', () => {
    const time = clock();
    const cache = new BoundedCache<number, number>({ maxEntries: 1000, ttlMs: 100, now: time.now });
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, i);
      time.advance(1);
    }
    // Only the last ~100 ms of entries are live; the sweep keeps the rest from piling up.
    expect(cache.size).toBeLessThanOrEqual(102);
    expect(cache.prune()).toBeLessThanOrEqual(2);
  });

  it('deleteIf deletes only while the key holds that value', () => {
    const cache = new BoundedCache<string, object>({ maxEntries: 10, ttlMs: 1000 });
    const first = {};
    const second = {};
    cache.set('k', first);
    cache.set('k', second);
    expect(cache.deleteIf('k', first)).toBe(false);
    expect(cache.get('k')).toBe(second);
    expect(cache.deleteIf('k', second)).toBe(true);
    expect(cache.has('k')).toBe(false);
  });

  it('prune drops every expired entry; clear drops all', () => {
    const time = clock();
    const cache = new BoundedCache<string, number>({ maxEntries: 10, ttlMs: 100, now: time.now });
    cache.set('a', 1).set('b', 2, 1000).set('c', 3);
    time.advance(100);
    expect(cache.prune()).toBe(2);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a size or ttl that cannot work', () => {
    expect(() => new BoundedCache({ maxEntries: 0, ttlMs: 1 })).toThrow(RangeError);
    expect(() => new BoundedCache({ maxEntries: 1, ttlMs: 0 })).toThrow(RangeError);
  });
});
