import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { conditionalReply, entityTag, notModified } from '../../../src/http/reply.ts';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as IncomingMessage;
const modified = new Date('2024-11-28T14:47:20.500Z');

describe('notModified', () => {
  const etag = entityTag('a', 'b');

  it('matches If-None-Match weakly, in a list, or as *', () => {
    const opaque = etag.slice(2);
    expect(notModified(withHeaders({ 'if-none-match': etag }), etag, null)).toBe(true);
    expect(notModified(withHeaders({ 'if-none-match': opaque }), etag, null)).toBe(true);
    expect(notModified(withHeaders({ 'if-none-match': `"other", ${etag}` }), etag, null)).toBe(true);
    expect(notModified(withHeaders({ 'if-none-match': '*' }), etag, null)).toBe(true);
    expect(notModified(withHeaders({ 'if-none-match': entityTag('a', 'c') }), etag, null)).toBe(false);
    expect(notModified(withHeaders({}), etag, modified)).toBe(false);
  });

  it('reads If-Modified-Since at one-second precision, and only without If-None-Match', () => {
    const at = (date: string) => withHeaders({ 'if-modified-since': date });
    expect(notModified(at('Thu, 28 Nov 2024 14:47:20 GMT'), etag, modified)).toBe(true);
    expect(notModified(at('Thu, 28 Nov 2024 14:47:19 GMT'), etag, modified)).toBe(false);
    expect(notModified(at('not a date'), etag, modified)).toBe(false);
    expect(notModified(at('Thu, 28 Nov 2024 14:47:20 GMT'), etag, null)).toBe(false);
    const both = withHeaders({
      'if-none-match': '"stale"',
      'if-modified-since': 'Thu, 28 Nov 2024 14:47:20 GMT',
    });
    expect(notModified(both, etag, modified)).toBe(false);
  });
});

describe('entityTag', () => {
  it('differs when any part differs, including where parts split', () => {
    expect(entityTag('a', 'b')).toBe(entityTag('a', 'b'));
    expect(entityTag('a', 'b')).not.toBe(entityTag('ab'));
    expect(entityTag('a', 'b')).not.toBe(entityTag('a', 'c'));
  });
});

describe('conditionalReply', () => {
  it('renders only when the client has no current copy', () => {
    let renders = 0;
    const content = {
      headers: { 'content-type': 'text/plain', 'cache-control': 'no-cache' },
      etag: entityTag('x'),
      lastModified: modified,
      render: () => {
        renders += 1;
        return 'body';
      },
    };
    const fresh = conditionalReply(withHeaders({}), content);
    expect(fresh).toEqual({
      status: 200,
      headers: {
        'content-type': 'text/plain',
        'cache-control': 'no-cache',
        etag: content.etag,
        'last-modified': 'Thu, 28 Nov 2024 14:47:20 GMT',
      },
      body: 'body',
    });
    const cached = conditionalReply(withHeaders({ 'if-none-match': content.etag }), content);
    expect(cached).toEqual({
      status: 304,
      headers: {
        'cache-control': 'no-cache',
        etag: content.etag,
        'last-modified': 'Thu, 28 Nov 2024 14:47:20 GMT',
      },
    });
    expect(renders).toBe(1);
  });
});
