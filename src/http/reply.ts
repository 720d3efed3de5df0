import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a route answers; the server adds the headers every response carries and writes it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Left out for 304; Node drops it for HEAD requests. */
  body?: string;
}

const TEXT = 'text/plain; charset=utf-8';

/** One body for every path that leads nowhere, unknown feed tokens included: a 404 tells nothing more. */
export function notFound(): Reply {
  return {
    status: 404,
    headers: { 'content-type': TEXT, 'cache-control': 'no-store' },
    body: 'Not found.\n',
  };
}

export function methodNotAllowed(allowed: readonly string[]): Reply {
  return {
    status: 405,
    headers: { 'content-type': TEXT, allow: allowed.join(', '), 'cache-control': 'no-store' },
    body: `Method not allowed; this path answers ${allowed.join(', ')}.\n`,
  };
}

export function internalError(): Reply {
  return {
    status: 500,
    headers: { 'content-type': TEXT, 'cache-control': 'no-store' },
    body: 'Internal error; it has been logged.\n',
  };
}

/** A weak entity tag from the given parts (weak: equal tags mean equal content, not equal bytes). */
export function entityTag(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return `W/"${hash.digest('base64url').slice(0, 27)}"`;
}

/**
 * True when the client's copy is current (answer 304): If-None-Match is checked when sent (weak comparison,
 * RFC 9110 13.1.2), If-Modified-Since only without it, at HTTP dates' one-second precision.
 */
export function notModified(request: IncomingMessage, etag: string, lastModified: Date | null): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined || lastModified === null) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** The reply for content with validators: 304 when the client's copy is current, else 200 with `render()`. */
export function conditionalReply(
  request: IncomingMessage,
  content: { headers: Record<string, string>; etag: string; lastModified: Date | null; render: () => string },
): Reply {
  const headers: Record<string, string> = { ...content.headers, etag: content.etag };
  if (content.lastModified) headers['last-modified'] = content.lastModified.toUTCString();
  if (notModified(request, content.etag, content.lastModified)) {
    delete headers['content-type'];
    return { status: 304, headers };
  }
  return { status: 200, headers, body: content.render() };
}
