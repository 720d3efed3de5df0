/**
 * The bot's one HTTP server (node:http): /healthz, /metrics, private RSS feeds at /feeds/<token>.xml, the
 * public archive page at /digests, the classic RSS service's /rss and /rss/<category> when config rss.public
 * is true (classic-feed.ts), and mounted listeners such as Slack's /slack/events.
 *
 * Rules that hold for every route:
 * - A GET changes nothing. GET routes also answer HEAD; any other method gets 405 with `Allow`. Mounted
 *   listeners take POST only.
 * - Unknown paths, unknown feed tokens and revoked feed tokens all get the same 404.
 * - Every response carries `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`; the HTML
 *   page carries a Content-Security-Policy that allows nothing but its own stylesheet.
 * - Requests are logged at debug level by route name, never by URL: a feed URL holds its token, and any
 *   query string may hold something private.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoute } from '../chat/types.ts';
import { UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DeliveryReader } from '../store/repositories/deliveries.ts';
import type { FeedTokenRepository } from '../store/repositories/feeds.ts';
import type { SubscriptionRepository } from '../store/repositories/subscriptions.ts';
import { withTimeout } from '../timeout.ts';
import { ARCHIVE_CSP, loadArchive, renderArchivePage } from './archive.ts';
import { type ClassicFeedOptions, classicFeeds } from './classic-feed.ts';
import { feedReply } from './feed.ts';
import type { HealthReport } from './health.ts';
import {
  conditionalReply,
  entityTag,
  internalError,
  methodNotAllowed,
  notFound,
  type Reply,
} from './reply.ts';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * The public base URL readers use, for feeds' self links. Null, or the address the server listens on
   * (`http://host:port`, what main.ts passes when PUBLIC_URL and http.public_url are unset), is no known
   * public URL: feeds then have no self link rather than one naming an address readers do not use.
   */
  publicUrl?: string | null;
  logger?: Logger;
  metrics: Pick<Metrics, 'registry'>;
  /** The /healthz report; see createHealthCheck. */
  health: () => Promise<HealthReport>;
  feeds: Pick<FeedTokenRepository, 'targetOf'>;
  deliveries: DeliveryReader;
  subscriptions: Pick<SubscriptionRepository, 'all'>;
  mounts?: readonly HttpRoute[];
  /** How long close() lets requests in flight finish before it cuts their connections. Default 5000 ms. */
  closeTimeoutMs?: number;
  /** How long a rendered archive page is served before it is made again. Default 60000 ms; 0: every time. */
  archiveCacheMs?: number;
  /** Digests in a feed. Default 30. */
  feedDigests?: number;
  /** Digests per channel on the archive page. Default 7. */
  archiveDigests?: number;
  /**
   * The classic RSS service's `/rss` and `/rss/<category>` (classicFeedOptions, from config rss.public);
   * null or absent: those paths are unknown ones.
   */
  classicFeeds?: ClassicFeedOptions | null;
}

export interface HttpServer {
  /** The address it listens on, e.g. "http://127.0.0.1:8080". */
  url: string;
  /** Stops accepting, lets requests in flight finish (up to `closeTimeoutMs`), and closes every connection. */
  close(): Promise<void>;
}

const GET = ['GET', 'HEAD'] as const;
const FEED_PATH = /^\/feeds\/([^/]+)\.xml$/;
const CLASSIC_FEED_PATH = /^\/rss(?:\/([^/]+))?$/;
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/** A request's route: the name it is logged under and how it is answered. */
interface Route {
  name: string;
  methods: readonly string[];
  /** The reply, or "answered" when a mounted listener answers the request itself. */
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<Reply | 'answered'> | 'answered';
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const logger = options.logger ?? silentLogger;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  const mounts = new Map((options.mounts ?? []).map((mount) => [mount.path, mount.listener]));
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') || null;
  if (publicUrl === `http://${options.host}:${options.port}`) publicUrl = null;
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const drained: Array<() => void> = [];

  const archive = cachedPage(options.archiveCacheMs ?? 60_000, async () =>
    renderArchivePage(
      await loadArchive({
        subscriptions: options.subscriptions,
        deliveries: options.deliveries,
        perTarget: options.archiveDigests ?? 7,
      }),
      new Date(),
    ),
  );

  const classic = options.classicFeeds
    ? classicFeeds({
        options: options.classicFeeds,
        subscriptions: options.subscriptions,
        deliveries: options.deliveries,
        publicUrl: () => publicUrl,
      })
    : null;

