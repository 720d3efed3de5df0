/**
 * Slack's failures in the project's terms. The Web API fails in a few ways (webApi.ErrorCode): Slack
 * answered with an error code (`not_in_channel`, `invalid_auth`, …), refused for its rate (429, or 200 with
 * `ratelimited`: `rateLimitOf`, a wait rather than a failure), failed with an HTTP
 * status, or did not answer at all. Here they become what the core and its users understand: a UserError
 * for a setting to fix (a token), an ExternalError for Slack being unavailable or refusing (retryable or not),
 * and a plain Error for a post Slack refused as malformed, which is a bug here.
 */
import { webApi } from '@slack/bolt';
import { ExternalError, UserError } from '../../src/errors.ts';

/** Slack's error codes for a conversation the bot cannot use: it is not a member, or cannot see it. */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'cannot_dm_bot']);
/** Slack's error codes for a user the bot cannot open a direct message with. */
const NO_DIRECT_MESSAGE = new Set(['user_not_found', 'cannot_dm_bot', 'user_disabled']);
/** Slack's error codes for a token that does not work. */
const BAD_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);
/** Slack's error codes for a message or thread that is not there (any more). */
const NO_SUCH_MESSAGE = new Set(['thread_not_found', 'message_not_found', 'invalid_ts_latest']);

/** A post or a read failed because the bot is not in the channel (or cannot see it); `detail` is Slack's code. */
export class NotInChannelError extends ExternalError {
  /** Slack's error code. */
  readonly slackError: string;

  constructor(slackError: string, botName: string, cause: unknown) {
    super(
      'PLATFORM_HTTP',
      `I am not a member of that channel, so I cannot post there. Invite me with /invite @${botName} and try again.`,
      { cause, detail: slackError, retryable: false },
    );
    this.slackError = slackError;
  }
}

/** The Slack error code of a failed Web API call (`not_in_channel`, …), or null for other failures. */
export function platformError(error: unknown): string | null {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === webApi.ErrorCode.PlatformError ? (e.data?.error ?? null) : null;
}

/** Whether Slack's code says the bot is not in the conversation, or cannot see it. */
export function isNotInChannel(code: string): boolean {
  return NOT_IN_CHANNEL.has(code);
}

/** Whether Slack's code says the message or thread asked for is not there. */
export function isNoSuchMessage(code: string): boolean {
  return NO_SUCH_MESSAGE.has(code);
}

/** Slack's error codes for a call refused for its rate, in the HTTP 200 form (`ratelimited` is the usual one). */
const RATE_LIMITED = new Set(['ratelimited', 'rate_limited']);

/** A call Slack refused for its rate, and how long it asked to wait (null when it did not say). */
export interface RateLimit {
  retryAfterSeconds: number | null;
}

/**
 * Whether Slack refused the call for its rate, in either form: HTTP 429 with Retry-After (the WebClient's
 * RateLimitedError), or HTTP 200 with `{ok: false, error: "ratelimited"}` (or `"rate_limited"`), whose
 * Retry-After header, when there is one, the WebClient puts in `response_metadata.retryAfter`. A refused
 * call did not take effect, so it may be made again as it was. Null for any other failure.
 */
export function rateLimitOf(error: unknown): RateLimit | null {
  const e = error as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string; response_metadata?: { retryAfter?: number } };
  };
  if (e?.code === webApi.ErrorCode.RateLimitedError) return { retryAfterSeconds: e.retryAfter ?? null };
  const code = platformError(error);
  if (code === null || !RATE_LIMITED.has(code)) return null;
  const retryAfter = e.data?.response_metadata?.retryAfter;
  return { retryAfterSeconds: typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter : null };
}

/**
 * Whether a call failed without Slack's answer, so it may or may not have taken effect: the request or its
 * answer was lost on the way (a network error, a timeout), or Slack failed while handling it (5xx).
 */
export function answerLost(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RequestError) return true;
  return e?.code === webApi.ErrorCode.HTTPError && (e.statusCode ?? 0) >= 500;
}

/**
 * A failed call, for the user: the bot token no longer works (not retryable), or Slack could not be reached
 * (retryable). `what` completes "so I could not …". An ExternalError passes through.
 */
