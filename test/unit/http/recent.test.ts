import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestToJson } from '../../../src/digest/render/json.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import {
  DELIVERY_SCHEMA,
  DeliveryRepository,
  recentDeliveries,
} from '../../../src/store/repositories/deliveries.ts';
import type { Store } from '../../../src/store/store.ts';
import { hostileDigest } from '../digest/digests.ts';

let store: Store;
let deliveries: DeliveryRepository;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  deliveries = new DeliveryRepository(store, silentLogger);
});

afterEach(async () => {
  await store.close();
});

/** Deliveries on consecutive days of November 2024; `open` days are left unfinished. */
async function deliverDays(target: string, days: number, open: ReadonlySet<number>): Promise<void> {
  for (let day = 1; day <= days; day += 1) {
    const announced = `2024-11-${String(day).padStart(2, '0')}`;
    await deliveries.create({
      schemaVersion: DELIVERY_SCHEMA,
      target,
      announced,
      digest: digestToJson({ ...hostileDigest(`${announced}T12:00:00.000Z`), target, announced }),
      root: null,
      posted: {},
      startedAt: `${announced}T12:00:00.000Z`,
      completedAt: open.has(day) ? null : `${announced}T12:05:00.000Z`,
    });
  }
}

describe('recentDeliveries', () => {
  it('gives the newest completed deliveries first, reading past unfinished ones', async () => {
    await deliverDays('test:c1', 9, new Set([9, 7, 6]));
    const found = await recentDeliveries(deliveries, 'test:c1', 3);
    expect(found.map(({ record }) => record.announced)).toEqual(['2024-11-08', '2024-11-05', '2024-11-04']);
  });

  it('gives what there is when fewer are complete than asked, and nothing for an unknown target', async () => {
    await deliverDays('test:c1', 4, new Set([2]));
    const found = await recentDeliveries(deliveries, 'test:c1', 30);
    expect(found.map(({ record }) => record.announced)).toEqual(['2024-11-04', '2024-11-03', '2024-11-01']);
    expect(await recentDeliveries(deliveries, 'test:other', 30)).toEqual([]);
  });
});
