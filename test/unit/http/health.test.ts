import { describe, expect, it } from 'vitest';
import type { AdapterHealth, Platform } from '../../../src/chat/types.ts';
import { createHealthCheck } from '../../../src/http/health.ts';
import { openStore } from '../../../src/store/index.ts';
import { VERSION } from '../../../src/version.ts';

const bot = (adapters: Array<AdapterHealth & { platform: Platform }>, lastDigestAt: Date | null = null) => ({
  health: () => ({ adapters, lastDigestAt }),
});

describe('createHealthCheck', () => {
  it('is ok with every adapter connected and the store answering, and reports the last digest', async () => {
    const store = await openStore('sqlite://:memory:');
    const check = createHealthCheck({
      bot: bot(
        [
          { platform: 'slack', connected: true, detail: 'slack: T1 as arxiv, Socket Mode' },
          { platform: 'discord', connected: true, detail: 'discord: connected' },
        ],
        new Date('2026-02-05T01:00:00Z'),
      ),
      store,
    });
    expect(await check()).toEqual({
      status: 'ok',
      version: VERSION,
      adapters: [
        { platform: 'slack', connected: true, detail: 'slack: T1 as arxiv, Socket Mode' },
        { platform: 'discord', connected: true, detail: 'discord: connected' },
      ],
      store: { description: 'sqlite://:memory:', reachable: true },
      lastDigestAt: '2026-02-05T01:00:00.000Z',
    });
    await store.close();
    expect(await check()).toMatchObject({ status: 'unavailable', store: { reachable: false } });
  });

  it('is unavailable when one adapter of several is disconnected', async () => {
    const store = await openStore('sqlite://:memory:');
    const check = createHealthCheck({
      bot: bot([
        { platform: 'slack', connected: true, detail: 'slack: ok' },
        { platform: 'discord', connected: false, detail: 'discord: gateway closed, reconnecting' },
      ]),
      store,
    });
    expect(await check()).toMatchObject({ status: 'unavailable', store: { reachable: true } });
    await store.close();
  });

  it('is ok with no adapter at all (the console delivery)', async () => {
    const store = await openStore('sqlite://:memory:');
    expect(await createHealthCheck({ bot: bot([]), store })()).toMatchObject({ status: 'ok', adapters: [] });
    await store.close();
  });

  it('counts a store that hangs or fails as unreachable, without rejecting', async () => {
    const hanging = { ping: () => new Promise<boolean>(() => {}), describe: () => 'redis://cache:6379' };
    const failing = {
      ping: () => Promise.reject(new Error('ECONNREFUSED')),
      describe: () => 'redis://cache:6379',
    };
    for (const store of [hanging, failing]) {
      const report = await createHealthCheck({ bot: bot([]), store, storeTimeoutMs: 20 })();
      expect(report).toMatchObject({
        status: 'unavailable',
        store: { description: 'redis://cache:6379', reachable: false },
      });
    }
  });
});
