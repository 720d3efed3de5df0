import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDir, GOOD, root, running, useStartHarness, waitFor } from './harness.ts';

/* `.env` of the working directory is read by npm start, the CLI and register:discord; the environment wins. */

const harness = useStartHarness();

describe('.env in the working directory', () => {
  it('is read by npm start, the environment winning, with a warning naming a malformed line', {
    timeout: 60_000,
  }, async () => {
    const dir = freshDir(GOOD);
    writeFileSync(
      join(dir, '.env'),
      [
        '# the store and the port',
        'STORE_URL=sqlite://./from-dotenv.sqlite',
        'PORT=1',
        'this line is not a variable',
        'export LOG_LEVEL="debug"',
        '',
      ].join('\n'),
    );
    const bot = harness.start([], dir);
    const starting = await waitFor(
      () => bot.logs().find((line) => line.msg === 'arxiv-digest starting'),
      'the start-up line',
    );
    expect(String(starting.store)).toContain('from-dotenv.sqlite');
    expect(existsSync(join(dir, 'from-dotenv.sqlite'))).toBe(true);
    // PORT=0 from the environment wins over PORT=1 of .env: the server listens.
    await running(bot);
    expect(bot.logs().some((line) => line.level === 20)).toBe(true);
    const warnings = bot.logs().filter((line) => line.level === 40 && String(line.msg).includes('.env'));
    expect(warnings.map((line) => line.msg)).toEqual([
      `${join(dir, '.env')} line 4 is ignored: it is not NAME=value.`,
    ]);
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });

  it('is silent when missing', { timeout: 60_000 }, async () => {
    const bot = harness.start([], freshDir(GOOD));
    await running(bot);
    expect(bot.stderr()).not.toContain('.env');
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });

  it('is read by the CLI and by register:discord', { timeout: 30_000 }, async () => {
    const dir = freshDir(GOOD);
    writeFileSync(
      join(dir, '.env'),
      'SLACK_BOT_TOKEN=xoxb-from-dotenv\nDISCORD_APPLICATION_ID=123456789012345678\n',
    );
    const check = harness.watch(
      spawn(process.execPath, [join(root, 'src/cli.ts'), 'check-config'], {
        cwd: dir,
        env: harness.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(await check.exit).toBe(2);
    expect(check.stderr()).toContain('SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN');

    writeFileSync(join(dir, '.env'), 'DISCORD_APPLICATION_ID=123456789012345678\n');
    const register = harness.watch(
      spawn(process.execPath, [join(root, 'adapters/discord/register.ts')], {
        cwd: dir,
        env: harness.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(await register.exit).toBe(2);
    expect(register.stderr()).toContain('DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not');
  });
});
