import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake OpenAI-compatible endpoint: POST /v1/chat/completions over HTTP on 127.0.0.1, answering in the shapes
 * of OpenAI's API (chat.completion objects with `usage`; errors as {"error": {message, type, param, code}}),
 * so the real `openai` client can be pointed at it. It records every request. By default it answers with a
 * deterministic summary made from the request, so a test can see what the model was sent; queued replies
 * make it fail (429 with retry-after, 5xx, 400 context_length_exceeded), stall, say odd things, or send a
 * huge answer (streamed, never held in memory).
 */

export type FakeReply =
  /** The default: a summary built from the request (see `fakeSummary`). */
  | { type: 'summary' }
  /** This exact content, e.g. mentions, HTML, a huge or an empty answer. */
  | { type: 'content'; content: string }
  /**
   * 429 rate_limit_exceeded, with a retry-after header when given (seconds, or an HTTP date) and OpenAI's
   * retry-after-ms when `retryAfterMs` is given.
   */
  | { type: 'rate-limit'; retryAfter?: string; retryAfterMs?: number }
  /** A server error (500 by default), with retry-after headers as for 'rate-limit'. */
  | { type: 'server-error'; status?: number; retryAfter?: string; retryAfterMs?: number }
  /** 400 with code context_length_exceeded, worded as OpenAI does. */
  | { type: 'context-length' }
  /** Waits, then gives `then` (a summary by default); a client that gives up first gets nothing. */
  | { type: 'slow'; delayMs: number; then?: FakeReply }
  /**
   * A chat.completion of exactly `bytes` bytes (its content a run of "a"), streamed in 64 kB pieces; with a
   * Content-Length when `contentLength` is true. Stops when the client hangs up (see `hugeSent`).
   */
  | { type: 'huge'; bytes: number; contentLength?: boolean };

export interface RecordedRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  maxTokens: number | null;
  headers: IncomingHttpHeaders;
  /** The estimated prompt tokens (characters / 4), as reported in `usage`. */
  promptTokens: number;
  /** When the request arrived (Date.now()). */
  receivedAt: number;
  /** Whether the response has been sent (a slow reply may not have been yet). */
  answered: boolean;
}

export interface FakeOpenAIOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401 invalid_api_key. */
  apiKey?: string;
  /** When set, a request whose estimated prompt tokens exceed it gets 400 context_length_exceeded. */
  contextWindow?: number;
}

export interface FakeOpenAIServer {
  /** The API root to give the client, ending in /v1. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** The most requests that were open at the same time. */
  readonly maxConcurrent: number;
  /** Bytes written of each `huge` answer, in order (final once the connection closed). */
  readonly hugeSent: readonly number[];
  /** Replies for the next requests, in order; then the default reply. */
  enqueue(...replies: FakeReply[]): void;
  /** The reply once the queue is empty ({type: 'summary'} to start with). */
  setDefault(reply: FakeReply): void;
  close(): Promise<void>;
}

