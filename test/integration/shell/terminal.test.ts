import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SESSION = fileURLToPath(new URL('./terminal-session.ts', import.meta.url));
const WAIT_MS = 10_000;

/** util-linux `script` runs a command on a pseudo-terminal; the shell then sees a real TTY in raw mode. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function collect(child: ChildProcessWithoutNullStreams) {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    text: () => output,
    exited,
    /** Resolves once the output holds `needle` (counting from `from`), failing with the output if it never does. */
    async until(needle: string, from = 0): Promise<number> {
      const deadline = Date.now() + WAIT_MS;
      while (!output.includes(needle, from)) {
        if (Date.now() > deadline) throw new Error(`Never saw ${JSON.stringify(needle)} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return output.indexOf(needle, from) + needle.length;
    },
  };
}

describe.skipIf(!hasScript)('the shell on a real terminal (through util-linux script)', () => {
  it('prompts, runs commands and reactions in colour, and ends cleanly on Ctrl+C', async () => {
    const child = spawn('script', ['-qefc', `${process.execPath} ${SESSION}`, '/dev/null']);
    const session = collect(child);
    let at = await session.until('arxiv> ');
    at = await session.until('Ready', at);
    child.stdin.write('/arxiv digest\r');
    at = await session.until('answer to /arxiv digest', at);
    // [1] is the start-up post, [2] the digest's root, [4] its second paper.
    child.stdin.write(':react 4 memo\r');
    at = await session.until('Summary of 2401.00002', at);
    child.stdin.write('\u0003');

    expect(await session.exited).toBe(0);
    const text = session.text();
    expect(text).toContain('  ↳ \u001b[33m[4]\u001b[39m \u001b[1marxiv-digest\u001b[22m');
    expect(text).toContain(
      '  ↳ \u001b[33m[6]\u001b[39m \u001b[1marxiv-digest\u001b[22m · \u001b[35min thread [2]\u001b[39m',
    );
    expect(text).toContain('stopped: shell: stopped');
  });
});

if (!hasScript) console.log('Skipping the real-terminal shell test: util-linux `script` is not installed.');

describe('the shell without a terminal', () => {
  it('writes posts as plain text, with no prompt and no colour, and reads nothing', async () => {
    const child = spawn(process.execPath, [SESSION]);
    const session = collect(child);
    child.stdin.end('/arxiv digest\n');
    expect(await session.exited).toBe(0);
    expect(session.text()).toBe('[1] arxiv-digest\n    Ready\nstopped: shell: stopped\n');
  });
});
