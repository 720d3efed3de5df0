import { describe, expect, it } from 'vitest';
import { editDistance } from '../../../src/text/edit-distance.ts';

describe('editDistance', () => {
  it('is zero for equal strings and the other length against an empty one', () => {
    expect(editDistance('cs.LG', 'cs.LG')).toBe(0);
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'berlin')).toBe(6);
    expect(editDistance('berlin', '')).toBe(6);
  });

  it('counts one insertion, deletion or substitution as one', () => {
    expect(editDistance('berln', 'berlin')).toBe(1);
    expect(editDistance('cs.lgg', 'cs.lg')).toBe(1);
    expect(editDistance('cs.lx', 'cs.lg')).toBe(1);
  });

  it('finds the cheapest path, whichever way round', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('sitting', 'kitten')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    // Case matters: callers lower-case both sides themselves.
    expect(editDistance('Berlin', 'berlin')).toBe(1);
  });
});
