import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ShellAdapter } from '../../../adapters/shell/shell-adapter.ts';
import { createLogger } from '../../../src/log.ts';
import { hostileMessage } from '../../contract/hostile.ts';
import { RecordingOutput } from '../../contract/shell-driver.ts';
import { fakeCore } from './shell-session.ts';

const GREETING = "arxiv-digest shell. Type /arxiv help for the bot's commands, :help for the shell's.";

/** Waits (a few event-loop turns at most) until the output satisfies `done`. */
async function outputUntil(output: RecordingOutput, done: (text: string) => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !done(output.text); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!done(output.text)) throw new Error(`The output never got there:\n${output.text}`);
}

async function interactiveShell(options: { tty?: boolean; logger?: ReturnType<typeof createLogger> } = {}) {
  const input = new PassThrough();
  const output = new RecordingOutput({ tty: options.tty ?? false });
  const shell = new ShellAdapter({
    input,
    output,
    interactive: true,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const core = fakeCore(shell);
  await shell.start(core.handlers);
  /** Types a line the core handles, and waits until it has. */
  const type = async (line: string) => {
    const handled = core.next();
    input.write(`${line}\n`);
    await handled;
  };
  return { input, output, shell, type, core };
}

describe('ShellAdapter, interactive', () => {
  it('runs a session: numbered messages, threads indented under their root, DMs and answers labelled', async () => {
    const { input, output, shell, type } = await interactiveShell();
    expect(shell.health()).toEqual({
      connected: true,
      detail: 'shell: interactive session, shell:@you in shell:local',
    });

    await type('/arxiv digest');
    await type(':react 3 memo');
    input.write('have a look at arXiv:2401.00001\n');
    await outputUntil(output, (text) => text.includes('[6] you'));
    await type(':react 6 :memo:');
    await type('arxiv me list');
    await type('/arxiv frobnicate');
    input.end();
    await shell.closed;

    expect(output.text).toBe(
      [
        GREETING,
        '[1] arxiv-digest',
        '    arXiv digest · 2024-01-02',
        '    2 papers for diffusion',
        '  ↳ [2] arxiv-digest',
        '      1. Diffusion One',
        '         Alice Example · cs.LG',
        '         score 1 · matched: diffusion',
        '         https://arxiv.org/abs/2401.00001',
        '  ↳ [3] arxiv-digest',
        '      2. Diffusion Two',
        '         Alice Example · cs.LG',
        '         score 1 · matched: diffusion',
        '         https://arxiv.org/abs/2401.00002',
        '[4] arxiv-digest · only visible to you · answer to /arxiv digest',
        "    Posted today's digest.",
        'you reacted memo to [3]',
        '  ↳ [5] arxiv-digest · in thread [1]',
        '      Summary of 2401.00002: it works.',
        '[6] you',
        '    have a look at arXiv:2401.00001',
        'you reacted memo to [6]',
        '  ↳ [7] arxiv-digest',
        '      Summary of 2401.00001: it works.',
        '[8] arxiv-digest · DM to you',
        '    You follow: diffusion',
        '[9] arxiv-digest · answer to /arxiv me list',
        '    Sent you a DM.',
        '! Unknown command "frobnicate". Try /arxiv help.',
        '',
      ].join('\n'),
    );
    expect(shell.health()).toEqual({
      connected: false,
      detail: 'shell: the session ended (:quit or end of input)',
    });
  });

  it("answers the shell's own commands and mistakes without bothering the bot", async () => {
    const { input, output, shell } = await interactiveShell();
    input.write(':help\n\n:nope at all\n:react 42 memo\n:react 1\n');
    input.end();
    await shell.closed;
    const lines = output.text.split('\n');
    expect(lines[1]).toBe('Shell commands:');
    expect(lines).toContain(
      '  :react <n> <emoji>   react to message [n]; :react 3 memo asks for the summary of the paper in [3],',
    );
    expect(lines).toContain(
      '  :unreact <n> <emoji> take your reaction off message [n] again (a vote is withdrawn)',
    );
    expect(lines.slice(-4)).toEqual([
      'Unknown shell command :nope; :help lists them.',
      'There is no message [42] to react to.',
      'Usage: :react <n> <emoji>, for example :react 3 memo',
      '',
    ]);
  });

  it('hands :react and :unreact to the core as an added and a removed reaction of the message', async () => {
    const { input, output, shell, type, core } = await interactiveShell();
    await type('/arxiv digest');
    await type(':react 3 +1');
    await type(':unreact [3] :+1:');
    input.write(':unreact 42 +1\n:unreact 3\n');
    input.end();
    await shell.closed;
    expect(core.reactions).toEqual([
      {
        platform: 'shell',
        action: 'added',
        emoji: '+1',
        user: 'shell:@you',
        message: { target: 'shell:local', id: '3', threadId: '1' },
      },
      {
        platform: 'shell',
        action: 'removed',
        emoji: '+1',
        user: 'shell:@you',
        message: { target: 'shell:local', id: '3', threadId: '1' },
      },
    ]);
    expect(output.text.split('\n').slice(-5)).toEqual([
      'you reacted +1 to [3]',
      'you took +1 off [3]',
      'There is no message [42] to take a reaction off.',
      'Usage: :unreact <n> <emoji>, for example :unreact 3 +1',
      '',
    ]);
  });

  it('ends the session on :quit and reads nothing after it', async () => {
    const { input, output, shell } = await interactiveShell();
    input.write(':quit\n/arxiv digest\n');
    await shell.closed;
    await outputUntil(output, (text) => text.startsWith(GREETING));
    expect(output.text).toBe(`${GREETING}\n`);
    expect(shell.health().connected).toBe(false);
  });

  it('shows an unexpected failure briefly and logs it in full', async () => {
    const logged: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => logged.push(line) } });
    const { output, type } = await interactiveShell({ logger });
    await type('/arxiv crash');
    await outputUntil(output, (text) => text.includes('!'));
    expect(output.text.split('\n').at(-2)).toBe('! That failed unexpectedly; the log has the details.');
    expect(logged.join('')).toContain('a bug in the core');
  });

  it('on a terminal, prompts, colours, redraws the prompt after output, and strips hostile escapes', async () => {
    const { input, output, shell } = await interactiveShell({ tty: true });
    await shell.post('shell:local', hostileMessage());
    const text = output.text;
    expect(text).toContain('arxiv> ');
    expect(text.lastIndexOf('arxiv> ')).toBeGreaterThan(text.lastIndexOf('─'));
    expect(text).toContain('\u001b[33m[1]\u001b[39m \u001b[1marxiv-digest\u001b[22m');
    expect(text).toContain('HEADERMARK');
    for (const hostile of ['\u001b[2J', '\u001b]', '\u001b[31m', '\u009b', '\u0007', '\u202e', '\u0000']) {
      expect(text).not.toContain(hostile);
    }

    // Ctrl+C reaches readline in raw mode: it ends the session.
    input.write('\u0003');
    await shell.closed;
    expect(shell.health().connected).toBe(false);
  });
});

