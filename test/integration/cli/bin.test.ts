import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The package's `arxiv-digest` command (bin/arxiv-digest.js) runs the CLI, also through npm's bin link. */
describe('the arxiv-digest launcher', () => {
  const root = resolve(import.meta.dirname, '../../..');
  const launcher = join(root, 'bin/arxiv-digest.js');
  const cwd = mkdtempSync(join(tmpdir(), 'arxiv-digest-bin-'));

  it('runs the command it is given', () => {
    const out = execFileSync(process.execPath, [launcher, 'version'], { cwd, encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs it through a symbolic link, as npm installs it', () => {
    const link = join(cwd, 'arxiv-digest');
    symlinkSync(launcher, link);
    const out = execFileSync(process.execPath, [link, 'help'], { cwd, encoding: 'utf8' });
    expect(out).toContain('Usage: arxiv-digest <command>');
  });
});
