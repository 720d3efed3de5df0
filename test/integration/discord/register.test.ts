import { closedPort } from '../../support/failures.ts';
/**
 * `npm run register:discord` against the fake Discord (test/fakes/discord-server.ts) over loopback, with the
 * real @discordjs/rest client: it registers /arxiv once, leaves an up-to-date registration alone, overwrites
 * a changed one, registers to a server or globally, and says what to do when Discord refuses.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arxivCommand } from '../../../adapters/discord/commands.ts';
import { inviteUrl } from '../../../adapters/discord/invite.ts';
import {
  normalizeCommand,
  type RegisterOptions,
  registerCommands,
  runRegister,
  sameCommand,
} from '../../../adapters/discord/register.ts';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { FakeDiscord } from '../../fakes/discord-server.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GLOBAL_PUT = 'PUT /applications/:app/commands';
const GLOBAL_GET = 'GET /applications/:app/commands';
const GUILD_PUT = 'PUT /applications/:app/guilds/:guild/commands';

let fake: FakeDiscord;
let cwd: string;

beforeEach(async () => {
  fake = await FakeDiscord.start();
  // No config.json there: the built-in defaults apply, and the Discord settings come from the environment.
  cwd = mkdtempSync(join(tmpdir(), 'register-discord-'));
});

afterEach(async () => {
  // No request may have tripped over a bug inside the fake.
  expect(fake.serverErrors).toEqual([]);
  await fake.close();
  rmSync(cwd, { recursive: true, force: true });
});

function settings(overrides: Partial<RegisterOptions['settings']> = {}): RegisterOptions['settings'] {
  return {
    token: fake.token,
    applicationId: fake.applicationId,
    devGuildId: undefined,
    apiUrl: fake.apiUrl,
    ...overrides,
  };
}

function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    ...overrides,
  };
}

/** runRegister with captured output. */
async function run(variables: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runRegister({
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: variables,
    cwd,
  });
  return { code, stdout, stderr };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('registering /arxiv globally', () => {
  it('registers on the first run, and changes nothing on the second', async () => {
    const lines: string[] = [];
    const first = await registerCommands({ settings: settings(), output: (line) => lines.push(line) });
    expect(first).toEqual({
      changed: true,
      guildId: null,
      removed: [],
      message: 'registered /arxiv globally (Discord may take up to an hour to show it everywhere)',
    });
    expect(fake.commandsFor().map((command) => command.name)).toEqual(['arxiv']);
    expect(sameCommand(fake.commandsFor()[0] ?? {}, arxivCommand())).toBe(true);
    expect(fake.callsTo(GLOBAL_PUT)).toHaveLength(1);

    const second = await registerCommands({ settings: settings(), output: (line) => lines.push(line) });
    expect(second.changed).toBe(false);
    expect(lines).toEqual([first.message, '/arxiv is already registered and up to date; nothing changed']);
    expect(fake.callsTo(GLOBAL_PUT)).toHaveLength(1);
    expect(fake.callsTo(GLOBAL_GET)).toHaveLength(2);
    expect(fake.callsTo(GLOBAL_GET).every((call) => call.authorized)).toBe(true);
  });

  it('registers again when the definition changed', async () => {
    await registerCommands({ settings: settings() });
    const changed = { ...arxivCommand(), description: 'arXiv papers: a new description' };
    const again = await registerCommands({ settings: settings(), command: changed });
    expect(again.changed).toBe(true);
    expect(fake.commandsFor()[0]?.description).toBe('arXiv papers: a new description');
    expect(fake.callsTo(GLOBAL_PUT)).toHaveLength(2);
  });

  it('replaces an older registration: an option less, another type, or a setting Discord keeps', async () => {
    const current = arxivCommand();
    const older = [
      { ...current, options: current.options?.slice(0, -1) },
      {
        ...current,
        options: current.options?.map((option) =>
          option.name === 'public'
            ? { ...option, options: [{ type: 4, name: 'enabled', description: 'x' }] }
            : option,
        ),
      },
      { ...current, default_member_permissions: '32' },
      { ...current, contexts: undefined },
    ];
    for (const [index, registered] of older.entries()) {
      fake.commands.overwrite(null, [registered as unknown as Record<string, unknown>]);
      const result = await registerCommands({ settings: settings() });
      expect(result.changed, `older registration ${index}`).toBe(true);
      expect(sameCommand(fake.commandsFor()[0] ?? {}, current)).toBe(true);
    }
  });

  it('removes commands the bot no longer has, and says so', async () => {
    fake.commands.overwrite(null, [
      { type: 1, name: 'arxiv-old', description: 'An old name' },
      arxivCommand() as unknown as Record<string, unknown>,
    ]);
    const result = await registerCommands({ settings: settings() });
    expect(result.removed).toEqual(['arxiv-old']);
    expect(result.message).toBe(
      'registered /arxiv globally (Discord may take up to an hour to show it everywhere); removed /arxiv-old',
    );
    expect(fake.commandsFor().map((command) => command.name)).toEqual(['arxiv']);
  });
});

describe('registering /arxiv to a server (DISCORD_DEV_GUILD_ID)', () => {
  it('registers to that server only, then leaves it alone', async () => {
    const guild = fake.addGuild({ name: 'Fake Lab' });
    const first = await registerCommands({ settings: settings({ devGuildId: guild.id }) });
    expect(first.message).toBe(`registered /arxiv to the server ${guild.id}`);
    expect(first.guildId).toBe(guild.id);
    expect(fake.commandsFor(guild.id).map((command) => command.name)).toEqual(['arxiv']);
    expect(fake.commandsFor()).toEqual([]);
    expect(fake.callsTo(GUILD_PUT)).toHaveLength(1);

    const second = await registerCommands({ settings: settings({ devGuildId: guild.id }) });
    expect(second.message).toBe('/arxiv is already registered and up to date; nothing changed');
    expect(fake.callsTo(GUILD_PUT)).toHaveLength(1);
    expect(fake.callsTo(GLOBAL_PUT)).toHaveLength(0);
  });

  it('says what to do when the bot is not in that server (403, 50001)', async () => {
    const elsewhere = '1100000000000000001';
    const error = await failure(registerCommands({ settings: settings({ devGuildId: elsewhere }) }));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).userMessage).toContain(
      `in the server ${elsewhere} (403: 50001 Missing Access)`,
    );
    expect((error as UserError).userMessage).toContain('the bot is not in that server');
    expect((error as UserError).userMessage).toContain('applications.commands');
    expect(fake.callsTo(GUILD_PUT)).toHaveLength(0);
  });
});

