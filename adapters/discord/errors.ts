/**
 * Discord's failures in the project's terms. @discordjs/rest fails in a few ways: Discord answered with a
 * JSON error (DiscordAPIError: an HTTP status and a numeric code such as 50001), with a bare HTTP status
 * (HTTPError), or not at all (a network error); 429s never reach us, the REST queue waits them out. Here they
 * become what the core and its users understand: a UserError for a setting to fix (the token), an
 * ExternalError for Discord being unavailable or refusing, an UnreachableRecipientError for closed DMs, and a
 * plain Error for a payload Discord refused as malformed, which is a bug here.
 */
import { DiscordAPIError, HTTPError } from 'discord.js';
import { UnreachableRecipientError } from '../../src/chat/errors.ts';
import { ExternalError, UserError } from '../../src/errors.ts';

/** Discord's JSON error codes the adapter reacts to (discord.com/developers/docs/topics/opcodes-and-status-codes). */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownMessage: 10008,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  CannotSendToUser: 50007,
  MissingPermissions: 50013,
  InvalidFormBody: 50035,
  InteractionAlreadyAcknowledged: 40060,
  ThreadAlreadyCreated: 160004,
} as const;

/** The JSON error code of a failed REST call, or null for another failure. */
export function discordCode(error: unknown): number | null {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : null;
}

function status(error: unknown): number | null {
  return error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : null;
}

/** What a failed call to Discord means, for `what` ("post in that channel", "read that message"). */
export function discordFailure(error: unknown, what: string): Error {
  const code = discordCode(error);
  if (status(error) === 401) {
    return new UserError(
      'CONFIG_INVALID',
      'Discord rejected DISCORD_TOKEN (401). Reset the token on the Bot page of the application and set it again.',
      { cause: error },
    );
  }
  if (code === DiscordCode.CannotSendToUser)
    return new UnreachableRecipientError('Discord error 50007', error);
  if (
    code === DiscordCode.MissingAccess ||
    code === DiscordCode.MissingPermissions ||
    code === DiscordCode.UnknownChannel
  ) {
    return new ExternalError(
      'PLATFORM_HTTP',
      `I cannot ${what}: I need View Channel, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links and Read Message History there. Ask someone who manages the server to give me those, or to invite me again with the link in the README.`,
      { cause: error, detail: `Discord error ${code}`, retryable: false },
    );
  }
  if (code === DiscordCode.InvalidFormBody) {
    // Everything is rendered within Discord's limits: a refused payload is a bug to fix here.
    return new Error(`Discord refused the payload to ${what} as invalid (50035)`, { cause: error });
  }
  const httpStatus = status(error);
  if (httpStatus !== null && httpStatus >= 400 && httpStatus < 500) {
    return new ExternalError('PLATFORM_HTTP', `Discord refused to ${what} (HTTP ${httpStatus}).`, {
      cause: error,
      detail: code === null ? undefined : `Discord error ${code}`,
      retryable: false,
    });
  }
  return new ExternalError(
    'PLATFORM_HTTP',
    `Discord could not be reached to ${what}; try again in a moment.`,
    {
      cause: error,
      retryable: true,
    },
  );
}
