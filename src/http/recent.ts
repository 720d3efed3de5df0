import type { TargetId } from '../../adapters/types.ts';
import type { DeliveryRepository, VersionedDelivery } from '../store/repositories/deliveries.ts';

export type DeliveryReader = Pick<DeliveryRepository, 'history' | 'get'>;

/**
 * A target's newest completely delivered digests, newest announcement first, at most `limit`. A delivery
 * still in progress (or stopped on an error and not yet resumed) is left out until it completes: the feed
 * and the archive show what the channel was shown. Records are read a batch of `limit` at a time.
 */
export async function recentDeliveries(
  deliveries: DeliveryReader,
  target: TargetId,
  limit: number,
): Promise<VersionedDelivery[]> {
  const dates = await deliveries.history(target);
  const found: VersionedDelivery[] = [];
  for (let start = 0; start < dates.length && found.length < limit; start += limit) {
    const batch = await Promise.all(
      dates.slice(start, start + limit).map((announced) => deliveries.get(target, announced)),
    );
    for (const delivery of batch) {
      if (delivery?.record.completedAt && found.length < limit) found.push(delivery);
    }
  }
  return found;
}
