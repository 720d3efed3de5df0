import { describe, expect, it } from 'vitest';
import { type Clock, RateLimiter } from '../../../adapters/kit/rate-limit.ts';

/**
 * A clock that moves only when told; sleepers wake in time order. Sleepers due at the same time wake in the
 * order they slept, or with `lastFirst` the other way round: real timers due together promise neither.
 */
function fakeClock(lastFirst = false): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let slept = 0;
  const sleepers: Array<{ at: number; order: number; wake: () => void }> = [];
  // Every promise chain the woken sleepers started runs before the clock moves on.
  const settle = () => new Promise<void>((done) => setImmediate(done));
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) =>
        sleepers.push({ at: now + ms, order: lastFirst ? -slept++ : slept++, wake }),
      ),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await settle();
        sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
        const next = sleepers[0];
        if (!next || next.at > end) break;
        sleepers.shift();
        now = Math.max(now, next.at);
        next.wake();
      }
      now = end;
      await settle();
    },
  };
}

/** Takes `count` slots of `key` one after another, answering each at once; the times they were taken. */
async function takeInTurn(limiter: RateLimiter, clock: Clock, key: string, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = await limiter.acquire(key);
    times.push(clock.now());
    slot.answered();
  }
  return times;
}

describe('RateLimiter', () => {
  it('lets a burst go at once, then one request per interval (with its margin)', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 2, margin: 0.05 }, clock);
    const run = takeInTurn(limiter, clock, 'C1', 5);
    await clock.advance(10_000);
    expect(await run).toEqual([0, 0, 1050, 2100, 3150]);
  });

  it('keeps keys apart: each channel has its own bucket', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, margin: 0 }, clock);
    const a = takeInTurn(limiter, clock, 'A', 2);
    const b = takeInTurn(limiter, clock, 'B', 2);
    await clock.advance(5000);
    expect(await a).toEqual([0, 1000]);
    expect(await b).toEqual([0, 1000]);
  });

  it('re-times a key from the answer: a slow answer pushes the next slot back', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, margin: 0 }, clock);
    const first = await limiter.acquire('C1');
    await clock.advance(400); // the platform answered 400 ms after the request went
    first.answered();
    let at = -1;
    const second = limiter.acquire('C1').then((slot) => {
      at = clock.now();
      return slot;
    });
    await clock.advance(999);
    expect(at).toBe(-1);
    await clock.advance(1);
    await second;
    expect(at).toBe(1400);
  });

  it('re-times a burst by its answers: slots after a slow burst move with it', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 3, margin: 0 }, clock);
    const burst = await Promise.all([limiter.acquire('W'), limiter.acquire('W'), limiter.acquire('W')]);
    await clock.advance(60); // the burst was answered 60 ms after it went: the platform counted it late
    for (const slot of burst) slot.answered();
    let at = -1;
    const next = limiter.acquire('W').then(() => {
      at = clock.now();
    });
    await clock.advance(1000);
    await next;
    // Without the answers: at 100 ms. The platform's bucket started up to 60 ms later than ours.
    expect(at).toBe(160);
  });

  it('holds a key for a Retry-After, then lets one request go, not a burst', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 3, margin: 0 }, clock);
    (await limiter.acquire('C1')).answered();
    limiter.hold('C1', 5000);
    const run = takeInTurn(limiter, clock, 'C1', 3);
    await clock.advance(20_000);
    expect(await run).toEqual([5000, 6000, 7000]);
  });

  it('as a workspace-wide limit, spaces every request of every channel', async () => {
    const clock = fakeClock();
    // 600 a minute with a burst of 10: after the burst, one every 100 ms whoever asks.
    const workspace = new RateLimiter({ perSecond: 10, burst: 10, margin: 0 }, clock);
    const times: number[] = [];
    const all = Promise.all(
      Array.from({ length: 15 }, async () => {
        const slot = await workspace.acquire('workspace');
        times.push(clock.now());
        slot.answered();
      }),
    );
    await clock.advance(5000);
    await all;
    expect(times.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(times.slice(10)).toEqual([100, 200, 300, 400, 500]);
  });

  it('serves one key in the order it was asked, however many wait', async () => {
    const clock = fakeClock(true);
    const limiter = new RateLimiter({ perSecond: 5, burst: 2, margin: 0 }, clock);
    const order: number[] = [];
    const all = Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const slot = await limiter.acquire('C1');
        order.push(i);
        slot.answered();
      }),
    );
    await clock.advance(5000);
    await all;
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a rate it cannot keep', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(/perSecond/);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
