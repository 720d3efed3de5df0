import type { IncomingMessage } from 'node:http';
import { digestCategories } from '../chat/present.ts';
import { digestFromJson } from '../digest/render/json.ts';
import { renderRss } from '../digest/render/rss.ts';
import { type DeliveryReader, recentDeliveries } from '../store/repositories/deliveries.ts';
import type { FeedTokenRepository } from '../store/repositories/feeds.ts';
import { VERSION } from '../version.ts';
import { conditionalReply, entityTag, type Reply } from './reply.ts';

export interface FeedSources {
  feeds: Pick<FeedTokenRepository, 'targetOf'>;
  deliveries: DeliveryReader;
  /**
   * The server's public base URL, without a trailing slash, for the feed's self link; null when none is
   * configured: the feed then has no self link (see RssChannel.selfUrl).
   */
  publicUrl: string | null;
  /** Digests in a feed. */
  limit: number;
}

/**
 * `GET /feeds/<token>.xml`: the target's recent digests as RSS 2.0 with summaries, or null for a token that
 * opens nothing (the caller answers the same 404 as for any unknown path). The entity tag is computed from
 * the delivery records' versions before anything is rendered, so a reader polling an unchanged feed costs
 * a few store reads and no rendering.
 */
export async function feedReply(
  request: IncomingMessage,
  token: string,
  sources: FeedSources,
): Promise<Reply | null> {
  const target = await sources.feeds.targetOf(token);
  if (target === undefined) return null;
  const deliveries = await recentDeliveries(sources.deliveries, target, sources.limit);
  const selfUrl = sources.publicUrl === null ? null : `${sources.publicUrl}/feeds/${token}.xml`;
  const etag = entityTag(
    VERSION,
    selfUrl ?? '',
    ...deliveries.map(({ record, version }) => `${record.announced}@${version}`),
  );
  const completed = deliveries.map(({ record }) => Date.parse(record.completedAt ?? ''));
  const lastModified = completed.length > 0 ? new Date(Math.max(...completed)) : null;
  const newest = deliveries[0]?.record.digest;
  const queryText = newest?.query.text;
  return conditionalReply(request, {
    headers: {
      'content-type': 'application/rss+xml; charset=utf-8',
      // The URL is a secret: no shared cache should keep a copy.
      'cache-control': 'private, max-age=300',
    },
    etag,
    lastModified,
    render: () =>
      renderRss(
        deliveries.map(({ record }) => digestFromJson(record.digest)),
        {
          title: queryText ? `arXiv digest: ${queryText}` : 'arXiv digest',
          link: 'https://arxiv.org/',
          description: newest
            ? `arXiv papers matching ${queryText || 'the subscription'} in ${digestCategories(newest.categories)}, ranked and summarized by arxiv-digest.`
            : 'No digest has been delivered to this channel yet.',
          selfUrl,
        },
      ),
  });
}
