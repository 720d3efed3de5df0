import { describe, expect, it } from 'vitest';
import { arxivClientOptions, DEFAULT_BODY_LIMITS } from '../../../src/arxiv/client.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { configSchema } from '../../../src/config/schema.ts';
import {
  type BodyLimit,
  declaredLength,
  formatBytes,
  limitResponse,
  ResponseTooLargeError,
  readLimited,
} from '../../../src/http-body.ts';

/*
 * Issue 11, item 3: what a server sends is read with a size limit. The reader on its own, on bodies made in
 * this process: cut at the limit, refused unread on a Content-Length above it, never holding more.
 */

const LIMIT: BodyLimit = {
  maxBytes: 1000,
  key: 'arxiv.max_listing_bytes',
  what: "arXiv's listing",
  check: 'check arxiv.rss_url',
  code: 'ARXIV_HTTP',
};

/** A body of `total` bytes in `chunk`-byte pieces, counting how many pieces were pulled and whether it was cancelled. */
function streamed(total: number, chunk = 100) {
  const state = { pulled: 0, cancelled: false };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) {
          controller.close();
          return;
        }
        const size = Math.min(chunk, total - sent);
        sent += size;
        state.pulled++;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

function response(body: ReadableStream<Uint8Array> | string | null, headers: Record<string, string> = {}) {
  return new Response(body, { status: 200, headers });
}

async function thrown(promise: Promise<unknown>): Promise<ResponseTooLargeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ResponseTooLargeError);
  return error as ResponseTooLargeError;
}

describe('readLimited', () => {
  it('reads a body up to the limit whole', async () => {
    expect((await readLimited(response('x'.repeat(1000)), LIMIT)).length).toBe(1000);
    const { body } = streamed(1000);
    expect((await readLimited(response(body), LIMIT)).toString()).toBe('a'.repeat(1000));
    expect((await readLimited(new Response(null, { status: 204 }), LIMIT)).length).toBe(0);
  });

  it('cuts a streamed body one byte over the limit, cancels it and reads no further', async () => {
    const { body, state } = streamed(1_000_000);
    const error = await thrown(readLimited(response(body), LIMIT));
    expect(state.cancelled).toBe(true);
    // 1000 bytes fit in 10 pieces; the 11th passes the limit; nothing after it is asked for.
    expect(state.pulled).toBe(11);
    expect(error).toMatchObject({
      code: 'ARXIV_HTTP',
      retryable: false,
      maxBytes: 1000,
      key: 'arxiv.max_listing_bytes',
      declaredBytes: null,
    });
    expect(error.userMessage).toBe(
      "arXiv's listing was larger than 1 kB (arxiv.max_listing_bytes); the bot stopped reading it. Raise arxiv.max_listing_bytes if answers this large are expected, or check arxiv.rss_url.",
    );
    const one = streamed(1001, 1001);
    await thrown(readLimited(response(one.body), LIMIT));
  });

  it('refuses a Content-Length above the limit before reading a byte', async () => {
    const { body, state } = streamed(5000);
    const error = await thrown(readLimited(response(body, { 'content-length': '5000' }), LIMIT));
    expect(state.pulled).toBe(0);
    expect(state.cancelled).toBe(true);
    expect(error.declaredBytes).toBe(5000);
    expect(error.userMessage).toBe(
      "arXiv's listing was larger than 1 kB (arxiv.max_listing_bytes); it announced 5 kB, so the bot did not read it. Raise arxiv.max_listing_bytes if answers this large are expected, or check arxiv.rss_url.",
    );
  });

  it('does not trust a small Content-Length: the bytes are counted', async () => {
    const { body } = streamed(5000);
    const error = await thrown(readLimited(response(body, { 'content-length': '10' }), LIMIT));
    expect(error.declaredBytes).toBeNull();
  });
});

describe('limitResponse (for clients that read the body themselves)', () => {
  it('passes a body within the limit through, status and headers kept', async () => {
    const limited = limitResponse(
      new Response('{"ok":true}', { status: 201, headers: { 'x-request-id': 'r1' } }),
      LIMIT,
    );
    expect(limited.status).toBe(201);
    expect(limited.headers.get('x-request-id')).toBe('r1');
    expect(await limited.json()).toEqual({ ok: true });
  });

  it('fails json() and text() with the error once the body passes the limit, and cancels the source', async () => {
    const { body, state } = streamed(1_000_000);
    const error = await thrown(limitResponse(response(body), LIMIT).json());
    expect(error.declaredBytes).toBeNull();
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(11);
    const again = streamed(1_000_000);
    await thrown(limitResponse(response(again.body), LIMIT).text());
  });

  it('fails at once on a Content-Length above the limit, reading nothing', async () => {
    const { body, state } = streamed(5000);
    const error = await thrown(limitResponse(response(body, { 'content-length': '5000' }), LIMIT).text());
    expect(error.declaredBytes).toBe(5000);
    expect(state.pulled).toBe(0);
    expect(state.cancelled).toBe(true);
  });
});

describe('sizes in words', () => {
  it('formats bytes in decimal units', () => {
    expect(formatBytes(50_000_000)).toBe('50 MB');
    expect(formatBytes(2_500_000)).toBe('2.5 MB');
    expect(formatBytes(1_000_000_000)).toBe('1 GB');
    expect(formatBytes(65_536)).toBe('65.5 kB');
    expect(formatBytes(300)).toBe('300 bytes');
  });

  it('reads a Content-Length only when it is a number', () => {
    expect(declaredLength(new Headers({ 'content-length': '42' }))).toBe(42);
    expect(declaredLength(new Headers({ 'content-length': 'lots' }))).toBeNull();
    expect(declaredLength(new Headers())).toBeNull();
  });
});

describe('the configuration keys', () => {
  it('default to limits well above real answers, and reach the arXiv client', () => {
    const config = configSchema.parse({});
    expect(config.arxiv).toMatchObject({
      max_listing_bytes: 50_000_000,
      max_api_bytes: 20_000_000,
      max_html_bytes: 20_000_000,
      max_pdf_bytes: 50_000_000,
    });
    expect(config.ai_summary.max_response_bytes).toBe(4_000_000);
    expect(arxivClientOptions(config.arxiv, '1.0.0')).toMatchObject({
      maxListingBytes: DEFAULT_BODY_LIMITS.listing,
      maxApiBytes: DEFAULT_BODY_LIMITS.api,
      maxHtmlBytes: DEFAULT_BODY_LIMITS.html,
      maxPdfBytes: DEFAULT_BODY_LIMITS.pdf,
    });
    const custom = configSchema.parse({ arxiv: { max_listing_bytes: 10_000_000, max_pdf_bytes: 123_456 } });
    expect(arxivClientOptions(custom.arxiv, '1.0.0')).toMatchObject({
      maxListingBytes: 10_000_000,
      maxPdfBytes: 123_456,
    });
  });

  it('refuse limits that are not whole numbers of bytes from 10 kB to 500 MB', () => {
    for (const value of [0, 9_999, 500_000_001, 1.5, '50MB']) {
      const { config, issues } = validateConfig({ arxiv: { max_listing_bytes: value } });
      expect(config).toBeNull();
      expect(issues.join('\n')).toContain('arxiv.max_listing_bytes');
    }
    const { issues } = validateConfig({ ai_summary: { max_response_bytes: 1_000_000_000 } });
    expect(issues.join('\n')).toContain('a whole number from 10000 to 500000000');
  });
});
