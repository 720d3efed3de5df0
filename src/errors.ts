/**
 * The error taxonomy. Two kinds of failure reach people, and they are different classes:
 *
 * - UserError: something the person must change (a config value, a command's arguments, an input file).
 *   The CLI exits 2; a chat command answers with `userMessage`.
 * - ExternalError: something outside our control failed (arXiv, the LLM endpoint, the network, the store).
 *   The CLI exits 1; a chat command says what failed and that it is not the user's fault.
 *
 * Anything else thrown is a bug: it is logged with its stack and answered with a generic apology.
 * Every AppError carries a stable `code` (for logs, metrics and tests) and a `userMessage` that is safe to show.
 */
export type UserErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'USAGE'
  | 'QUERY_INVALID'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'PERMISSION_DENIED'
  | 'LIMIT_EXCEEDED';

export type ExternalErrorCode =
  | 'ARXIV_UNREACHABLE'
  | 'ARXIV_HTTP'
  | 'ARXIV_API_ERROR'
  | 'ARXIV_FEED_ERROR'
  | 'ARXIV_MALFORMED'
  | 'LLM_UNAVAILABLE'
  | 'LLM_HTTP'
  | 'STORE_UNAVAILABLE'
  | 'PLATFORM_HTTP';

export type ErrorCode = UserErrorCode | ExternalErrorCode;

export abstract class AppError extends Error {
  abstract readonly kind: 'user' | 'external';
  readonly code: ErrorCode;
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ? `${userMessage} (${options.detail})` : userMessage, { cause: options?.cause });
    this.code = code;
    this.userMessage = userMessage;
  }
}

export class UserError extends AppError {
  readonly kind = 'user';
  override readonly name = 'UserError';

  constructor(code: UserErrorCode, userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(code, userMessage, options);
  }
}

export class ExternalError extends AppError {
  readonly kind = 'external';
  override readonly name = 'ExternalError';
  /** Whether trying again later may succeed (a timeout, a 503) as opposed to a definite answer (a 400). */
  readonly retryable: boolean;

