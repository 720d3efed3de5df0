import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../arxiv/retry.ts';
import {
  ExternalError,
  formatSeconds,
  type NetworkFailure,
  networkFailure,
  unreachableMessage,
} from '../errors.ts';
import { type BodyLimit, limitResponse } from '../http-body.ts';
import type { Logger } from '../log.ts';
import { estimateTokens } from './budget.ts';

/*
 * One chat completion against an OpenAI-compatible endpoint, through the `openai` package with its own retries
 * turned off: this loop retries 429, 408, 409, 5xx, timeouts and connection failures, after what Retry-After
 * asks or else with exponential backoff, and reports a context-length error as such so the caller can shrink
 * the input. Vendors word that error differently; the patterns below cover OpenAI, vLLM, DeepSeek and DashScope.
 */

const CONTEXT_LENGTH =
  /context[_ ]length|maximum context|context window|input length|too many tokens|prompt is too long|reduce the length/i;

export interface ChatSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** The environment variable the key came from, named in error messages (the key never is). */
  apiKeyEnv: string;
  requestTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** The longest wait between attempts; a Retry-After asking for longer ends the retries. */
  maxRetryDelayMs: number;
  /**
   * The most bytes read of one answer (`ai_summary.max_response_bytes`); a larger one fails with
   * ResponseTooLargeError, not retried. DEFAULT_MAX_RESPONSE_BYTES when not given.
   */
  maxResponseBytes?: number;
  logger: Logger;
}

/** 4 MB: a structured summary of 32 000 tokens, even in a script JSON escapes as \uXXXX, is under 1 MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4_000_000;

export interface ChatRequest {
  system: string;
  user: string;
  maxTokens: number;
  signal?: AbortSignal;
  /** Called before every HTTP request, retries included, to count them. */
  onRequest: () => void;
}

export interface ChatAnswer {
  content: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  requests: number;
  estimated: boolean;
}

/** The endpoint said the input does not fit the model's context window. */
export class ContextLengthError extends ExternalError {
  constructor(detail: string, cause: unknown) {
    super('LLM_HTTP', "The paper's text is too long for the model's context window.", { detail, cause });
  }
}

export class ChatModel {
  readonly #client: OpenAI;
  readonly #settings: ChatSettings;

