import { ExternalError } from '../errors.ts';

/**
 * The platform refuses to deliver a direct message to this user: their privacy settings close DMs from the
 * bot, they blocked it, or they left every server it shares with them. Adapters throw it from `post` to a
 * user target; trying again does not help until the user changes something, so the core does not retry it
 * (see src/bot/bot.ts) and tells the user the next time they use a command.
 */
export class UnreachableRecipientError extends ExternalError {
  constructor(platformReason: string, cause?: unknown) {
    super('PLATFORM_HTTP', 'I cannot send you direct messages here.', {
      cause,
      detail: platformReason,
      retryable: false,
    });
  }
}
