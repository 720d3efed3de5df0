/**
 * The REST API's pipeline: `<base>/api/v10/...` (v9 too) matched against a route table, the bot token
 * checked (`Authorization: Bot <token>`, 401 `{code: 0}` otherwise; interaction callbacks and webhook-token
 * routes take no token, as on Discord), injected faults, rate limits, the handler, and Discord's answer
 * shapes (JSON, 204 for nothing, `{code, message, errors?}`). JSON and multipart (`payload_json` and
 * `files[n]`) bodies. Every call is recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordError, Errors } from './errors.ts';
import type { Faults } from './faults.ts';
import type { RateLimits } from './limits.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface RestRequest {
  method: string;
  route: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  headers: IncomingMessage['headers'];
}

/** A handler's answer: a status with a body, or just a body (200), or undefined (204 No Content). */
export class Answer {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    this.status = status;
    this.body = body;
  }
}

export type Handler = (request: RestRequest) => unknown | Promise<unknown>;

export interface Route {
  method: string;
  /** Path template: `/channels/:channel/messages`; literal segments such as `@me` match only themselves. */
  path: string;
  handler: Handler;
  /** False for routes that take no bot token (interaction callbacks, webhook-token routes, GET /gateway). */
  auth?: boolean;
}

export interface RestCall {
  method: string;
  route: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: UploadedFile[];
  status: number;
  code: number | null;
  at: number;
  /** Whether it carried the bot's token. */
  authorized: boolean;
}

export interface RestOptions {
  routes: Route[];
  faults: Faults;
  limits: RateLimits;
  validToken(token: string): boolean;
  latencyMs(): number;
  changed(): void;
}

type CompiledRoute = Route & { name: string; segments: string[] };

const MAJOR_PARAMS = ['channel', 'guild', 'interaction', 'webhook'];

export class Rest {
  readonly calls: RestCall[] = [];
  /** Exceptions thrown inside handlers (bugs in the fake): answered 500, kept here and logged. */
  readonly serverErrors: unknown[] = [];
  readonly #options: RestOptions;
  readonly #routes: CompiledRoute[];

  constructor(options: RestOptions) {
    this.#options = options;
    this.#routes = options.routes.map((r) => ({
      ...r,
      name: `${r.method} ${r.path}`,
      segments: r.path.split('/').filter(Boolean),
    }));
  }

  /** Every route's name (`'POST /channels/:channel/messages'`), as faults and rate-limit options use them. */
  get routeNames(): string[] {
    return this.#routes.map((r) => r.name);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const versioned = /^\/api\/v(9|10)(\/.*)$/.exec(url.pathname);
    const raw = await readBody(request);
    const method = (request.method ?? 'GET').toUpperCase();
    const path = versioned?.[2] ?? url.pathname;
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bot ') ? header.slice(4) : null;
    const authorized = token !== null && this.#options.validToken(token);
    const call: RestCall = {
      method,
      route: '',
      path,
      query: Object.fromEntries(url.searchParams),
      body: null,
      files: [],
      status: 0,
      code: null,
      at: Date.now(),
      authorized,
    };
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      const code = (body as { code?: unknown } | null)?.code;
      call.code = status >= 400 && typeof code === 'number' ? code : null;
      this.calls.push(call);
      const text = body === undefined ? '' : JSON.stringify(body);
      response.writeHead(status, {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        Via: '1.1 google',
        ...headers,
      });
      response.end(text);
      this.#options.changed();
    };
    const fail = (error: DiscordError, headers: Record<string, string> = {}) =>
      send(error.status, error.body, headers);

    if (!versioned) return fail(Errors.notFound());
    const match = this.#match(method, path);
    if (match === 'method') return fail(Errors.methodNotAllowed());
    if (match === null) return fail(Errors.notFound());
    const { route, params } = match;
    call.route = route.name;

    let body: unknown = null;
    let files: UploadedFile[] = [];
    try {
      ({ body, files } = await parseBody(raw, request.headers['content-type'] ?? ''));
    } catch {
      return send(400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    call.body = body;
    call.files = files;

    if (route.auth !== false && !authorized) return fail(Errors.unauthorized());

    const major = majorOf(params);
    const latency = this.#options.latencyMs();
    const fault = this.#options.faults.take(route.name, major, path);
    if (latency > 0) await sleep(latency);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.drop) {
      call.status = -1;
      this.calls.push(call);
      request.socket.destroy();
      this.#options.changed();
      return;
    }
    if (fault && (fault.status !== undefined || fault.retryAfter !== undefined)) {
      const status = fault.status ?? 429;
      if (status === 429) {
        const limited = this.#options.limits.injected(
          route.name,
          major,
          fault.retryAfter ?? 1,
          fault.global ?? false,
          fault.scope ?? 'user',
        );
        return send(429, limited.body, limited.headers);
      }
      return send(status, { message: fault.message ?? defaultMessage(status), code: fault.code ?? 0 });
    }

    const countsGlobally = route.auth !== false;
    const { headers, limited } = this.#options.limits.take(route.name, major, countsGlobally);
    if (limited) return send(429, limited.body, limited.headers);

    try {
      const result = await route.handler({
        method,
        route: route.name,
        path,
        params,
        query: url.searchParams,
        body,
        files,
        headers: request.headers,
      });
      if (result instanceof Answer) send(result.status, result.body, headers);
      else if (result === undefined) send(204, undefined, headers);
      else send(200, result, headers);
    } catch (error) {
      if (error instanceof DiscordError) fail(error, headers);
      else {
        this.serverErrors.push(error);
        console.error('fake Discord: a handler failed', error);
        send(500, { message: '500: Internal Server Error', code: 0 }, headers);
      }
    }
  }

  #match(
    method: string,
    path: string,
  ): { route: CompiledRoute; params: Record<string, string> } | 'method' | null {
    const segments = path.split('/').filter(Boolean).map(decodeSegment);
    let wrongMethod = false;
    for (const route of this.#routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const want = route.segments[i] as string;
        const got = segments[i] as string;
        if (want.startsWith(':')) params[want.slice(1)] = got;
        else if (want !== got) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      // A literal segment (`@me`) beats a parameter: routes with literals are listed first.
      if (route.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { route, params };
    }
    return wrongMethod ? 'method' : null;
  }
}

function majorOf(params: Record<string, string>): string {
  for (const key of MAJOR_PARAMS) {
    const value = params[key];
    if (value !== undefined)
      return key === 'webhook' || key === 'interaction' ? `${value}/${params.token ?? ''}` : value;
  }
  return '';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function defaultMessage(status: number): string {
  return status >= 500 ? `${status}: Internal Server Error` : `${status}: Error`;
}

async function parseBody(
  raw: Buffer,
  contentType: string,
): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let body: unknown = {};
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
