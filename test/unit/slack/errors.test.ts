import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  answerLost,
  botTokenFailure,
  directMessageFailure,
  NoDirectMessageError,
  NotInChannelError,
  postFailure,
  rateLimitOf,
  slackUnavailable,
} from '../../../adapters/slack/errors.ts';
import { ExternalError, UserError } from '../../../src/errors.ts';

/** Errors shaped as the WebClient throws them. */
const platform = (error: string, messages?: string[], retryAfter?: number) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: webApi.ErrorCode.PlatformError,
    data: {
      ok: false,
      error,
      response_metadata: {
        ...(messages ? { messages } : {}),
        ...(retryAfter === undefined ? {} : { retryAfter }),
      },
    },
  });
const rateLimited = (retryAfter: number) =>
  Object.assign(new Error('rate limited'), { code: webApi.ErrorCode.RateLimitedError, retryAfter });
const http = (statusCode: number) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { code: webApi.ErrorCode.HTTPError, statusCode });
const network = () => Object.assign(new Error('socket hang up'), { code: webApi.ErrorCode.RequestError });

describe("Slack's errors in ours", () => {
  it('tells a rate limit in any form and its wait, and a lost answer from a definite one', () => {
    expect(rateLimitOf(rateLimited(7))).toEqual({ retryAfterSeconds: 7 });
    // HTTP 200 with {ok: false, error: "ratelimited"}, with its Retry-After header or without one.
    expect(rateLimitOf(platform('ratelimited', undefined, 3))).toEqual({ retryAfterSeconds: 3 });
    expect(rateLimitOf(platform('ratelimited'))).toEqual({ retryAfterSeconds: null });
    expect(rateLimitOf(platform('rate_limited'))).toEqual({ retryAfterSeconds: null });
    expect(rateLimitOf(platform('invalid_blocks'))).toBeNull();
    expect(rateLimitOf(network())).toBeNull();
    expect(answerLost(network())).toBe(true);
    expect(answerLost(http(503))).toBe(true);
    expect(answerLost(http(400))).toBe(false);
    expect(answerLost(platform('invalid_blocks'))).toBe(false);
  });

  it('makes a post to a channel without the bot a NotInChannelError with an invite hint', () => {
    const failure = postFailure(platform('not_in_channel'), 'slack:T1:C1', 'digestbot');
    expect(failure).toBeInstanceOf(NotInChannelError);
    expect((failure as NotInChannelError).slackError).toBe('not_in_channel');
    expect((failure as NotInChannelError).userMessage).toContain('/invite @digestbot');
    expect((failure as NotInChannelError).retryable).toBe(false);
  });

  it('makes a refused post a bug with Slack’s explanation, and a lost one retryable', () => {
    const refused = postFailure(platform('invalid_blocks', ['block 3 too long']), 'slack:T1:C1', 'bot');
    expect(refused).not.toBeInstanceOf(ExternalError);
    expect(refused.message).toBe('Slack refused a post to slack:T1:C1: invalid_blocks (block 3 too long)');
    const lost = postFailure(network(), 'slack:T1:C1', 'bot');
    expect(lost).toBeInstanceOf(ExternalError);
    expect((lost as ExternalError).retryable).toBe(true);
  });

  it('says the bot token is no longer accepted, not retryable', () => {
    const failure = slackUnavailable(platform('token_revoked'), 'post to slack:T1:C1');
    expect(failure.userMessage).toBe(
      'Slack no longer accepts the bot token (token_revoked), so I could not post to slack:T1:C1.',
    );
    expect(failure.retryable).toBe(false);
    const passed = new ExternalError('PLATFORM_HTTP', 'already ours');
    expect(slackUnavailable(passed, 'x')).toBe(passed);
  });

  it('names the user who cannot get a direct message', () => {
    const failure = directMessageFailure(platform('user_disabled'), 'slack:T1:@U1');
    expect(failure).toBeInstanceOf(NoDirectMessageError);
    expect(failure.userMessage).toBe('I cannot send a direct message to that user (user_disabled).');
    expect(directMessageFailure(network(), 'slack:T1:@U1')).not.toBeInstanceOf(NoDirectMessageError);
  });

  it('makes a rejected bot token at start-up a UserError naming SLACK_BOT_TOKEN', () => {
    expect(botTokenFailure(platform('invalid_auth'), 'https://slack.com/api/')).toBeInstanceOf(UserError);
    expect(botTokenFailure(platform('invalid_auth'), 'https://slack.com/api/').message).toContain(
      'SLACK_BOT_TOKEN',
    );
    const unreachable = botTokenFailure(network(), 'http://slack.test/api/');
    expect(unreachable).toBeInstanceOf(ExternalError);
    expect((unreachable as ExternalError).userMessage).toBe(
      'Cannot reach Slack at http://slack.test/api/ to check the bot token.',
    );
  });
});
