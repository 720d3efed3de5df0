import { SUBSCRIPTION_SCHEMA, type Subscription } from '../../src/store/repositories/subscriptions.ts';

/** A channel subscription with plain defaults; a test sets what it is about. */
export function makeSubscription(target: string, overrides: Partial<Subscription> = {}): Subscription {
  const createdAt = overrides.createdAt ?? '2024-12-01T00:00:00.000Z';
  return {
    schemaVersion: SUBSCRIPTION_SCHEMA,
    target,
    kind: 'channel',
    query: null,
    categories: ['cs.LG'],
    schedule: { time: '08:00', timeZone: 'UTC' },
    maxPapers: 30,
    minScore: 0,
    summaries: false,
    public: false,
    createdBy: 'config',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}
