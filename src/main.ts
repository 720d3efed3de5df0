/**
 * The composition root, `npm start`: config -> logger -> store -> engine -> adapters -> bot -> scheduler ->
 * HTTP -> signals. Without chat credentials it runs the shell adapter: a prompt on a terminal, or, with no
 * terminal (a container, CI), the console delivery that prints each digest and writes it to files.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { buildAdapters, planAdapters } from '../adapters/index.ts';
import { platformOf } from './bot/adapters.ts';
import { Bot } from './bot/bot.ts';
import { writeDigestFiles } from './bot/digest-files.ts';
import { platformLabel } from './chat/platforms.ts';
import { loadDotEnv } from './config/dotenv.ts';
import { type LoadedConfig, loadConfig } from './config/load.ts';
import { formatKeywordQuery } from './digest/query.ts';
import { digestFromJson } from './digest/render/json.ts';
import { createEngine } from './engine.ts';
import { isAppError } from './errors.ts';
import { classicFeedOptions } from './http/classic-feed.ts';
import { createHealthCheck } from './http/health.ts';
import { startHttpServer } from './http/server.ts';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { claimReplicaIdentity } from './replica.ts';
import { nextScheduledInstant } from './schedule/calendar.ts';
import { Scheduler } from './schedule/scheduler.ts';
import { openStore } from './store/index.ts';
import { recentDeliveries } from './store/repositories/deliveries.ts';
import { LeaseRepository } from './store/repositories/leases.ts';
import { VERSION } from './version.ts';

export interface MainOptions {
  configPath?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The terminal, for the shell adapter; process.stdin/stdout by default. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Said in the log with the config's warnings (those of reading .env, say). */
  warnings?: readonly string[];
}

/** Shutdown must be over within this, whatever hangs. */
const SHUTDOWN_BUDGET_MS = 10_000;

/** Runs the bot until a signal (or the end of the shell session); returns the exit code. */
export async function main(options: MainOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ path: options.configPath, env: options.env, cwd: options.cwd });
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`arxiv-digest: ${error.userMessage}\n`);
    return 2;
  }
  const { config } = loaded;
  const plan = planAdapters(loaded.chat, { terminal: Boolean(stdin.isTTY && stdout.isTTY) });
  // The shell's prompt is interactive only on a terminal; there it owns the screen.
  const interactive = plan.usesFallback && Boolean(stdin.isTTY && stdout.isTTY);
  const outputDir = resolve(options.cwd, config.output.dir);
  // On a terminal the prompt owns the screen: logs go to a file. Elsewhere they go to stderr, as JSON lines.
  const logFile = join(outputDir, 'arxiv-digest.log');
  const logger = interactive
    ? createLogger({ level: config.log_level, destination: await fileDestination(logFile) })
    : createLogger({ level: config.log_level });
  for (const warning of [...(options.warnings ?? []), ...loaded.warnings]) logger.warn(warning);

  let shutdown: ((reason: string) => Promise<void>) | null = null;
  try {
    const store = await openStore(config.store.url, { cwd: options.cwd, logger });
    const metrics = createMetrics();
    const engine = createEngine({
      config,
      store,
      logger,
      env: options.env,
      cwd: options.cwd,
      onArxivRequest: (event) => metrics.observeArxivRequest(event),
    });
    engine.summarizer.usage.onEvent((event) => metrics.observeSummaryUsage(event));
    const built = buildAdapters(plan, loaded.chat, {
      logger,
      terminal: { input: stdin, output: stdout, interactive },
      outputDir,
      store,
    });
    const adapters = built.map(({ adapter }) => adapter);

    // The lease holder: REPLICA_ID, or the slot this process holds in the data directory (src/replica.ts), so a
    // restart takes back its own leases at once and two live replicas are never one holder.
    const replica = claimReplicaIdentity({ configured: loaded.env.REPLICA_ID, dir: outputDir });
    if (replica.problem) logger.warn(`no lasting replica identity (${replica.problem}); a random one serves`);
    const holder = replica.id;
    const publicUrl = config.http.public_url ?? `http://${config.http.host}:${config.http.port}`;
    const bot: Bot = new Bot({
      config,
      engine,
      store,
      adapters,
      logger,
      metrics,
      publicUrl,
      holder,
      seedTargets: built.flatMap(({ seedTargets }) => seedTargets),
      nextRun: (subscription) => nextScheduledInstant(new Date(), subscription.schedule),
      onDelivered: async (record) => {
        const recent = (await recentDeliveries(bot.deliveries, record.target, 30)).map((delivery) =>
          digestFromJson(delivery.record.digest),
        );
        const page = await writeDigestFiles(outputDir, record.target, digestFromJson(record.digest), recent, {
          feedUrl: config.output.feed_url,
          template: config.output.template,
        });
        logger.info({ target: record.target, file: page }, 'digest written to files');
      },
    });

    logger.info(
      {
        version: VERSION,
        adapters: adapters.map((adapter) => adapter.platform),
        why: plan.chosen.map(({ why }) => why).join('; '),
        store: store.describe(),
        replica: { id: holder, from: replica.source },
        model: engine.summarizer.usesModel
          ? `${config.ai_summary.model} at ${config.ai_summary.base_url}`
          : `none (extractive summaries: ${config.ai_summary.enabled ? `${config.ai_summary.api_key_env} is not set` : 'ai_summary.enabled is false'})`,
      },
      'arxiv-digest starting',
    );
    await bot.start();
    // The console delivery's stdout carries digests only; it first says what it waits for.
    if (plan.usesFallback && !interactive) stdout.write(await consoleStatus(bot, outputDir, new Date()));

    const scheduler = new Scheduler({
      subscriptions: () => bot.subscriptions.all(),
      deliver: (runs) => bot.runScheduled(runs),
      deliverWeekly: (runs) => bot.runWeekly(runs),
      store,
      leases: new LeaseRepository(store),
      holder,
      logger,
    });

    const http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      // Only a configured public URL: the server's own address is no link for readers elsewhere.
      publicUrl: config.http.public_url,
      classicFeeds: classicFeedOptions(config, store, logger),
      logger,
      metrics,
      health: createHealthCheck({ bot, store }),
      closeTimeoutMs: 4000,
      feeds: bot.feeds,
      deliveries: bot.deliveries,
      subscriptions: bot.subscriptions,
      mounts: adapters.flatMap((adapter) => adapter.routes?.() ?? []),
    });
    scheduler.start();
    logger.info({ http: http.url }, 'arxiv-digest running');
    if (interactive) stdout.write(`arxiv-digest ${VERSION}: type /arxiv help. Logs: ${logFile}\n`);

    let stopping: Promise<void> | null = null;
    shutdown = (reason: string) => {
      stopping ??= (async () => {
        logger.info({ reason }, 'shutting down');
        const forced = setTimeout(() => {
          logger.error('shutdown took longer than 10 s; exiting');
          process.exit(1);
        }, SHUTDOWN_BUDGET_MS);
        forced.unref();
        // Stop taking work (scheduled and HTTP) together, then let the adapters finish their posts.
        await Promise.all([scheduler.stop(), http.close()]);
        await bot.stop();
        await engine.close();
        await store.close();
        replica.release();
        clearTimeout(forced);
        logger.info('stopped');
      })();
      return stopping;
    };
    const stop = shutdown;
    const done = new Promise<void>((finish) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => void stop(signal).then(finish));
      }
      for (const { adapter, ended } of built) {
        ended?.then(() => stop(`the ${adapter.platform} session ended`).then(finish));
      }
    });
    await done;
    return 0;
  } catch (error) {
    const message = isAppError(error)
      ? error.userMessage
      : error instanceof Error
        ? error.message
        : String(error);
    logger.fatal({ err: error }, 'arxiv-digest could not start');
    process.stderr.write(`arxiv-digest: ${message}\n`);
    await shutdown?.('start-up failed');
    return isAppError(error) && error.kind === 'user' ? 2 : 1;
  }
}

