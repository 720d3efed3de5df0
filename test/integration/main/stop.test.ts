import { spawn } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alive,
  commandLine,
  descendants,
  freshDir,
  GOOD,
  root,
  running,
  useStartHarness,
  waitFor,
} from './harness.ts';

/* Stopping `npm start` works whichever pid gets the signal: npm's or node's. */

const harness = useStartHarness();

describe('stopping npm start', () => {
  it('SIGTERM to the npm process stops node src/main.ts within 10 s', { timeout: 90_000 }, async () => {
    // A project directory of its own, with the repository's start script, so that the config is this one.
    const dir = freshDir(GOOD);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'start-test',
        private: true,
        type: 'module',
        scripts: { start: pkg.scripts.start },
      }),
    );
    for (const name of ['src', 'adapters', 'node_modules']) symlinkSync(join(root, name), join(dir, name));

    const npm = harness.watch(
      spawn('npm', ['start', '--', '--config', 'config.json'], {
        cwd: dir,
        env: harness.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await running(npm);
    const npmPid = npm.child.pid as number;
    const bots = descendants(npmPid).filter((pid) => commandLine(pid).includes('src/main.ts'));
    const node = bots.find(
      (pid) => commandLine(pid).startsWith('node') || commandLine(pid).includes('/node '),
    );
    expect(node, `node src/main.ts under npm (${bots.map(commandLine).join('; ')})`).toBeDefined();
    harness.track(descendants(npmPid));

    const signalled = Date.now();
    process.kill(npmPid, 'SIGTERM');
    await waitFor(() => (alive(node as number) ? undefined : true), 'node to exit', 10_000).catch(
      () => undefined,
    );
    expect(alive(node as number), 'node src/main.ts still runs after SIGTERM to npm').toBe(false);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(npm.logs().map((line) => line.msg)).toContain('stopped');
    await npm.exit;
  });
});
