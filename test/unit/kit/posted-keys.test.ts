import { describe, expect, it } from 'vitest';
import { PostedKeys } from '../../../adapters/kit/posted-keys.ts';

describe('PostedKeys', () => {
  it('remembers a key per target', () => {
    const keys = new PostedKeys<string>();
    keys.remember('slack:T1:C1', 'digest:2026-02-04', 'ts1');
    keys.remember('slack:T1:C2', 'digest:2026-02-04', 'ts2');
    expect(keys.get('slack:T1:C1', 'digest:2026-02-04')).toBe('ts1');
    expect(keys.get('slack:T1:C2', 'digest:2026-02-04')).toBe('ts2');
    expect(keys.get('slack:T1:C3', 'digest:2026-02-04')).toBeUndefined();
    expect(keys.get('slack:T1:C1', 'digest:2026-02-05')).toBeUndefined();
    expect(keys.size).toBe(2);
  });

  it('does not mix up a target and a key that join to the same text', () => {
    const keys = new PostedKeys<string>();
    keys.remember('a:b', 'c', 'one');
    expect(keys.get('a', 'b:c')).toBeUndefined();
  });

  it('keeps the first post of a key by default, the latest when asked', () => {
    const first = new PostedKeys<string>();
    first.remember('t', 'k', 'one');
    first.remember('t', 'k', 'two');
    expect(first.get('t', 'k')).toBe('one');
    const latest = new PostedKeys<string>({ keep: 'latest' });
    latest.remember('t', 'k', 'one');
    latest.remember('t', 'k', 'two');
    expect(latest.get('t', 'k')).toBe('two');
    expect(latest.size).toBe(1);
  });

  it('forgets the oldest keys beyond its limit', () => {
    const keys = new PostedKeys<number>({ limit: 3, keep: 'latest' });
    for (let n = 1; n <= 5; n++) keys.remember('t', `k${n}`, n);
    expect(keys.size).toBe(3);
    expect(keys.get('t', 'k1')).toBeUndefined();
    expect(keys.get('t', 'k2')).toBeUndefined();
    expect(keys.get('t', 'k5')).toBe(5);
    // Posting a key again makes it the newest.
    keys.remember('t', 'k3', 30);
    keys.remember('t', 'k6', 6);
    expect(keys.get('t', 'k3')).toBe(30);
    expect(keys.get('t', 'k4')).toBeUndefined();
  });

  it('forgets a key, or only while it still names a given post', () => {
    const keys = new PostedKeys<{ id: string }>();
    const first = { id: '1' };
    keys.remember('t', 'k', first);
    keys.forget('t', 'k', { id: '1' });
    expect(keys.get('t', 'k')).toBe(first);
    keys.forget('t', 'k', first);
    expect(keys.get('t', 'k')).toBeUndefined();
    keys.remember('t', 'k', first);
    keys.forget('t', 'k');
    expect(keys.size).toBe(0);
  });
});
