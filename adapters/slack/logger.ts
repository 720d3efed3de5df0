import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';

/** Bolt's logger interface on top of the project's pino logger; Bolt's lines carry `component: slack-bolt`. */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack-bolt' });
  const line = (parts: unknown[]): string =>
    parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => child.debug(line(parts)),
    info: (...parts: unknown[]) => child.info(line(parts)),
    warn: (...parts: unknown[]) => child.warn(line(parts)),
    error: (...parts: unknown[]) => child.error(line(parts)),
    // The level is the pino logger's; Bolt only asks, to decide whether to build its debug lines.
    setLevel: () => {},
    getLevel: () => (child.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => {},
  };
}
