import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotEnv } from '../../../src/config/dotenv.ts';

function dirWithEnv(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-dotenv-'));
  if (text !== null) writeFileSync(join(dir, '.env'), text);
  return dir;
}

describe('.env', () => {
  it('sets what the environment does not have; what it has, even empty, wins', () => {
    const dir = dirWithEnv('A=from-file\nB=from-file\nexport C="quoted value"\nD=\n');
    const env: NodeJS.ProcessEnv = { A: 'from-env', B: '' };
    expect(loadDotEnv(dir, env)).toEqual([]);
    expect(env).toEqual({ A: 'from-env', B: '', C: 'quoted value', D: '' });
  });

  it('names each malformed line without echoing it, and keeps the rest', () => {
    const dir = dirWithEnv(
      [
        '# comment',
        'SLACK_BOT_TOKEN xoxb-secret',
        'KEY="a value',
        'on two lines"',
        '',
        'GOOD=1',
        'not a variable = 2',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {};
    const warnings = loadDotEnv(dir, env);
    expect(warnings).toEqual([
      `${join(dir, '.env')} line 2 is ignored: it is not NAME=value.`,
      `${join(dir, '.env')} line 7 is ignored: it is not NAME=value.`,
    ]);
    expect(warnings.join('\n')).not.toContain('secret');
    expect(env.GOOD).toBe('1');
    expect(env.KEY).toBe('a value\non two lines');
  });

  it('is silent when there is none', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(loadDotEnv(dirWithEnv(null), env)).toEqual([]);
    expect(env).toEqual({});
  });
});
