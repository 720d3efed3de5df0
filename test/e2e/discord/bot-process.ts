/**
 * A Discord bot in a process of its own, for the test that kills one with SIGKILL in the middle of a digest.
 * It boots from the BotSpec in the E2E_BOT_SPEC environment variable, logs JSON lines on stdout, delivers
 * the scheduled digest of the target named there, and exits.
 */
import { pino } from 'pino';
import { type BotSpec, bootBot } from './world.ts';

const spec = JSON.parse(process.env.E2E_BOT_SPEC ?? '{}') as BotSpec & { target: string };
const logger = pino({ level: 'info' });
const running = await bootBot(spec, logger);
const subscription = await running.bot.subscriptions.get(spec.target);
if (!subscription) throw new Error(`no subscription for ${spec.target}`);
const outcomes = await running.bot.deliverScheduled([subscription]);
logger.info({ outcomes: outcomes.map((o) => o.outcome?.status ?? String(o.error)) }, 'e2e run finished');
await running.stop();