  constructor(
    code: ExternalErrorCode,
    userMessage: string,
    options?: { cause?: unknown; detail?: string; retryable?: boolean },
  ) {
    super(code, userMessage, options);
    this.retryable = options?.retryable ?? false;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

// ---------------------------------------------------------------------------------------------------------
// Why a request got no answer, and what a person is told about a failure.
// ---------------------------------------------------------------------------------------------------------

/** Why a request to a service (arXiv, the model endpoint) got no answer. */
export interface NetworkFailure {
  /** `timeout`: the service was reached but too slow; `unreachable`: no connection, or it broke. */
  kind: 'timeout' | 'unreachable';
  /** In words, for a person: `name lookup failed`, `connection refused`, `no answer within 30 s`. */
  reason: string;
  /** The system's or undici's code (ENOTFOUND, UND_ERR_CONNECT_TIMEOUT), for logs; null when there is none. */
  code: string | null;
}

/** The codes of Node's sockets and undici, in words. */
const NETWORK_CODES: Record<string, Omit<NetworkFailure, 'code'>> = {
  ENOTFOUND: { kind: 'unreachable', reason: 'name lookup failed' },
  EAI_AGAIN: { kind: 'unreachable', reason: 'name lookup failed' },
  EAI_NONAME: { kind: 'unreachable', reason: 'name lookup failed' },
  ECONNREFUSED: { kind: 'unreachable', reason: 'connection refused' },
  ECONNRESET: { kind: 'unreachable', reason: 'connection reset' },
  EPIPE: { kind: 'unreachable', reason: 'connection reset' },
  UND_ERR_SOCKET: { kind: 'unreachable', reason: 'connection closed' },
  UND_ERR_CLOSED: { kind: 'unreachable', reason: 'connection closed' },
  ETIMEDOUT: { kind: 'unreachable', reason: 'connection timed out' },
  UND_ERR_CONNECT_TIMEOUT: { kind: 'unreachable', reason: 'connection timed out' },
  EHOSTUNREACH: { kind: 'unreachable', reason: 'host unreachable' },
  ENETUNREACH: { kind: 'unreachable', reason: 'network unreachable' },
  UND_ERR_HEADERS_TIMEOUT: { kind: 'timeout', reason: 'no answer in time' },
  UND_ERR_BODY_TIMEOUT: { kind: 'timeout', reason: 'no answer in time' },
};

const TLS_CODE = /^(?:CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|ERR_SSL_)/;

/** The errors an error was caused by, itself first: `cause` chains and an AggregateError's `errors`. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const visit = (current: unknown) => {
    if (current === undefined || current === null || chain.includes(current) || chain.length > 10) return;
    chain.push(current);
    if (current instanceof AggregateError) for (const inner of current.errors) visit(inner);
    if (current instanceof Error) visit(current.cause);
  };
  visit(error);
  return chain;
}

/** `0.15 s`, `30 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Why a request failed, from what fetch (undici) or the `openai` client threw: the first code of the cause
 * chain that says (ENOTFOUND, ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT...), or an abort by a timeout of ours,
 * whose length `timeoutMs` gives. Anything else keeps the innermost message (`bad port`).
 */
export function networkFailure(error: unknown, timeoutMs?: number): NetworkFailure {
  const chain = causeChain(error);
  for (const link of chain) {
    const code = (link as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    const known = NETWORK_CODES[code];
    if (known) return { ...known, code };
    if (TLS_CODE.test(code)) return { kind: 'unreachable', reason: 'TLS certificate not accepted', code };
  }
  if (
    chain.some(
      (link) => link instanceof Error && (link.name === 'TimeoutError' || link.name === 'AbortError'),
    )
  ) {
    const reason =
      timeoutMs === undefined ? 'no answer in time' : `no answer within ${formatSeconds(timeoutMs)}`;
    return { kind: 'timeout', reason, code: null };
  }
  const innermost = chain.at(-1);
  const code = chain.map((link) => (link as { code?: unknown }).code).find((c) => typeof c === 'string');
  return {
    kind: 'unreachable',
    reason: innermost instanceof Error ? innermost.message : String(innermost),
    code: typeof code === 'string' ? code : null,
  };
}

function attemptCount(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

/**
 * One sentence on a service that gave no answer: `Cannot reach arXiv at export.arxiv.org (connection
 * refused; 2 attempts).`, `The summary model at http://llm/v1 did not answer within 30 s (1 attempt).`
 * `service` is written as inside a sentence (`arXiv`, `the summary model`).
 */
export function unreachableMessage(
  service: string,
  where: string,
  failure: NetworkFailure,
  attempts?: number,
): string {
  const tries = attempts === undefined ? '' : attemptCount(attempts);
  if (failure.kind === 'timeout') {
    const subject = service.startsWith('the ') ? `The ${service.slice(4)}` : service;
    const within = failure.reason.replace(/^no answer /, '');
    return `${subject} at ${where} did not answer ${within}${tries ? ` (${tries})` : ''}.`;
  }
  return `Cannot reach ${service} at ${where} (${failure.reason}${tries ? `; ${tries}` : ''}).`;
}

/** Text that already tells the reader to try again (written before this rule, or by an adapter). */
const ADVISES_AGAIN = /\btry (?:it )?again\b/i;

/**
 * What a person is told about a failure, with the closing advice, decided here and nowhere else. An
 * ExternalError's `userMessage` says what failed (and what whoever runs the bot should check); it does not
 * tell the reader to try again. Its closing advice is added here, by whether trying again can help:
 * `again` (`try again later`; a reaction says `react with 📝 again in a few minutes`) when it is retryable,
 * where the details are when it is not. A message that already tells the reader to try again (from code
 * that predates this rule) gets no second advice. A user's mistake is answered with its own words; a bug
 * with an apology and no details.
 */
export function problemText(error: unknown, again = 'try again later'): string {
  if (!isAppError(error)) {
    return `Something went wrong on our side; it has been logged. ${again[0]?.toUpperCase() ?? ''}${again.slice(1)}.`;
  }
  if (error.kind === 'user') return error.userMessage;
  return `${error.userMessage} ${closingAdvice(error.userMessage, error instanceof ExternalError && error.retryable, again)}`;
}

/** The closing advice after `message`, a failure outside the reader's control; see problemText. */
export function closingAdvice(message: string, retryable: boolean, again = 'try again later'): string {
  if (ADVISES_AGAIN.test(message)) return 'This is not your mistake.';
  return retryable
    ? `This is not your mistake; ${again}.`
    : 'This is not your mistake; whoever runs the bot can find the details in its log.';
}