/**
 * The first lines of the console delivery: where digests go, and each target's next digest (or why it gets
 * none here). A digest that fell due while the bot was stopped comes at once, after these lines.
 */
export async function consoleStatus(bot: Bot, outputDir: string, now: Date): Promise<string> {
  const subscriptions = (await bot.subscriptions.all()).sort((a, b) => a.target.localeCompare(b.target));
  const lines = [
    `arxiv-digest ${VERSION}: console delivery (no chat credentials, no terminal). Each digest is printed here and written under ${join(outputDir, 'digests')}; one that fell due while the bot was stopped comes now.`,
  ];
  const elsewhere: string[] = [];
  for (const subscription of subscriptions) {
    const { target, query, categories } = subscription;
    if (!bot.adapters.find(target)) {
      const platform = platformOf(target);
      elsewhere.push(
        `  ${target}: not delivered here: no ${platform ? platformLabel(platform) : 'chat'} connection runs`,
      );
    } else if (!query) {
      lines.push(`  ${target}: no digest: no keywords to look for (set "keywords" in the config)`);
    } else {
      const next = nextScheduledInstant(now, subscription.schedule);
      lines.push(
        `  ${target}: next digest ${formatInstant(next, subscription.schedule.timeZone)} (in ${formatDuration(next.getTime() - now.getTime())}): ${formatKeywordQuery(query)} in ${categories.join(', ')}`,
      );
    }
  }
  if (subscriptions.length === 0) lines.push('  no targets yet');
  return `${[...lines, ...elsewhere].join('\n')}\n\n`;
}

/** "Thu 5 Feb 07:30 CET": the instant in the target's time zone. */
function formatInstant(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** "3 h 12 min", "45 min". */
function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

async function fileDestination(path: string) {
  await mkdir(dirname(path), { recursive: true });
  return pino.destination({ dest: path, sync: false });
}

export const START_USAGE = 'Usage: npm start [-- --config <file>]  (node src/main.ts [--config <file>])';

/** The arguments of `npm start -- ...`: only --config <file> (or --config=<file>), and --help. */
export function parseStartArgs(
  argv: readonly string[],
): { configPath: string | undefined; help: boolean } | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    });
    return { configPath: values.config, help: values.help ?? false };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

if (import.meta.main) {
  const args = parseStartArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`arxiv-digest: ${args.error}\n${START_USAGE}\n`);
    process.exitCode = 2;
  } else if (args.help) {
    process.stdout.write(`${START_USAGE}\n`);
  } else {
    const cwd = process.cwd();
    const warnings = loadDotEnv(cwd, process.env);
    process.exitCode = await main({ configPath: args.configPath, env: process.env, cwd, warnings });
  }
}
