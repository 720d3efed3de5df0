import type { AdapterHealth, Platform } from '../chat/types.ts';
import type { Store } from '../store/store.ts';
import { withTimeout } from '../timeout.ts';
import { VERSION } from '../version.ts';

/** The body of `GET /healthz`. */
export interface HealthReport {
  /** "ok" when every adapter is connected and the store answers (served as 200), "unavailable" otherwise (503). */
  status: 'ok' | 'unavailable';
  version: string;
  adapters: Array<AdapterHealth & { platform: Platform }>;
  store: { description: string; reachable: boolean };
  /** When this process last delivered a digest completely (ISO 8601), or null. */
  lastDigestAt: string | null;
}

export interface HealthSources {
  /** The bot's view of its adapters and deliveries (`Bot.health`). */
  bot: {
    health(): { adapters: Array<AdapterHealth & { platform: Platform }>; lastDigestAt: Date | null };
  };
  store: Pick<Store, 'ping' | 'describe'>;
  /** A store that has not answered by then counts as unreachable. Default 2000 ms. */
  storeTimeoutMs?: number;
}

/**
 * The health check behind /healthz, made from the bot and the store. It never rejects. With no adapter at all
 * (the console delivery in a container) the adapters count as healthy: there is nothing to be disconnected.
 */
export function createHealthCheck(sources: HealthSources): () => Promise<HealthReport> {
  const timeoutMs = sources.storeTimeoutMs ?? 2000;
  return async () => {
    const { adapters, lastDigestAt } = sources.bot.health();
    const reachable = await pingWithin(sources.store, timeoutMs);
    return {
      status: reachable && adapters.every((adapter) => adapter.connected) ? 'ok' : 'unavailable',
      version: VERSION,
      adapters,
      store: { description: sources.store.describe(), reachable },
      lastDigestAt: lastDigestAt?.toISOString() ?? null,
    };
  };
}

async function pingWithin(store: Pick<Store, 'ping'>, timeoutMs: number): Promise<boolean> {
  return withTimeout(
    store.ping().catch(() => false),
    timeoutMs,
    () => false,
  );
}