  constructor(settings: ChatSettings) {
    this.#settings = settings;
    const limit: BodyLimit = {
      maxBytes: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      key: 'ai_summary.max_response_bytes',
      what: "The summary model's answer",
      check: 'check ai_summary.base_url',
      code: 'LLM_HTTP',
    };
    this.#client = new OpenAI({
      // The package reads answers whole; this body stops at the limit (and a Content-Length above it is
      // refused unread), so an endless answer fails with ResponseTooLargeError instead of filling memory.
      fetch: async (input, init) => limitResponse(await fetch(input, init), limit),
      apiKey: settings.apiKey,
      baseURL: settings.baseUrl,
      maxRetries: 0,
      timeout: settings.requestTimeoutMs,
      // Never send an OpenAI organization or project read from the environment to another vendor.
      organization: null,
      project: null,
    });
  }

  async complete(request: ChatRequest): Promise<ChatAnswer> {
    const { model, maxRetries, logger } = this.#settings;
    for (let attempt = 0; ; attempt++) {
      request.onRequest();
      try {
        const completion = await this.#client.chat.completions.create(
          {
            model,
            max_tokens: request.maxTokens,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.user },
            ],
          },
          request.signal ? { signal: request.signal } : undefined,
        );
        const content = completion.choices[0]?.message?.content ?? '';
        const usage = completion.usage;
        const promptTokens = usage?.prompt_tokens ?? estimateTokens(request.system + request.user);
        const completionTokens = usage?.completion_tokens ?? estimateTokens(content);
        return {
          content,
          promptTokens,
          completionTokens,
          totalTokens: usage?.total_tokens ?? promptTokens + completionTokens,
          requests: attempt + 1,
          estimated: !usage,
        };
      } catch (error) {
        if (error instanceof APIUserAbortError || request.signal?.aborted) throw error;
        const wait = this.#retryDelay(error, attempt);
        if (wait === null || attempt >= maxRetries) throw this.#failure(error, attempt + 1);
        logger.warn(
          {
            model,
            attempt: attempt + 1,
            status: error instanceof APIError ? error.status : undefined,
            waitMs: wait,
          },
          'summary model request failed; retrying',
        );
        await sleep(wait, undefined, request.signal ? { signal: request.signal } : undefined);
      }
    }
  }

  /** How long to wait before the next attempt, or null when trying again cannot help. */
  #retryDelay(error: unknown, attempt: number): number | null {
    if (!(error instanceof APIError)) return null;
    const { retryBaseMs, maxRetryDelayMs } = this.#settings;
    const backoff = backoffDelay(attempt + 1, { baseMs: retryBaseMs, capMs: maxRetryDelayMs });
    if (error instanceof APIConnectionError) return backoff; // timeouts included
    if (!worthRetrying(error.status ?? 0)) return null;
    // 429 usually says how long to wait, and a 503 may; a wait longer than we may hold out ends the retries.
    const asked = retryAfterMs(error.headers);
    if (asked === null) return backoff;
    return asked <= maxRetryDelayMs ? asked : null;
  }

  #failure(error: unknown, requests: number): Error {
    const { model, baseUrl, apiKeyEnv, requestTimeoutMs } = this.#settings;
    if (!(error instanceof APIError)) return error instanceof Error ? error : new Error(String(error));
    const status = error.status;
    const detail = `${status ?? 'no response'}: ${error.message}`;
    if (
      status === 413 ||
      ((status === 400 || status === 422) && CONTEXT_LENGTH.test(`${error.code} ${error.message}`))
    ) {
      return new ContextLengthError(detail, error);
    }
    if (status === 401 || status === 403) {
      return new ExternalError(
        'LLM_HTTP',
        `The summary model endpoint ${baseUrl} refused the API key from ${apiKeyEnv} (HTTP ${status}). Check the key.`,
        { detail, cause: error },
      );
    }
    if (status === 404) {
      return new ExternalError(
        'LLM_HTTP',
        `The model "${model}" was not found at ${baseUrl} (HTTP 404). Check ai_summary.model and ai_summary.base_url.`,
        { detail, cause: error },
      );
    }
    if (status !== undefined && !worthRetrying(status)) {
      return new ExternalError(
        'LLM_HTTP',
        `The summary model endpoint ${baseUrl} rejected the request (HTTP ${status}). Check ai_summary.base_url, ai_summary.model and ai_summary.max_output_tokens.`,
        {
          detail,
          cause: error,
        },
      );
    }
    if (status !== undefined) {
      return new ExternalError(
        'LLM_UNAVAILABLE',
        `The summary model at ${baseUrl} answered HTTP ${status} (${requests} attempt${requests === 1 ? '' : 's'}): it is busy or down.`,
        { detail, cause: error, retryable: true },
      );
    }
    // No answer at all: why, from the connection error's cause (ECONNREFUSED, ENOTFOUND...), or the timeout.
    const failure: NetworkFailure =
      error instanceof APIConnectionTimeoutError
        ? { kind: 'timeout', reason: `no answer within ${formatSeconds(requestTimeoutMs)}`, code: null }
        : networkFailure(error);
    return new ExternalError(
      'LLM_UNAVAILABLE',
      unreachableMessage('the summary model', baseUrl, failure, requests),
      {
        detail: `${failure.code ?? failure.reason}: ${error.message}`,
        cause: error,
        retryable: true,
      },
    );
  }
}

/** The statuses the `openai` package itself would retry: 408 and 409 as well as 429 and 5xx. */
function worthRetrying(status: number): boolean {
  return status === 408 || status === 409 || isRetryableStatus(status);
}

/**
 * Retry-After in milliseconds: OpenAI's retry-after-ms, then Retry-After (seconds or an HTTP date, read as
 * the arXiv client reads it); null when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers?.get('retry-after') ?? null, Date.now());
}
