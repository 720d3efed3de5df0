/**
 * REST routes about the bot and its application: the gateway address (`GET /gateway/bot` with shards and
 * session start limit), the application (`/applications/@me`, `/oauth2/applications/@me`), and its commands,
 * global and per guild: bulk overwrite (PUT), create (POST), list, get, edit, delete.
 */
import { type CommandRegistry, validateCommand, validateCommands } from './commands.ts';
import { Errors } from './errors.ts';
import { Answer, type RestRequest, type Route } from './rest.ts';
import type { World } from './world.ts';

export interface ApplicationContext {
  world: World;
  commands: CommandRegistry;
  gatewayUrl(): string;
  shards: number;
  sessionStart: { total: number; remaining: number; resetAfterMs: number; maxConcurrency: number };
  applicationFlags(): number;
}

export function applicationRoutes(ctx: ApplicationContext): Route[] {
  const { world, commands } = ctx;

  const application = () => ({
    id: world.applicationId,
    name: world.bot.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: ctx.applicationFlags(),
    owner: world.userJson([...world.guilds.values()][0]?.ownerId ?? world.bot.id),
    team: null,
    hook: true,
    is_monetized: false,
    is_verified: false,
    is_discoverable: false,
    redirect_uris: [],
    interactions_endpoint_url: null,
    role_connections_verification_url: null,
    approximate_guild_count: world.guilds.size,
    integration_types_config: { '0': {} },
    bot: world.userJson(world.bot.id),
  });

  /** The scope a command route names: null (global) or a guild the bot is in. */
  const scope = (request: RestRequest): string | null => {
    if (request.params.app !== world.applicationId) throw Errors.unknownApplication();
    const guildId = request.params.guild;
    if (guildId === undefined) return null;
    const guild = world.guilds.get(guildId);
    if (!guild?.members.has(world.bot.id)) throw Errors.missingAccess();
    return guildId;
  };
  const one = (request: RestRequest) => {
    const command = commands.get(scope(request), request.params.command ?? '');
    if (!command) throw Errors.unknownCommand();
    return command;
  };

  const commandRoutes = (base: string): Route[] => [
    { method: 'GET', path: base, handler: (r) => commands.list(scope(r)) },
    { method: 'PUT', path: base, handler: (r) => commands.overwrite(scope(r), validateCommands(r.body)) },
    {
      method: 'POST',
      path: base,
      handler: (r) => {
        const where = scope(r);
        const { command, created } = commands.upsert(where, validateCommand(r.body));
        return new Answer(created ? 201 : 200, command);
      },
    },
    { method: 'GET', path: `${base}/:command`, handler: one },
    {
      method: 'PATCH',
      path: `${base}/:command`,
      handler: (r) => {
        const where = scope(r);
        const current = one(r);
        const next = validateCommand({ ...current, ...(r.body as Record<string, unknown>) });
        return commands.edit(where, current.id, next);
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:command`,
      handler: (r) => {
        if (!commands.remove(scope(r), r.params.command ?? '')) throw Errors.unknownCommand();
        return undefined;
      },
    },
  ];

  return [
    { method: 'GET', path: '/gateway', auth: false, handler: () => ({ url: ctx.gatewayUrl() }) },
    {
      method: 'GET',
      path: '/gateway/bot',
      handler: () => ({
        url: ctx.gatewayUrl(),
        shards: ctx.shards,
        session_start_limit: {
          total: ctx.sessionStart.total,
          remaining: ctx.sessionStart.remaining,
          reset_after: ctx.sessionStart.resetAfterMs,
          max_concurrency: ctx.sessionStart.maxConcurrency,
        },
      }),
    },
    { method: 'GET', path: '/applications/@me', handler: application },
    { method: 'GET', path: '/oauth2/applications/@me', handler: application },
    ...commandRoutes('/applications/:app/commands'),
    ...commandRoutes('/applications/:app/guilds/:guild/commands'),
  ];
}
