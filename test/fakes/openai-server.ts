import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake OpenAI-compatible endpoint: POST /v1/chat/completions over HTTP on 127.0.0.1, answering in the shapes
 * of OpenAI's API (chat.completion objects with `usage`; errors as {"error": {message, type, param, code}}),
 * so the real `openai` client can be pointed at it. It records every request. By default it answers with a
 * deterministic summary made from the request, so a test can see what the model was sent; queued replies
 * make it fail (429 with retry-after, 5xx, 400 context_length_exceeded), stall, say odd things, or send a
 * huge answer (streamed, never held in memory). POST /v1/embeddings answers too (see embeddingsEndpoint).
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
  /** The embeddings endpoint's limits, OpenAI's by default (see EMBEDDING_LIMITS). */
  embeddingLimits?: Partial<EmbeddingLimits>;
}

export interface FakeOpenAIServer {
  /** The API root to give the client, ending in /v1. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** The most requests that were open at the same time. */
  readonly maxConcurrent: number;
  /** Bytes written of each `huge` answer, in order (final once the connection closed). */
  readonly hugeSent: readonly number[];
  /** Every POST /v1/embeddings, in order (its length is the number of calls). */
  readonly embeddingRequests: RecordedEmbeddingRequest[];
  /**
   * Replies for the next embeddings requests, in order; then embeddings. 'summary' and 'content' mean
   * embeddings; the faults ('rate-limit', 'server-error', 'slow', 'huge') are those of chat completions.
   */
  enqueueEmbeddings(...replies: FakeReply[]): void;
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
  const embeddings = embeddingsEndpoint(options, (res, answer) =>
    reply(res, { ...EMBEDDINGS_AS_CHAT, receivedAt: Date.now() }, answer),
  );

