import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';

const load = (REPLICA_ID: string) => loadConfig({ env: { REPLICA_ID }, cwd: '/nonexistent-arxiv-digest' });

describe('REPLICA_ID', () => {
  it('is read with the rest of the environment', () => {
    expect(load('bot-0').env.REPLICA_ID).toBe('bot-0');
    expect(load(' arxiv-digest-7f9c.eu-west:1 ').env.REPLICA_ID).toBe('arxiv-digest-7f9c.eu-west:1');
  });

  it('left empty is unset', () => {
    expect(load('').env.REPLICA_ID).toBeUndefined();
  });

  it('refuses a name that is no plain name, saying what is expected', () => {
    expect(() => load('bot 0')).toThrow(/REPLICA_ID: expected a replica name of letters, digits/);
    expect(() => load('x'.repeat(129))).toThrow(/REPLICA_ID/);
  });
});
