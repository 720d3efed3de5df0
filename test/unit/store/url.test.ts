import { describe, expect, it } from 'vitest';
import { reason, redactUrl } from '../../../src/store/url.ts';

describe('redactUrl', () => {
  it.each([
    ['redis://:hunter2@cache.internal:6379/0', 'redis://cache.internal:6379/0'],
    ['rediss://bot:hunter2@cache.internal:6380', 'rediss://bot@cache.internal:6380'],
    [
      'postgres://bot:hunter2@db.internal/arxiv?sslmode=require',
      'postgres://bot@db.internal/arxiv?sslmode=require',
    ],
    ['postgresql://bot:p%40ss%2Fw0rd@db.internal:5433/arxiv', 'postgresql://bot@db.internal:5433/arxiv'],
    ['redis://cache.internal:6379', 'redis://cache.internal:6379'],
    ['sqlite://./data/arxiv-digest.sqlite', 'sqlite://./data/arxiv-digest.sqlite'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('drops the whole user part of a URL it cannot parse', () => {
    expect(redactUrl('postgres://bot:hunter2@db.internal:notaport/arxiv')).toBe(
      'postgres://db.internal:notaport/arxiv',
    );
  });
});

describe('reason', () => {
  it('gives the message without its final period, for use inside a sentence', () => {
    expect(reason(new Error('WRONGPASS invalid username-password pair or user is disabled.'))).toBe(
      'WRONGPASS invalid username-password pair or user is disabled',
    );
  });

  it('joins the errors of an AggregateError, whose own message is empty', () => {
    const error = new AggregateError([
      new Error('connect ECONNREFUSED ::1:6379'),
      new Error('connect ECONNREFUSED 127.0.0.1:6379'),
    ]);
    expect(reason(error)).toBe('connect ECONNREFUSED ::1:6379; connect ECONNREFUSED 127.0.0.1:6379');
  });

  it('names the error class when there is no message at all', () => {
    class SocketClosedError extends Error {}
    expect(reason(new SocketClosedError())).toBe('SocketClosedError');
  });
});