  const server = createServer((req, res) => {
    open++;
    maxConcurrent = Math.max(maxConcurrent, open);
    res.on('close', () => {
      open--;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/embeddings') {
        embeddings.handle(req.headers, Buffer.concat(chunks), res);
        return;
      }
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
    embeddingRequests: embeddings.requests,
    enqueueEmbeddings: (...replies) => {
      embeddings.queue.push(...replies);
    },
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

/*
 * POST /v1/embeddings in OpenAI's shape: `input` a string or a list of strings, `encoding_format` "float" (a
 * list of numbers) or "base64" (little-endian float32 bytes, which the `openai` package asks for by default),
 * `dimensions` optional. The vectors are deterministic and carry meaning: each word of 3 letters or more,
 * outside a short stop list, has a fixed random ±1 direction (seeded by a hash of the word), and a text's
 * vector is the sum of its words' directions weighted 1 + ln(count), unit length. Texts sharing words get
 * close vectors, as they would from a model. Limits are OpenAI's unless the options lower them, with its 400s.
 */

export interface EmbeddingLimits {
  /** Inputs per request (OpenAI: 2048). */
  maxInputs: number;
  /** Estimated tokens of one input (OpenAI: 8192 for text-embedding-3-*). */
  maxInputTokens: number;
  /** Estimated tokens of all inputs of a request (OpenAI: 300 000). */
  maxRequestTokens: number;
  /** The vector length when the request does not ask for one; 256 here to keep the fake fast (OpenAI: 1536). */
  dimensions: number;
}

export const EMBEDDING_LIMITS: EmbeddingLimits = {
  maxInputs: 2048,
  maxInputTokens: 8192,
  maxRequestTokens: 300_000,
  dimensions: 256,
};

export interface RecordedEmbeddingRequest {
  model: string;
  inputs: string[];
  encodingFormat: 'float' | 'base64';
  dimensions: number | null;
  headers: IncomingHttpHeaders;
  /** Estimated tokens (characters / 4, at least 1 per input), as reported in `usage`. */
  promptTokens: number;
  /** The HTTP status answered. */
  status: number;
}

/** Stands for an embeddings request where a chat fault reply needs a request (only `model` is read). */
const EMBEDDINGS_AS_CHAT: Omit<RecordedRequest, 'receivedAt'> = {
  model: 'text-embedding',
  messages: [],
  maxTokens: null,
  headers: {},
  promptTokens: 0,
  answered: false,
};

const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

function embeddingsEndpoint(
  options: FakeOpenAIOptions,
  fault: (res: ServerResponse, answer: FakeReply) => void,
): {
  requests: RecordedEmbeddingRequest[];
  queue: FakeReply[];
  handle(headers: IncomingHttpHeaders, body: Buffer, res: ServerResponse): void;
} {
  const limits = { ...EMBEDDING_LIMITS, ...options.embeddingLimits };
  const requests: RecordedEmbeddingRequest[] = [];
  const queue: FakeReply[] = [];
  const words = new Map<string, Float32Array>();

  const answer = (res: ServerResponse, request: RecordedEmbeddingRequest, reply: FakeReply): void => {
    if (reply.type === 'slow') {
      const timer = setTimeout(() => answer(res, request, reply.then ?? { type: 'summary' }), reply.delayMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (reply.type !== 'summary' && reply.type !== 'content') {
      fault(res, reply);
      return;
    }
    const dimensions = request.dimensions ?? limits.dimensions;
    const data = request.inputs.map((input, index) => {
      const vector = fakeEmbedding(input, dimensions, words);
      return {
        object: 'embedding',
        index,
        embedding:
          request.encodingFormat === 'base64'
            ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
            : Array.from(vector),
      };
    });
    send(res, 200, {
      object: 'list',
      data,
      model: request.model,
      usage: { prompt_tokens: request.promptTokens, total_tokens: request.promptTokens },
    });
  };

  const invalid = (
    res: ServerResponse,
    request: RecordedEmbeddingRequest | null,
    message: string,
    code?: string,
  ) => {
    if (request) request.status = 400;
    sendError(res, 400, { message, type: 'invalid_request_error', ...(code ? { code } : {}) });
  };

  return {
    requests,
    queue,
    handle(headers, raw, res) {
      if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
        sendError(res, 401, {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        });
        return;
      }
      let body: { model?: unknown; input?: unknown; encoding_format?: unknown; dimensions?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        invalid(res, null, 'We could not parse the JSON body of your request.');
        return;
      }
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));
      const request: RecordedEmbeddingRequest = {
        model: String(body.model),
        inputs: Array.isArray(inputs) ? inputs.map(String) : [],
        encodingFormat: body.encoding_format === 'base64' ? 'base64' : 'float',
        dimensions: typeof body.dimensions === 'number' ? body.dimensions : null,
        headers,
        promptTokens: 0,
        status: 200,
      };
      request.promptTokens = request.inputs.reduce((sum, input) => sum + tokens(input), 0);
      requests.push(request);
      if (
        !Array.isArray(inputs) ||
        inputs.length === 0 ||
        inputs.length > limits.maxInputs ||
        inputs.some((input) => typeof input !== 'string' || input === '')
      ) {
        invalid(res, request, INVALID_INPUT);
        return;
      }
      if (
        body.encoding_format !== undefined &&
        body.encoding_format !== 'float' &&
        body.encoding_format !== 'base64'
      ) {
        invalid(
          res,
          request,
          `'${String(body.encoding_format)}' is not one of ['float', 'base64'] - 'encoding_format'`,
        );
        return;
      }
      const longest = Math.max(...request.inputs.map(tokens));
      if (longest > limits.maxInputTokens) {
        invalid(
          res,
          request,
          `This model's maximum context length is ${limits.maxInputTokens} tokens, however you requested ${longest} tokens (${longest} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        );
        return;
      }
      if (request.promptTokens > limits.maxRequestTokens) {
        invalid(
          res,
          request,
          `Requested ${request.promptTokens} tokens, max ${limits.maxRequestTokens} tokens per request`,
          'max_tokens_per_request',
        );
        return;
      }
      res.on('finish', () => {
        request.status = res.statusCode;
      });
      answer(res, request, queue.shift() ?? { type: 'summary' });
    },
  };
}

const STOP_WORDS = new Set(
  'the and for with that this from are was were which these those their our its has have been can also not but via than then such into over under using based show shows paper propose proposed approach method methods results new two one'.split(
    ' ',
  ),
);

/** A text's fake embedding: see the comment above EmbeddingLimits. */
function fakeEmbedding(text: string, dimensions: number, cache: Map<string, Float32Array>): Float32Array {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word.length >= 3 && !STOP_WORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  if (counts.size === 0) counts.set(text, 1);
  const vector = new Float32Array(dimensions);
  for (const [word, count] of counts) {
    const key = `${dimensions}:${word}`;
    let direction = cache.get(key);
    if (!direction) {
      direction = wordDirection(word, dimensions);
      cache.set(key, direction);
    }
    const weight = 1 + Math.log(count);
    for (let i = 0; i < dimensions; i++)
      vector[i] = (vector[i] as number) + weight * (direction[i] as number);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}

/** A fixed ±1 vector per word: 32 signs from each draw of a PRNG seeded by the word's FNV-1a hash. */
function wordDirection(word: string, dimensions: number): Float32Array {
  let seed = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) seed = Math.imul(seed ^ word.charCodeAt(i), 0x01000193);
  const direction = new Float32Array(dimensions);
  let bits = 0;
  for (let i = 0; i < dimensions; i++) {
    if (i % 32 === 0) {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      bits = (t ^ (t >>> 14)) >>> 0;
    }
    direction[i] = (bits >>> (i % 32)) & 1 ? 1 : -1;
  }
  return direction;
}