export function slackUnavailable(error: unknown, what: string): ExternalError {
  if (error instanceof ExternalError) return error;
  const code = platformError(error);
  if (code !== null && BAD_TOKEN.has(code)) {
    return new ExternalError(
      'PLATFORM_HTTP',
      `Slack no longer accepts the bot token (${code}), so I could not ${what}.`,
      {
        cause: error,
        retryable: false,
      },
    );
  }
  return new ExternalError('PLATFORM_HTTP', `Slack could not be reached to ${what}; try again in a moment.`, {
    cause: error,
    detail: (error as Error).message,
    retryable: true,
  });
}

/**
 * A post that failed for good: the bot is not in the channel (NotInChannelError), Slack refused what was
 * sent (invalid_blocks, msg_too_long, …: a bug here, with Slack's explanation), or `slackUnavailable`.
 */
export function postFailure(error: unknown, target: string, botName: string): Error {
  const code = platformError(error);
  if (code !== null && isNotInChannel(code)) return new NotInChannelError(code, botName, error);
  if (code !== null && !BAD_TOKEN.has(code) && !RATE_LIMITED.has(code)) {
    const messages = (error as { data?: { response_metadata?: { messages?: string[] } } }).data
      ?.response_metadata?.messages;
    return new Error(
      `Slack refused a post to ${target}: ${code}${messages ? ` (${messages.join('; ')})` : ''}`,
      {
        cause: error,
      },
    );
  }
  return slackUnavailable(error, `post to ${target}`);
}

/** A user the bot cannot open a direct message with (not found, deactivated, a bot); not retryable. */
export class NoDirectMessageError extends ExternalError {
  /** Slack's error code. */
  readonly slackError: string;

  constructor(slackError: string, cause: unknown) {
    super('PLATFORM_HTTP', `I cannot send a direct message to that user (${slackError}).`, {
      cause,
      retryable: false,
    });
    this.slackError = slackError;
  }
}

/** conversations.open failed: NoDirectMessageError for a user who cannot get one, or `slackUnavailable`. */
export function directMessageFailure(error: unknown, target: string): ExternalError {
  const code = platformError(error);
  if (code !== null && NO_DIRECT_MESSAGE.has(code)) return new NoDirectMessageError(code, error);
  return slackUnavailable(error, `open a direct message with ${target}`);
}

/** auth.test failed at start-up: SLACK_BOT_TOKEN is rejected (a UserError), or Slack is not reachable. */
export function botTokenFailure(error: unknown, apiUrl: string): Error {
  const code = platformError(error);
  if (code !== null && BAD_TOKEN.has(code)) {
    return new UserError(
      'CONFIG_INVALID',
      `Slack rejected SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from the app's "OAuth & Permissions" page, and reinstall the app if it was revoked.`,
      { cause: error },
    );
  }
  return new ExternalError('PLATFORM_HTTP', `Cannot reach Slack at ${apiUrl} to check the bot token.`, {
    cause: error,
    detail: (error as Error).message,
    retryable: true,
  });
}

/** Socket Mode did not connect: SLACK_APP_TOKEN is rejected (a UserError), or the connection failed. */
export function appTokenFailure(error: unknown): Error {
  const code = platformError(error);
  if (code !== null && BAD_TOKEN.has(code)) {
    return new UserError(
      'CONFIG_INVALID',
      `Slack rejected SLACK_APP_TOKEN (${code}). Make an app-level token with the connections:write scope under "Basic Information" and set it again.`,
      { cause: error },
    );
  }
  return new ExternalError('PLATFORM_HTTP', "Cannot open Slack's Socket Mode connection.", {
    cause: error,
    detail: (error as Error).message,
    retryable: true,
  });
}

/** Slack did not take the answer to a slash command (its response_url takes answers for 30 minutes). */
export function answerFailure(error: unknown): ExternalError {
  return new ExternalError(
    'PLATFORM_HTTP',
    'Slack did not take the answer to this command (answers are accepted for 30 minutes); run it again.',
    { cause: error, detail: (error as Error).message, retryable: false },
  );
}
