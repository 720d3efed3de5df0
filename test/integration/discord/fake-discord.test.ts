import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions } from '../../fakes/discord-server.ts';

const opened: Array<{ close(): Promise<void> | void }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function world(options: FakeDiscordOptions = {}) {
  const fake = await FakeDiscord.start(options);
  opened.push(fake);
  const alice = fake.addUser({ username: 'alice' });
  const guild = fake.addGuild({ name: 'Fake Lab' });
  fake.addMember({ guild: guild.id, user: alice.id });
  const general = fake.addChannel({ guild: guild.id, name: 'general' });
  const papers = fake.addChannel({ guild: guild.id, name: 'papers', type: 'forum', tags: ['cs.AI'] });
  return { fake, alice, guild, general, papers };
}

function client(fake: FakeDiscord): Client {
  const c = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.Channel],
    rest: { api: fake.apiUrl },
  });
  opened.push({ close: () => c.destroy() });
  return c;
}

async function login(fake: FakeDiscord): Promise<Client<true>> {
  const c = client(fake);
  const ready = new Promise<void>((resolve) => c.once('clientReady', () => resolve()));
  await c.login(fake.token);
  await ready;
  return c as Client<true>;
}

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in and gets ready with the guilds and channels', async () => {
    const { fake, guild, general, papers } = await world();
    const c = await login(fake);
    expect(c.user.id).toBe(fake.bot.id);
    expect(c.application.id).toBe(fake.applicationId);
    const g = c.guilds.cache.get(guild.id);
    expect(g?.name).toBe('Fake Lab');
    expect(c.channels.cache.get(general.id)?.isTextBased()).toBe(true);
    expect(c.channels.cache.get(papers.id)?.type).toBe(15);
    expect(g?.members.me?.permissions.has('SendMessages')).toBe(true);
    expect(fake.identifies[0]?.intents).toBe((1 << 0) | (1 << 10) | (1 << 13));
  });
});
