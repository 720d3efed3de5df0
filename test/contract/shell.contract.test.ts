import { PassThrough } from 'node:stream';
import { ShellAdapter } from '../../adapters/shell/shell-adapter.ts';
import { runAdapterContract } from './adapter-contract.ts';
import { RecordingOutput, shellDriver } from './shell-driver.ts';

runAdapterContract('shell', async () => {
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
});
