import type { TargetId, UserId } from '../chat/types.ts';
import type { Config } from '../config/schema.ts';
import { queryFromConfig } from '../digest/query.ts';
import type { Logger } from '../log.ts';
import {
  SUBSCRIPTION_SCHEMA,
  type Subscription,
  type SubscriptionRepository,
} from '../store/repositories/subscriptions.ts';

/** A subscription with the config's defaults and no terms yet. */
export function newSubscription(
  config: Config,
  target: TargetId,
  kind: 'channel' | 'user',
  createdBy: UserId | 'config',
  now: Date,
): Subscription {
  return {
    schemaVersion: SUBSCRIPTION_SCHEMA,
    target,
    kind,
    query: null,
    categories: [...config.categories],
    schedule: { time: config.schedule.time, timeZone: config.schedule.timezone },
    maxPapers: config.max_papers,
    minScore: config.min_score,
    summaries: config.ai_summary.enabled,
    public: false,
    createdBy,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/**
 * Creates the subscriptions of config.json's `channels` (and of `extra` targets, such as the shell's own
 * channel) that do not exist yet: the top-level categories and keywords, or the channel's own. A target
 * that already has a subscription is left as its users made it.
 */
export async function seedSubscriptions(
  config: Config,
  repository: SubscriptionRepository,
  extra: readonly TargetId[],
  now: Date,
  logger: Logger,
): Promise<number> {
  const seeds = [...config.channels, ...extra.map((target) => ({ target }))];
  let created = 0;
  for (const seed of seeds) {
    if (await repository.get(seed.target)) continue;
    const channel = config.channels.find((entry) => entry.target === seed.target);
    const keywords = channel?.keywords ?? config.keywords;
    const subscription = newSubscription(config, seed.target, 'channel', 'config', now);
    await repository.put({
      ...subscription,
      query:
        keywords.length > 0
          ? queryFromConfig(keywords, channel?.exclude_keywords ?? config.exclude_keywords)
          : null,
      categories: channel?.categories ?? subscription.categories,
      schedule: {
        time: channel?.time ?? subscription.schedule.time,
        timeZone: channel?.timezone ?? subscription.schedule.timeZone,
      },
    });
    created++;
    logger.info({ target: seed.target }, 'subscription seeded from config.json');
  }
  return created;
}
