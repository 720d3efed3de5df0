import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellAdapter } from '../../../adapters/shell/shell-adapter.ts';
import type { InboundHandlers, ReactionEvent } from '../../../src/chat/types.ts';
import { createLogger } from '../../../src/log.ts';
import { RecordingOutput } from '../../contract/shell-driver.ts';

const idle: InboundHandlers = { onCommand: async () => {}, onReaction: async () => {} };
const message = (text: string) => ({ text, blocks: [] });

describe('ShellAdapter with a post journal', () => {
  let dir: string;
  let journal: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-shell-'));
    journal = join(dir, 'state', 'shell-posts.jsonl');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(handlers: InboundHandlers = idle, logger = createLogger({ level: 'silent' })) {
    const output = new RecordingOutput();
    const shell = new ShellAdapter({ output, interactive: false, journal, logger });
    await shell.start(handlers);
    return { shell, output };
  }

  it('finds posts by idempotency key after a restart, reads their text, and numbers on from them', async () => {
    const first = await run();
    const root = await first.shell.post('shell:local', message('digest root'), { idempotencyKey: 'd:root' });
    const reply = await first.shell.post('shell:local', message('https://arxiv.org/abs/2401.00001'), {
      thread: root,
      idempotencyKey: 'd:2401.00001',
    });
    await first.shell.post('shell:@you', message('no key'));
    await first.shell.stop();

    const second = await run();
    expect(await second.shell.findPosted('shell:local', 'd:root')).toEqual(root);
    expect(await second.shell.findPosted('shell:local', 'd:2401.00001', root)).toEqual(reply);
    expect(await second.shell.findPosted('shell:local', 'd:2401.00002', root)).toBeNull();
    expect(await second.shell.fetchMessageText(reply)).toBe('https://arxiv.org/abs/2401.00001');
    const next = await second.shell.post('shell:local', message('after the restart'));
    expect(next.id).toBe('4');
    await second.shell.stop();
  });

  it('lets :react reach a message from before the restart, thread and all', async () => {
    const first = await run();
    const root = await first.shell.post('shell:local', message('root'));
    await first.shell.post('shell:local', message('paper'), { thread: root });
    await first.shell.stop();

    const input = new PassThrough();
    const reactions: ReactionEvent[] = [];
    const shell = new ShellAdapter({ input, output: new RecordingOutput(), interactive: true, journal });
    const reacted = new Promise<void>((resolve) => {
      void shell.start({
        onCommand: async () => {},
        onReaction: async (event) => {
          reactions.push(event);
          resolve();
        },
      });
    });
    input.write(':react 2 memo\n');
    await reacted;
    expect(reactions[0]?.message).toEqual({ target: 'shell:local', id: '2', threadId: '1' });
    await shell.stop();
  });

  it('skips a torn last line and an unreadable one with a warning, and keeps the next record whole', async () => {
    const first = await run();
    await first.shell.post('shell:local', message('kept'), { idempotencyKey: 'k:kept' });
    await first.shell.stop();
    appendFileSync(journal, 'not json at all\n{"id":"9","target":"shell:lo');

    const logged: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => logged.push(line) } });
    const second = await run(idle, logger);
    expect(logged.filter((line) => line.includes('unreadable line of the shell post journal'))).toHaveLength(
      2,
    );
    const after = await second.shell.post('shell:local', message('after'), { idempotencyKey: 'k:after' });
    await second.shell.stop();

    const third = await run();
    expect(await third.shell.findPosted('shell:local', 'k:kept')).toEqual({ target: 'shell:local', id: '1' });
    expect(await third.shell.findPosted('shell:local', 'k:after')).toEqual(after);
    await third.shell.stop();
    const lines = readFileSync(journal, 'utf8').split('\n');
    expect(lines.at(-2)).toBe(
      JSON.stringify({ id: '2', target: 'shell:local', text: 'after', key: 'k:after' }),
    );
  });

  it('remembers only the newest messages, and compacts the journal to them at start', async () => {
    const bounded = () =>
      new ShellAdapter({ output: new RecordingOutput(), interactive: false, journal, recentMessages: 3 });
    const first = bounded();
    await first.start(idle);
    for (const n of [1, 2, 3, 4, 5]) {
      await first.post('shell:local', message(`post ${n}`), { idempotencyKey: `k:${n}` });
    }
    expect(await first.findPosted('shell:local', 'k:2')).toBeNull();
    expect(await first.fetchMessageText({ target: 'shell:local', id: '2' })).toBeNull();
    expect(await first.findPosted('shell:local', 'k:3')).toEqual({ target: 'shell:local', id: '3' });
    await first.stop();
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(5);

    const second = bounded();
    await second.start(idle);
    expect(
      readFileSync(journal, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['3', '4', '5']);
    expect(await second.findPosted('shell:local', 'k:2')).toBeNull();
    expect(await second.fetchMessageText({ target: 'shell:local', id: '5' })).toBe('post 5');
    expect((await second.post('shell:local', message('post 6'))).id).toBe('6');
    await second.stop();
  });

  it('refuses to start when the journal cannot be opened', async () => {
    writeFileSync(join(dir, 'state'), 'a file where the folder should be');
    const shell = new ShellAdapter({ output: new RecordingOutput(), interactive: false, journal });
    await expect(shell.start(idle)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      userMessage: expect.stringContaining(`Cannot open the shell's post journal ${journal}`),
    });
    expect(shell.health().connected).toBe(false);
  });
});
