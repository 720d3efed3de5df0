/** The shell's side of the contract: a prompt on a pass-through input, its output recorded. */
import { PassThrough } from 'node:stream';
import { ShellAdapter } from '../../../adapters/shell/shell-adapter.ts';
import type { ContractHarness } from '../driver.ts';
import { RecordingOutput, shellDriver } from '../shell-driver.ts';

export async function shellHarness(): Promise<ContractHarness> {
  const input = new PassThrough();
  const output = new RecordingOutput();
  const ids = { channel: 'shell:local', user: 'shell:@you' };
  return {
    adapter: new ShellAdapter({ input, output, interactive: true, ...ids }),
    driver: shellDriver(input, output, ids),
    ...ids,
    emoji: 'memo',
    teardown: async () => {
      input.end();
    },
  };
}
