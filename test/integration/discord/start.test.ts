import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../adapters/discord/register.ts';
import { FakeDiscord } from '../../fakes/discord-server.ts';

/*
 * `npm start` with Discord's variables, against the fake Discord on loopback: the bot connects, says why it
 * runs Discord, answers /arxiv, shows Discord on /healthz and stops on SIGTERM; a rejected token stops
 * start-up with exit 2 and a message naming DISCORD_TOKEN.
 */

const main = resolve(import.meta.dirname, '../../../src/main.ts');
const opened: Array<{ close(): Promise<void> | void }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

function start(env: Record<string, string>): {
  child: ChildProcess;
  logs: () => Array<Record<string, unknown>>;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-discord-start-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ keywords: ['diffusion'], ai_summary: { enabled: false } }),
  );
  const child = spawn(process.execPath, [main], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ARXIV_RSS_URL: 'http://127.0.0.1:9/rss', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  opened.push({ close: () => void child.kill('SIGKILL') });
  const logs = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, logs, stderr: () => stderr, exit };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

async function world() {
  const fake = await FakeDiscord.start();
  opened.push(fake);
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
