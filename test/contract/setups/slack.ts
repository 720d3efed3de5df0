/** Slack's side of the contract: the real adapter against the fake Slack, in Socket Mode, unpaced. */
import { channelTarget, userTarget } from '../../../adapters/slack/ids.ts';
import { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { slackContractDriver } from '../../fakes/slack/contract-driver.ts';
import { FakeSlack } from '../../fakes/slack-server.ts';
import type { ContractHarness } from '../driver.ts';

export async function slackHarness(): Promise<ContractHarness> {
  const fake = await FakeSlack.start();
  const ada = fake.addUser('ada');
  const channel = fake.addChannel({ name: 'papers', members: [ada.id] });
  const adapter = new SlackAdapter({
    botToken: fake.botToken,
    appToken: fake.appToken,
    apiUrl: fake.apiUrl,
    minPostIntervalMs: 0,
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
  });
  return {
    adapter,
    driver: slackContractDriver(fake),
    channel: channelTarget(fake.teamId, channel.id),
    user: userTarget(fake.teamId, ada.id),
    emoji: 'memo',
    teardown: () => fake.close(),
  };
}
