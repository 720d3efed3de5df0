import { describe, expect, it } from 'vitest';
import {
  ExternalError,
  networkFailure,
  problemText,
  UserError,
  unreachableMessage,
} from '../../../src/errors.ts';

/*
 * Issue 10, "In the chat", item 5: a failure names its real cause (read from undici's error causes), and one
 * place decides the closing advice, so a message never says "try again later" twice.
 */

/** What undici's fetch throws: TypeError("fetch failed") with the system error as its cause. */
function fetchFailed(code: string, message: string, name = 'Error'): TypeError {
  const cause = Object.assign(new Error(message), { code });
  cause.name = name;
  return new TypeError('fetch failed', { cause });
}

describe('networkFailure', () => {
  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND export.arxiv.org', 'Error', 'unreachable', 'name lookup failed'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN export.arxiv.org', 'Error', 'unreachable', 'name lookup failed'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', 'Error', 'unreachable', 'connection refused'],
    ['ECONNRESET', 'read ECONNRESET', 'Error', 'unreachable', 'connection reset'],
    ['UND_ERR_SOCKET', 'other side closed', 'SocketError', 'unreachable', 'connection closed'],
    [
      'UND_ERR_CONNECT_TIMEOUT',
      'Connect Timeout Error',
      'ConnectTimeoutError',
      'unreachable',
      'connection timed out',
    ],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443', 'Error', 'unreachable', 'connection timed out'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH', 'Error', 'unreachable', 'host unreachable'],
    ['ENETUNREACH', 'connect ENETUNREACH', 'Error', 'unreachable', 'network unreachable'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'Error', 'unreachable', 'TLS certificate not accepted'],
    [
      'UND_ERR_HEADERS_TIMEOUT',
      'Headers Timeout Error',
      'HeadersTimeoutError',
      'timeout',
      'no answer in time',
    ],
  ])('reads %s', (code, message, name, kind, reason) => {
    expect(networkFailure(fetchFailed(code, message, name))).toMatchObject({ kind, reason, code });
  });

  it('keeps the code for the logs', () => {
    expect(networkFailure(fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')).code).toBe(
      'ECONNREFUSED',
    );
  });

  it('reads a timeout of ours, with its length, and an abort', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(networkFailure(timeout, 8000)).toEqual({
      kind: 'timeout',
      reason: 'no answer within 8 s',
      code: null,
    });
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(networkFailure(abort, 1500)).toMatchObject({ kind: 'timeout', reason: 'no answer within 1.5 s' });
  });

  it('finds the code in an AggregateError of several addresses (happy eyeballs)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause: new AggregateError([refused, refused]) });
    expect(networkFailure(error).reason).toBe('connection refused');
  });

  it('falls back to the innermost message for anything else', () => {
    expect(networkFailure(new TypeError('fetch failed', { cause: new Error('bad port') })).reason).toBe(
      'bad port',
    );
  });
});

describe('unreachableMessage', () => {
  it('says which service could not be reached, where, and why', () => {
    const refused = networkFailure(fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED'));
    expect(unreachableMessage('arXiv', 'export.arxiv.org', refused, 2)).toBe(
      'Cannot reach arXiv at export.arxiv.org (connection refused; 2 attempts).',
    );
    const dns = networkFailure(fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND'));
    expect(unreachableMessage('the summary model', 'http://llm:8000/v1', dns, 1)).toBe(
      'Cannot reach the summary model at http://llm:8000/v1 (name lookup failed; 1 attempt).',
    );
    const slow = networkFailure(new DOMException('timeout', 'TimeoutError'), 30_000);
    expect(unreachableMessage('arXiv', 'rss.arxiv.org', slow, 4)).toBe(
      'arXiv at rss.arxiv.org did not answer within 30 s (4 attempts).',
    );
    expect(unreachableMessage('the summary model', 'http://llm/v1', slow)).toBe(
      'The summary model at http://llm/v1 did not answer within 30 s.',
    );
  });
});

describe('problemText: one closing advice', () => {
  const count = (text: string) => text.match(/try again/gi)?.length ?? 0;

  it("answers a user's mistake with its own words", () => {
    expect(problemText(new UserError('USAGE', 'Name the terms to follow.'))).toBe(
      'Name the terms to follow.',
    );
  });

  it("closes a failure outside the user's control with one advice, by whether trying again can help", () => {
    const down = new ExternalError(
      'ARXIV_UNREACHABLE',
      'Cannot reach arXiv at export.arxiv.org (connection refused; 1 attempt).',
      {
        retryable: true,
      },
    );
    expect(problemText(down)).toBe(
      'Cannot reach arXiv at export.arxiv.org (connection refused; 1 attempt). This is not your mistake; try again later.',
    );
    expect(problemText(down, 'react with 📝 again in a few minutes')).toMatch(
      /This is not your mistake; react with 📝 again in a few minutes\.$/,
    );
    const refused = new ExternalError('ARXIV_HTTP', 'arXiv refused the request (HTTP 403 Forbidden).');
    expect(problemText(refused)).toBe(
      'arXiv refused the request (HTTP 403 Forbidden). This is not your mistake; whoever runs the bot can find the details in its log.',
    );
  });

  it('never says "try again" twice, whoever wrote the message', () => {
    for (const message of [
      'The SQLite store /data/state.sqlite stayed locked by another process: database is locked. Try again.',
      'arXiv sent a response that is not a readable feed; nothing from it was used. Try again later.',
      'Slack could not be reached to post; try again in a moment.',
      'Discord could not be reached to post; try again in a moment.',
    ]) {
      for (const retryable of [true, false]) {
        const text = problemText(new ExternalError('STORE_UNAVAILABLE', message, { retryable }));
        expect(count(text), text).toBe(1);
        expect(text).toContain('This is not your mistake');
      }
    }
  });

  it('apologizes for a bug without details', () => {
    expect(problemText(new Error('undefined is not a function'))).toBe(
      'Something went wrong on our side; it has been logged. Try again later.',
    );
  });
});
