import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/limiter.ts';

describe('Limiter', () => {
  it('runs at most max tasks at once, in the order they came, and passes results and errors through', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (n === 3) throw new Error('three');
      return n;
    };
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => limiter.run(task(n))));

    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      2,
      'three',
      4,
      5,
      6,
    ]);
  });

  it('does not let a newcomer take a slot handed to a waiting task', async () => {
    const limiter = new Limiter(1);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      running--;
    };
    const first = limiter.run(task);
    const second = limiter.run(task);
    await first;
    const third = limiter.run(task); // arrives while the slot passes from the first to the second
    await Promise.all([second, third]);
    expect(most).toBe(1);
  });

  it('needs at least one slot', () => {
    expect(() => new Limiter(0)).toThrow(/at least|>= 1/);
  });
});
