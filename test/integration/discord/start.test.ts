import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../adapters/discord/register.ts';
import { FakeDiscord } from '../../fakes/discord-server.ts';
import { freshDir, GOOD, useStartHarness, waitFor } from '../main/harness.ts';

/*
 * `npm start` with Discord's variables, against the fake Discord on loopback: the bot connects, says why it
 * runs Discord, answers /arxiv, shows Discord on /healthz and stops on SIGTERM; a rejected token stops
 * start-up with exit 2 and a message naming DISCORD_TOKEN.
 */

const harness = useStartHarness();
const fakes: FakeDiscord[] = [];

afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

/** `npm start` with these Discord variables, in a fresh directory with a config that starts. */
function start(discord: Record<string, string>) {
  return harness.start([], freshDir({ ...GOOD, keywords: ['diffusion'] }), harness.env(discord));
}

async function world() {
  const fake = await FakeDiscord.start();
  fakes.push(fake);
  const ada = fake.addUser({ username: 'ada' });
  const guild = fake.addGuild({ name: 'Lab' });
  fake.addMember({ guild: guild.id, user: ada.id });
  const channel = fake.addChannel({ guild: guild.id, name: 'papers' });
  const env = {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_DEV_GUILD_ID: guild.id,
    DISCORD_API_URL: fake.apiUrl,
  };
  return { fake, ada, guild, channel, env };
}

describe('npm start on Discord', () => {
  it('connects, answers /arxiv, shows Discord on /healthz, and stops on SIGTERM', {
    timeout: 60_000,
  }, async () => {
    const { fake, ada, guild, channel, env } = await world();
    await registerCommands({
      settings: {
        token: fake.token,
        applicationId: fake.applicationId,
        devGuildId: guild.id,
        apiUrl: fake.apiUrl,
      },
    });
    const bot = start(env);
    const starting = await waitFor(
      () => bot.logs().find((line) => line.msg === 'arxiv-digest starting'),
      'start',
    );
    expect(starting.adapters).toEqual(['discord']);
    expect(starting.why).toMatch(/^discord: DISCORD_TOKEN found; gateway with no privileged intent/);
    await waitFor(() => bot.logs().find((line) => line.msg === 'connected to Discord'), 'the gateway');
    // Only the intents the features need: Guilds, GuildMessageReactions, DirectMessageReactions.
    expect(fake.identifies.at(-1)?.intents).toBe((1 << 0) | (1 << 10) | (1 << 13));

    const listening = await waitFor(
      () => bot.logs().find((line) => line.msg === 'HTTP server listening'),
      'HTTP',
    );
    const health = (await (await fetch(`${String(listening.url)}/healthz`)).json()) as {
      adapters: Array<{ platform: string; connected: boolean; detail: string }>;
    };
    expect(health.adapters).toEqual([
      expect.objectContaining({
        platform: 'discord',
        connected: true,
        detail: expect.stringMatching(/1 server/),
      }),
    ]);

    const help = fake.interact({ user: ada.id, channel: channel.id, subcommand: 'help' });
    expect((await help.acknowledged()).data).toMatchObject({ flags: 64 });
    expect(JSON.stringify((await help.reply()).embeds)).toContain('/arxiv subscribe terms');

    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });

  it('stops start-up with exit 2 and a message naming DISCORD_TOKEN when Discord rejects it', {
    timeout: 60_000,
  }, async () => {
    const { env } = await world();
    const bot = start({ ...env, DISCORD_TOKEN: 'not.the.token' });
    expect(await bot.exit).toBe(2);
    expect(bot.stderr()).toMatch(/arxiv-digest: Discord rejected DISCORD_TOKEN/);
  });
});
