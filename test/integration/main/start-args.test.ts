import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDir, GOOD, running, useStartHarness } from './harness.ts';

/* `npm start -- --config FILE`: the file given is the config; any other argument is refused. */

const harness = useStartHarness();

describe('npm start -- --config FILE', () => {
  it('uses the file given with --config FILE or --config=FILE rather than ./config.json', {
    timeout: 60_000,
  }, async () => {
    const dir = freshDir({ categories: ['cs.XY'] });
    writeFileSync(join(dir, 'good.json'), JSON.stringify(GOOD));
    for (const args of [['--config', 'good.json'], [`--config=${join(dir, 'good.json')}`]]) {
      const bot = harness.start(args, dir);
      await running(bot);
      bot.child.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
    }
    const missing = harness.start(['--config', 'nowhere.json'], dir);
    expect(await missing.exit).toBe(2);
    expect(missing.stderr()).toContain(`Config file not found: ${join(dir, 'nowhere.json')}`);
  });

  it('refuses an unknown argument with a usage line and exit 2', { timeout: 30_000 }, async () => {
    const dir = freshDir(GOOD);
    for (const args of [['--confg', 'good.json'], ['start'], ['--config']]) {
      const bot = harness.start(args, dir);
      expect(await bot.exit).toBe(2);
      expect(bot.stderr()).toContain('Usage: npm start [-- --config <file>]');
    }
  });
});
