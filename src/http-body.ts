import { ExternalError, type ExternalErrorCode } from './errors.ts';

/*
 * Bodies of remote answers, read with a size limit. A server that sends more than a body of its kind can be
 * (a listing of a gigabyte, an endless model answer) is cut off at the limit instead of being held in memory
 * whole: a Content-Length above the limit is refused before a byte is read, and a body without one (or one
 * that lies) is read as a stream and cancelled as soon as it passes the limit. Never more than the limit is
 * kept. The error names the limit and the configuration key that raises it, and is not retryable: the same
 * answer would be too large again.
 */

/** What a body is, for the error when it is too large. */
export interface BodyLimit {
  /** The most bytes read (after any content decoding). */
  maxBytes: number;
  /** The configuration key that sets `maxBytes`, named in the error: `arxiv.max_listing_bytes`. */
  key: string;
  /** The body as the start of a sentence: `arXiv's listing`, `The summary model's answer`. */
  what: string;
  /** What else to check, as a sentence fragment: `check arxiv.rss_url`. */
  check: string;
  code: ExternalErrorCode;
}

/** A remote answer larger than its limit. */
export class ResponseTooLargeError extends ExternalError {
  readonly maxBytes: number;
  readonly key: string;
  /** The Content-Length that announced the size, or null when the body was cut while reading. */
  readonly declaredBytes: number | null;

  constructor(limit: BodyLimit, declaredBytes: number | null, url: string | null) {
    const refused =
      declaredBytes === null
        ? 'the bot stopped reading it'
        : `it announced ${formatBytes(declaredBytes)}, so the bot did not read it`;
    super(
      limit.code,
      `${limit.what} was larger than ${formatBytes(limit.maxBytes)} (${limit.key}); ${refused}. Raise ${limit.key} if answers this large are expected, or ${limit.check}.`,
      {
        retryable: false,
        detail: `${
          declaredBytes === null
            ? `cut after ${limit.maxBytes} bytes`
            : `Content-Length ${declaredBytes} > ${limit.maxBytes}`
        }${url ? `: ${url}` : ''}`,
      },
    );
    this.maxBytes = limit.maxBytes;
    this.key = limit.key;
    this.declaredBytes = declaredBytes;
  }
}

/** `50 MB`, `2.5 MB`, `65.5 kB`, `300 bytes` (decimal units, as the README's defaults are written). */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

/** The Content-Length header as a number, or null when there is none or it is not a number. */
export function declaredLength(headers: Headers): number | null {
  const value = headers.get('content-length');
  if (value === null || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/**
 * The whole body of `response`, at most `limit.maxBytes` of it; throws ResponseTooLargeError (after cancelling
 * the body, which closes the connection) when the Content-Length or the bytes read pass the limit. Errors of
 * the stream itself (a timeout, a reset) are thrown as they come.
 */
export async function readLimited(response: Response, limit: BodyLimit): Promise<Buffer> {
  const url = response.url || null;
  const declared = declaredLength(response.headers);
  const body = response.body;
  if (declared !== null && declared > limit.maxBytes) {
    cancelQuietly(body);
    throw new ResponseTooLargeError(limit, declared, url);
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit.maxBytes) {
      chunks.length = 0;
      reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(limit, null, url);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The same response with its body limited: reading it (json(), text(), a reader) fails with
 * ResponseTooLargeError once more than `limit.maxBytes` arrived, or at once when the Content-Length says so
 * (the original body is then cancelled without being read). For clients that read the body themselves, such
 * as the `openai` package through its `fetch` option.
 */
export function limitResponse(response: Response, limit: BodyLimit): Response {
  const source = response.body;
  if (!source || NULL_BODY_STATUSES.has(response.status)) return response;
  const url = response.url || null;
  const declared = declaredLength(response.headers);
  const refused = declared !== null && declared > limit.maxBytes;
  if (refused) cancelQuietly(source);
  const reader = refused ? null : source.getReader();
  let total = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!reader) {
          controller.error(new ResponseTooLargeError(limit, declared, url));
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        total += value.byteLength;
        if (total > limit.maxBytes) {
          reader.cancel().catch(() => {});
          controller.error(new ResponseTooLargeError(limit, null, url));
          return;
        }
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const limited = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // A constructed Response has no URL; clients log it.
  Object.defineProperty(limited, 'url', { value: response.url });
  return limited;
}

function cancelQuietly(body: ReadableStream<Uint8Array> | null): void {
  body?.cancel().catch(() => {});
}
