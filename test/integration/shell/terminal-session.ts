/**
 * A shell session on this process's own stdin and stdout, with the stand-in core of the unit tests: run on a
 * pseudo-terminal (interactive) or with pipes (output only) by terminal.test.ts. Posts one message at start,
 * so there is something to see in both modes.
 */
import { ShellAdapter } from '../../../adapters/shell/shell-adapter.ts';
import { fakeCore } from '../../unit/shell/shell-session.ts';

const shell = new ShellAdapter({
  input: process.stdin,
  output: process.stdout,
  interactive: process.stdin.isTTY === true,
});
await shell.start(fakeCore(shell).handlers);
await shell.post('shell:local', { text: '', blocks: [{ kind: 'header', text: 'Ready' }] });
if (process.stdin.isTTY) await shell.closed;
await shell.stop();
process.stdout.write(`stopped: ${shell.health().detail}\n`);