export async function startFakeOpenAIServer(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let fallback: FakeReply = { type: 'summary' };
  let completionCount = 0;
  let open = 0;
  let maxConcurrent = 0;
  const hugeSent: number[] = [];

  const server = createServer((req, res) => {
    open++;
    maxConcurrent = Math.max(maxConcurrent, open);
    res.on('close', () => {
      open--;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        sendError(res, 404, {
          message: `Unknown request URL: ${req.method} ${req.url}`,
          type: 'invalid_request_error',
        });
        return;
      }
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        sendError(res, 401, {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        });
        return;
      }
      let body: { model?: unknown; messages?: unknown; max_tokens?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendError(res, 400, {
          message: 'We could not parse the JSON body of your request.',
          type: 'invalid_request_error',
        });
        return;
      }
      const messages = Array.isArray(body.messages)
        ? body.messages.map((m: { role?: unknown; content?: unknown }) => ({
            role: String(m.role),
            content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
          }))
        : [];
      const request: RecordedRequest = {
        model: String(body.model),
        messages,
        maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : null,
        headers: req.headers,
        promptTokens: Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4),
        receivedAt: Date.now(),
        answered: false,
      };
      res.on('finish', () => {
        request.answered = true;
      });
      requests.push(request);
      const tooLong = options.contextWindow !== undefined && request.promptTokens > options.contextWindow;
      reply(res, request, tooLong ? { type: 'context-length' } : (queue.shift() ?? fallback));
    });
  });

  const reply = (res: ServerResponse, request: RecordedRequest, answer: FakeReply): void => {
    switch (answer.type) {
      case 'summary':
        sendCompletion(res, request, fakeSummary(request), ++completionCount);
        return;
      case 'content':
        sendCompletion(res, request, answer.content, ++completionCount);
        return;
      case 'rate-limit':
        sendError(
          res,
          429,
          {
            message: `Rate limit reached for ${request.model} on requests per min (RPM): Limit 3, Used 3, Requested 1.`,
            type: 'requests',
            code: 'rate_limit_exceeded',
          },
          retryHeaders(answer),
        );
        return;
      case 'server-error':
        sendError(
          res,
          answer.status ?? 500,
          {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
          },
          retryHeaders(answer),
        );
        return;
      case 'context-length':
        sendError(res, 400, {
          message: `This model's maximum context length is ${options.contextWindow ?? 8192} tokens. However, your messages resulted in ${request.promptTokens} tokens. Please reduce the length of the messages.`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        });
        return;
      case 'huge': {
        const index = hugeSent.push(0) - 1;
        streamHugeCompletion(res, request, answer.bytes, answer.contentLength ?? false, (sent) => {
          hugeSent[index] = sent;
        });
        return;
      }
      case 'slow': {
        const timer = setTimeout(
          () => reply(res, request, answer.then ?? { type: 'summary' }),
          answer.delayMs,
        );
        res.on('close', () => clearTimeout(timer));
        return;
      }
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    hugeSent,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The default answer, made from the request: a TL;DR request (its system prompt says "TL;DR") gets one sentence
 * naming the title and quoting the abstract's first sentence; any other gets the four-part structure quoting
 * the first words of each section it was sent. Both end with a hash of the user message.
 */
function fakeSummary(request: RecordedRequest): string {
  const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
  const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
  const title = /^Title: (.*)$/m.exec(user)?.[1] ?? 'an untitled paper';
  const digest = createHash('sha256').update(user).digest('hex').slice(0, 8);
  const sections = user.split(/^## /m).slice(1);
  const abstract = sections.find((s) => s.startsWith('Abstract'))?.split('\n')[1] ?? '';
  if (system.includes('TL;DR')) {
    return `TL;DR: ${title} - ${abstract.split(/(?<=\.)\s/)[0] ?? ''} [input ${digest}]`;
  }
  const quotes = sections.map((s) => {
    const [heading = '', ...text] = s.split('\n');
    return `- ${heading}: ${text.join(' ').slice(0, 80)}`;
  });
  return [
    '## Contributions',
    `${title}.`,
    '## Method and setup',
    ...quotes,
    '## Results',
    `The input had ${sections.length} sections.`,
    '## Conclusions',
    `[input ${digest}]`,
  ].join('\n');
}

function retryHeaders(answer: { retryAfter?: string; retryAfterMs?: number }): Record<string, string> {
  return {
    ...(answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }),
    ...(answer.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(answer.retryAfterMs) }),
  };
}

function sendCompletion(res: ServerResponse, request: RecordedRequest, content: string, n: number): void {
  const completionTokens = Math.ceil(content.length / 4);
  send(res, 200, {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion',
    created: 1_700_000_000 + n,
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: request.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: request.promptTokens + completionTokens,
    },
  });
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; param?: string; code?: string },
  headers: Record<string, string> = {},
): void {
  send(res, status, { error: { param: null, code: null, ...error } }, headers);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A valid chat.completion of exactly `bytes` bytes, written as the socket drains; see FakeReply 'huge'. */
function streamHugeCompletion(
  res: ServerResponse,
  request: RecordedRequest,
  bytes: number,
  contentLength: boolean,
  onSent: (sent: number) => void,
): void {
  const head = Buffer.from(
    `{"id":"chatcmpl-huge","object":"chat.completion","created":0,"model":${JSON.stringify(request.model)},"choices":[{"index":0,"message":{"role":"assistant","content":"`,
  );
  const tail = Buffer.from('"},"finish_reason":"stop"}]}');
  const fill = Math.max(0, bytes - head.length - tail.length);
  const total = head.length + fill + tail.length;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (contentLength) headers['content-length'] = String(total);
  res.writeHead(200, headers);
  const piece = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  let filled = 0;
  const write = (): void => {
    if (sent === 0) {
      sent += head.length;
      onSent(sent);
      if (!res.write(head)) {
        res.once('drain', write);
        return;
      }
    }
    while (filled < fill && !res.destroyed) {
      const chunk = piece.subarray(0, Math.min(piece.length, fill - filled));
      filled += chunk.length;
      sent += chunk.length;
      onSent(sent);
      if (!res.write(chunk)) {
        res.once('drain', write);
        return;
      }
    }
    if (filled >= fill && !res.destroyed) {
      sent += tail.length;
      onSent(sent);
      res.end(tail);
    }
  };
  write();
}