describe('ShellAdapter, non-interactive', () => {
  it('writes posts to the output as plain text, without greeting or prompt, and reads no input', async () => {
    const input = new PassThrough();
    input.write('/arxiv digest\n');
    const output = new RecordingOutput({ tty: false });
    const shell = new ShellAdapter({ input, output, interactive: false });
    const core = fakeCore(shell);
    let commands = 0;
    await shell.start({ ...core.handlers, onCommand: async () => void commands++ });
    expect(shell.health()).toEqual({
      connected: true,
      detail: 'shell: writing posts to the output (no terminal, so no commands)',
    });

    const root = await shell.post('shell:local', { text: '', blocks: [{ kind: 'header', text: 'Digest' }] });
    await shell.post('shell:local', { text: 'First **paper**', blocks: [] }, { thread: root });
    await shell.post('shell:papers', { text: 'elsewhere\u001b[2J', blocks: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(commands).toBe(0);
    expect(output.text).toBe(
      [
        '[1] arxiv-digest',
        '    Digest',
        '  ↳ [2] arxiv-digest',
        '      First **paper**',
        '[3] arxiv-digest · in shell:papers',
        '    elsewhere',
        '',
      ].join('\n'),
    );
    await shell.stop();
    await shell.closed;
    expect(shell.health()).toEqual({ connected: false, detail: 'shell: stopped' });
  });
});

describe('ShellAdapter, mistakes of the caller', () => {
  const output = () => new RecordingOutput();

  it('rejects posts before start, after stop, to another platform and into a thread elsewhere', async () => {
    const shell = new ShellAdapter({ output: output(), interactive: false });
    const message = { text: 'x', blocks: [] };
    await expect(shell.post('shell:local', message)).rejects.toThrow('not started');
    await shell.start({ onCommand: async () => {}, onReaction: async () => {} });
    await expect(shell.post('slack:T1:C2', message)).rejects.toThrow('not a shell target');
    const root = await shell.post('shell:local', message);
    await expect(shell.post('shell:@you', message, { thread: root })).rejects.toThrow('cannot hold a reply');
    await shell.stop();
    await expect(shell.post('shell:local', message)).rejects.toThrow('stopped');
  });

  it('refuses ids of the wrong shape and an interactive shell without input', () => {
    expect(() => new ShellAdapter({ output: output(), interactive: false, channel: 'slack:T1:C2' })).toThrow(
      'shell channel',
    );
    expect(() => new ShellAdapter({ output: output(), interactive: false, user: 'shell:you' })).toThrow(
      'shell user',
    );
    expect(() => new ShellAdapter({ output: output(), interactive: true })).toThrow('input stream');
  });

  it('lets the person at the terminal manage the channel, and no one else', async () => {
    const shell = new ShellAdapter({ output: output(), interactive: false });
    expect(await shell.canManageChannel('shell:@you', 'shell:local')).toBe(true);
    expect(await shell.canManageChannel('shell:@someone', 'shell:local')).toBe(false);
  });
});
