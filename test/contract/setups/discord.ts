/**
 * Discord's side of the contract: the real adapter (discord.js over REST and the Gateway) against the fake
 * Discord, with /arxiv registered to the guild the way `npm run register:discord` does it.
 */
import { DiscordAdapter } from '../../../adapters/discord/discord-adapter.ts';
import { channelTarget, userTarget } from '../../../adapters/discord/ids.ts';
import { registerCommands } from '../../../adapters/discord/register.ts';
import { discordContractDriver } from '../../fakes/discord/contract-driver.ts';
import { FakeDiscord } from '../../fakes/discord-server.ts';
import type { ContractHarness } from '../driver.ts';

export async function discordHarness(): Promise<ContractHarness> {
  const fake = await FakeDiscord.start();
  const ada = fake.addUser({ username: 'ada' });
  const guild = fake.addGuild({ name: 'Reading Group' });
  fake.addMember({ guild: guild.id, user: ada.id });
  const papers = fake.addChannel({ guild: guild.id, name: 'papers' });
  await registerCommands({
    settings: {
      token: fake.token,
      applicationId: fake.applicationId,
      devGuildId: guild.id,
      apiUrl: fake.apiUrl,
    },
  });
  const adapter = new DiscordAdapter({ token: fake.token, apiUrl: fake.apiUrl, connectTimeoutMs: 10_000 });
  return {
    adapter,
    driver: discordContractDriver(fake),
    channel: channelTarget(guild.id, papers.id),
    user: userTarget(ada.id),
    emoji: '📝',
    teardown: async () => {
      const errors = fake.serverErrors;
      await fake.close();
      if (errors.length > 0) throw new Error(`the fake Discord failed inside: ${String(errors[0])}`);
    },
  };
}