describe('failures', () => {
  it('says that Discord rejected the token (401)', async () => {
    const error = await failure(registerCommands({ settings: settings({ token: 'not.the.token' }) }));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).userMessage).toMatch(
      /^Discord rejected DISCORD_TOKEN \(401\): 401: Unauthorized\./,
    );
    expect(fake.commandsFor()).toEqual([]);
  });

  it('says that the application id is not known (10002)', async () => {
    const error = await failure(
      registerCommands({ settings: settings({ applicationId: '1100000000000000002' }) }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).userMessage).toContain('DISCORD_APPLICATION_ID');
  });

  it('says that Discord failed when it keeps answering 500', async () => {
    fake.fail(GLOBAL_GET, { status: 500, times: 10 });
    const error = await failure(registerCommands({ settings: settings() }));
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as ExternalError).userMessage).toMatch(
      /^Discord failed to read the registered commands \(HTTP 500/,
    );
  });

  it('says that Discord cannot be reached', async () => {
    const port = await closedPort();
    const apiUrl = `http://127.0.0.1:${port}/api`;
    const error = await failure(registerCommands({ settings: settings({ apiUrl }) }));
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as ExternalError).userMessage).toMatch(
      new RegExp(`^Cannot reach Discord at ${apiUrl} to read the registered commands: .*ECONNREFUSED`),
    );
    expect((error as ExternalError).userMessage).toContain('DISCORD_API_URL');
  });
});

describe('npm run register:discord', () => {
  /** The last line: where to add the bot, with the permissions it needs. */
  const invite = () => `add the bot to a server with: ${inviteUrl(fake.applicationId)}\n`;

  it('prints one line and exits 0', async () => {
    expect(await run(env())).toEqual({
      code: 0,
      stdout: `registered /arxiv globally (Discord may take up to an hour to show it everywhere)\n${invite()}`,
      stderr: '',
    });
    expect(await run(env())).toEqual({
      code: 0,
      stdout: `/arxiv is already registered and up to date; nothing changed\n${invite()}`,
      stderr: '',
    });
  });

  it('exits 2 when Discord is not configured, saying which variables to set', async () => {
    const result = await run({});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('DISCORD_TOKEN');
    expect(result.stderr).toContain('DISCORD_APPLICATION_ID');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 when the token is rejected, and 1 when Discord cannot be reached', async () => {
    const rejected = await run(env({ DISCORD_TOKEN: 'not.the.token' }));
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/^register:discord: Discord rejected DISCORD_TOKEN \(401\)/);

    const unreachable = await run(env({ DISCORD_API_URL: `http://127.0.0.1:${await closedPort()}/api` }));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^register:discord: Cannot reach Discord at /);
  });

  it('registers to the server of DISCORD_DEV_GUILD_ID', async () => {
    const guild = fake.addGuild({ name: 'Fake Lab' });
    const result = await run(env({ DISCORD_DEV_GUILD_ID: guild.id }));
    expect(result).toMatchObject({
      code: 0,
      stdout: `registered /arxiv to the server ${guild.id}\n${invite()}`,
    });
  });

  it('runs as node adapters/discord/register.ts', async () => {
    const child = spawn(process.execPath, [join(root, 'adapters/discord/register.ts')], {
      cwd,
      env: { PATH: process.env.PATH, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, stdout, stderr }).toEqual({
      code: 0,
      stdout: `registered /arxiv globally (Discord may take up to an hour to show it everywhere)\n${invite()}`,
      stderr: '',
    });
  });
});

describe('comparing a registered command with the definition', () => {
  it("ignores what Discord adds and Discord's defaults", () => {
    const wanted = arxivCommand();
    const returned = {
      ...wanted,
      id: '1200000000000000000',
      application_id: '1100000000000000000',
      version: '1200000000000000001',
      guild_id: '1100000000000000003',
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      name_localizations: null,
      description_localizations: {},
      contexts: [1, 0],
      options: wanted.options?.map((option) => ({ ...option, required: false, name_localizations: {} })),
    };
    expect(sameCommand(returned, wanted)).toBe(true);
    expect(normalizeCommand(returned)).toEqual(normalizeCommand(wanted));
  });

  it('sees a changed description, option, localization or permission', () => {
    const wanted = arxivCommand();
    expect(sameCommand({ ...wanted, description: 'x' }, wanted)).toBe(false);
    expect(sameCommand({ ...wanted, options: wanted.options?.slice(1) }, wanted)).toBe(false);
    expect(sameCommand({ ...wanted, name_localizations: { de: 'arxiv' } }, wanted)).toBe(false);
    expect(sameCommand({ ...wanted, default_member_permissions: '8' }, wanted)).toBe(false);
    expect(sameCommand({ ...wanted, integration_types: [0, 1] }, wanted)).toBe(false);
  });
});