  const routes: Record<string, Route> = {
    '/healthz': {
      name: 'healthz',
      methods: GET,
      handle: async () => {
        const report = await options.health().catch((error: unknown): null => {
          logger.error({ err: error }, 'the health check failed');
          return null;
        });
        return {
          status: report?.status === 'ok' ? 200 : 503,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: `${JSON.stringify(report ?? { status: 'unavailable' })}\n`,
        };
      },
    },
    '/metrics': {
      name: 'metrics',
      methods: GET,
      handle: async () => ({
        status: 200,
        headers: { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' },
        body: await options.metrics.registry.metrics(),
      }),
    },
    '/digests': {
      name: 'digests',
      methods: GET,
      handle: async (request) => {
        const page = await archive();
        return conditionalReply(request, {
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': ARCHIVE_CSP,
            'cache-control': 'public, max-age=60',
          },
          etag: page.etag,
          lastModified: null,
          render: () => page.html,
        });
      },
    },
  };

  const route = (path: string): Route | null => {
    const fixed = routes[path];
    if (fixed) return fixed;
    const feed = FEED_PATH.exec(path);
    if (feed) {
      const token = feed[1] as string;
      return {
        name: 'feed',
        methods: GET,
        handle: async (request) =>
          (await feedReply(request, token, {
            feeds: options.feeds,
            deliveries: options.deliveries,
            publicUrl,
            limit: options.feedDigests ?? 30,
          })) ?? notFound(),
      };
    }
    const classicPath = classic ? CLASSIC_FEED_PATH.exec(path) : null;
    if (classic && classicPath) {
      const category = classicPath[1] ?? null;
      return {
        name: category === null ? 'rss' : 'rss category',
        methods: GET,
        handle: async (request) => (await classic.reply(request, category)) ?? notFound(),
      };
    }
    const mounted = mounts.get(path);
    if (mounted) {
      return {
        name: `mount ${path}`,
        methods: ['POST'],
        handle: (request, response) => {
          mounted(request, response);
          return 'answered';
        },
      };
    }
    return null;
  };

  const onRequest = async (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    inFlight.add(response);
    response.on('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) for (const resolve of drained.splice(0)) resolve();
    });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (closing) response.setHeader('connection', 'close');

    const path = (request.url ?? '/').split('?', 1)[0] as string;
    const found = route(path);
    const name = found?.name ?? 'unknown';
    response.on('finish', () => {
      logger.debug(
        {
          method: request.method,
          route: name,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'http request',
      );
    });

    let reply: Reply | 'answered';
    try {
      if (!found) reply = notFound();
      else if (!found.methods.includes(request.method ?? '')) reply = methodNotAllowed(found.methods);
      else reply = await found.handle(request, response);
    } catch (error) {
      logger.error({ err: error, route: name }, 'an HTTP request failed');
      reply = internalError();
    }
    if (reply === 'answered') return;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(reply.status, reply.headers);
    response.end(reply.body);
  };

  // Every request here is small: a client that takes longer than this to send one is cut off (Node's
  // defaults, 60 s for headers and 5 minutes for a request, let slow clients hold connections open).
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'an HTTP response could not be written');
      response.destroy();
    });
  });
  await listen(server, options.host, options.port);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (publicUrl === url) publicUrl = null;
  logger.info({ url, publicUrl, mounts: [...mounts.keys()] }, 'HTTP server listening');

  let closed: Promise<void> | null = null;
  return {
    url,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // A keep-alive connection of a request in flight is closed once the request is answered.
        for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
        const idle =
          inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve));
        if (
          await withTimeout(
            idle.then(() => false),
            closeTimeoutMs,
            () => true,
          )
        ) {
          logger.warn({ requests: inFlight.size }, 'HTTP requests still running at shutdown were cut off');
        }
        server.closeAllConnections();
        await stopped;
        logger.info('HTTP server closed');
      })();
      return closed;
    },
  };
}

/** Why the address cannot be listened on, for the errors a person fixes by choosing another address. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'is already in use',
  EACCES: 'needs privileges this process does not have',
  EADDRNOTAVAIL: 'is not an address of this machine',
};

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = LISTEN_FAILURES[error.code ?? ''];
      if (why === undefined) {
        reject(error);
        return;
      }
      reject(
        new UserError(
          'CONFIG_INVALID',
          `The HTTP server cannot listen on ${host}:${port}: the address ${why}. Set http.host and http.port in config.json (or HTTP_HOST and PORT) to a free address.`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A page made at most once per `ttlMs`; requests that arrive while it is being made share that work. */
function cachedPage(
  ttlMs: number,
  make: () => Promise<string>,
): () => Promise<{ html: string; etag: string }> {
  let cached: { page: Promise<{ html: string; etag: string }>; at: number } | null = null;
  return () => {
    const now = performance.now();
    if (cached && now - cached.at < ttlMs) return cached.page;
    const page = make().then((html) => ({ html, etag: entityTag(html) }));
    // A failure is not kept: the next request tries again.
    page.catch(() => {
      if (cached?.page === page) cached = null;
    });
    cached = { page, at: now };
    return page;
  };
}
