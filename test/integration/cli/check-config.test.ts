import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `arxiv-digest check-config` says what `npm start` would say: one validation, run by both. Each config
 * below is refused by both, with exit 2 and the same message.
 */

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'src/cli.ts');
const main = join(root, 'src/main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // A start that is not refused runs until stopped: stop it, and the test fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-check-'));
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** The line start prints for a refused config: `arxiv-digest: <message>` (the rest of stderr is JSON logs). */
function refusal(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('{'))
    .join('\n')
    .trim();
}

const REFUSED: Array<[string, unknown, string, Record<string, string>?]> = [
  ['a keyword with an unbalanced quote', { keywords: ['"mixture of experts'] }, 'has an unbalanced quote'],
  ['a keyword starting with "-"', { keywords: ['LLM', '-survey'] }, 'keywords[1] (-survey) starts with "-"'],
  ['an unknown store scheme', { store: { url: 'mysql://db/arxiv' } }, 'is not a supported store URL'],
  ['an unknown store scheme in STORE_URL', {}, 'is not a supported store URL', { STORE_URL: 'mysql://db/x' }],
  [
    'a Slack channel without its team',
    { channels: [{ target: 'slack:C123' }] },
    'channels[0].target: expected a Slack channel id written slack:<team id>:<channel id>',
  ],
  ['an admin without its platform', { admins: ['U123'] }, 'admins[0]: expected a user id that starts with'],
  [
    'a Discord admin that is no snowflake',
    { admins: ['discord:@12'] },
    'admins[0]: expected a Discord user id written discord:@<user id>',
  ],
  [
    'SLACK_BOT_TOKEN without SLACK_APP_TOKEN or SLACK_SIGNING_SECRET',
    {},
    'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is',
    { SLACK_BOT_TOKEN: 'xoxb-1' },
  ],
  ['a top-level list', '["cs.AI"]', 'must be a JSON object { … } at the top, not a list'],
  ['a trailing comma', '{\n  "categories": ["cs.AI",]\n}', 'line 2, column 25: a trailing comma'],
];

describe('check-config and start refuse the same configs with the same message', () => {
  it.each(REFUSED)('%s', { timeout: 60_000 }, async (_name, config, expected, env = {}) => {
    const dir = dirWith(config);
    const [check, start] = await Promise.all([run(cli, ['check-config'], dir, env), run(main, [], dir, env)]);
    expect(check.stdout).toBe('');
    expect(check.stderr).toContain(expected);
    expect(check.code).toBe(2);
    expect(start.code).toBe(2);
    expect(refusal(start.stderr)).toBe(refusal(check.stderr));
  });

  it('the classic config passes both, with the missing prompt file as a warning', {
    timeout: 30_000,
  }, async () => {
    const dir = dirWith(readFileSync(join(root, 'test/fixtures/config/classic.json'), 'utf8'));
    const check = await run(cli, ['check-config'], dir);
    expect(check).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(check.stderr).toBe(
      `arxiv-digest: warning: ai_summary.prompt_file: ${join(dir, 'prompt.txt')} does not exist, so the built-in structured-summary prompt is used.\n`,
    );
  });
});
