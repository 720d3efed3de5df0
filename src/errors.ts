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
