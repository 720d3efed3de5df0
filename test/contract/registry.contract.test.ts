/**
 * The ChatAdapter contract, run against every platform of the registry (adapters/index.ts): a platform added
 * there without a contract harness here fails, so none can skip the contract.
 */
import { describe, expect, it } from 'vitest';
import { PLATFORM_REGISTRY } from '../../adapters/index.ts';
import { runAdapterContract } from './adapter-contract.ts';
import type { ContractHarness } from './driver.ts';
import { discordHarness } from './setups/discord.ts';
import { shellHarness } from './setups/shell.ts';
import { slackHarness } from './setups/slack.ts';

/** How each platform's adapter is set up against its side of the contract (a fake server, a terminal). */
const HARNESSES: Readonly<Record<string, () => Promise<ContractHarness>>> = {
  slack: slackHarness,
  discord: discordHarness,
  shell: shellHarness,
};

for (const { platform } of PLATFORM_REGISTRY) {
  const harness = HARNESSES[platform];
  if (harness) {
    runAdapterContract(platform, harness);
  } else {
    describe(`${platform} adapter: the ChatAdapter contract`, () => {
      it('has a contract harness in test/contract/registry.contract.test.ts', () => {
        expect.fail(`the registry has ${platform}, but the contract suite has no harness for it`);
      });
    });
  }
}
