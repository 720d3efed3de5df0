/* Shared by the scheduler's unit and integration tests. */
import { createLogger, type Logger } from '../../../src/log.ts';
import type { DeliveryReport, ScheduledRun, Scheduler } from '../../../src/schedule/scheduler.ts';
import type { Subscription } from '../../../src/store/repositories/subscriptions.ts';
import { makeSubscription } from '../../support/subscriptions.ts';

export function subscription(
  target: string,
  time: string,
  timeZone: string,
  createdAt = '2024-12-01T00:00:00.000Z',
): Subscription {
  return makeSubscription(target, {
    categories: ['cs.AI'],
    schedule: { time, timeZone },
    maxPapers: 10,
    minScore: 1,
    createdAt,
  });
}

/** "target scheduledFor", the form the assertions compare. */
export function describeRun(run: ScheduledRun): string {
  return `${run.subscription.target} ${run.scheduledFor.toISOString()}`;
}

/** A deliver() that records every batch it is given and reports every run done (posting nothing). */
export function recordingDeliver(): {
  batches: ScheduledRun[][];
  deliver: (runs: ScheduledRun[]) => Promise<DeliveryReport>;
} {
  const batches: ScheduledRun[][] = [];
  return {
    batches,
    deliver: async (runs) => {
      batches.push(runs);
      return { failed: [] };
    },
  };
}

/** A debug-level logger whose records land in `records`. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, records };
}

/** Ticks once a minute from `from` up to and including `to`; returns each run with the minute it ran. */
export async function tickEveryMinute(
  scheduler: Scheduler,
  from: string,
  to: string,
): Promise<Array<{ run: string; tickedAt: string }>> {
  const found: Array<{ run: string; tickedAt: string }> = [];
  for (let time = Date.parse(from); time <= Date.parse(to); time += 60_000) {
    const now = new Date(time);
    for (const run of await scheduler.tick(now))
      found.push({ run: describeRun(run), tickedAt: now.toISOString() });
  }
  return found;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
