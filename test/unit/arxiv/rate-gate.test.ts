import { describe, expect, it } from 'vitest';
import { type Clock, RateGate, sharedRateGate } from '../../../src/arxiv/rate-gate.ts';

/** Time that moves only when the gate sleeps (or a task says it took time). */
function fakeClock(): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('RateGate', () => {
  it('runs tasks one at a time, in arrival order, starts at least the interval apart', async () => {
    const clock = fakeClock();
    const gate = new RateGate({ minIntervalMs: 3000, clock });
    const events: string[] = [];
    const starts: number[] = [];
    let running = 0;
    const task = (name: string, takesMs: number) => async () => {
      running++;
      expect(running).toBe(1);
      starts.push(clock.now());
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      clock.advance(takesMs);
      events.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([
      gate.run(task('a', 500)),
      gate.run(task('b', 4000)),
      gate.run(task('c', 10)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    // b waits out the interval; c starts right after b, which took longer than the interval.
    expect(starts).toEqual([1000, 4000, 8000]);
  });

  it('lets a failed task free the gate for the next', async () => {
    const gate = new RateGate({ minIntervalMs: 0, clock: fakeClock() });
    const failing = gate.run(async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('holds every task until a hold has passed', async () => {
    const clock = fakeClock();
    const gate = new RateGate({ minIntervalMs: 100, clock });
    await gate.run(async () => undefined);
    gate.holdFor(5000);
    await gate.run(async () => undefined);
    expect(clock.now()).toBe(6000);
    expect(clock.sleeps).toEqual([5000]);
  });

  it('takes an aborted task out of the queue without letting the next one overtake the running one', async () => {
    const gate = new RateGate({ minIntervalMs: 0, clock: fakeClock() });
    const order: string[] = [];
    let finishFirst = () => {};
    const first = gate.run(
      () =>
        new Promise<void>((resolve) => {
          order.push('first');
          finishFirst = () => {
            order.push('first done');
            resolve();
          };
        }),
    );
    const controller = new AbortController();
    const aborted = gate.run(async () => order.push('aborted ran'), controller.signal);
    const third = gate.run(async () => order.push('third'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(new Error('user gave up'));
    await expect(aborted).rejects.toThrow('user gave up');
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(order).toEqual(['first']);
    finishFirst();
    await Promise.all([first, third]);
    expect(order).toEqual(['first', 'first done', 'third']);
  });

  it('refuses a negative interval', () => {
    expect(() => new RateGate({ minIntervalMs: -1 })).toThrow(/minIntervalMs/);
  });
});

describe('sharedRateGate', () => {
  it('is one gate per process, keeping the strictest interval asked for', () => {
    const a = sharedRateGate(1000);
    const b = sharedRateGate(3000);
    const c = sharedRateGate(10);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(c.minIntervalMs).toBeGreaterThanOrEqual(3000);
  });
});
