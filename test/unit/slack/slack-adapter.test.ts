import { describe, expect, it } from 'vitest';
import { webClientOptions } from '../../../adapters/slack/client.ts';
import { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { silentLogger } from '../../../src/log.ts';

describe('SlackAdapter.routes', () => {
  it('serves /slack/events in HTTP mode, with the request listener', () => {
    const adapter = new SlackAdapter({ botToken: 'xoxb-1', signingSecret: 'secret' });
    expect(adapter.mode).toBe('http');
    expect(adapter.routes()).toEqual([{ path: '/slack/events', listener: adapter.requestListener }]);
  });

  it('serves nothing in Socket Mode', () => {
    const adapter = new SlackAdapter({ botToken: 'xoxb-1', appToken: 'xapp-1' });
    expect(adapter.mode).toBe('socket');
    expect(adapter.routes()).toEqual([]);
  });
});

describe('the Web API client configuration', () => {
  const settings = {
    botToken: 'xoxb-1',
    apiUrl: 'http://slack.test/api/',
    logger: silentLogger,
    retryConfig: { retries: 3, factor: 2 },
    requestTimeoutMs: 5000,
  };

  it('gives every use the same API URL and timeout', () => {
    for (const use of ['calls', 'posts', 'start-up'] as const) {
      expect(webClientOptions(settings, use)).toMatchObject({
        slackApiUrl: 'http://slack.test/api/',
        timeout: 5000,
      });
    }
  });

  it('retries calls per the settings, and never posts or the start-up check', () => {
    expect(webClientOptions(settings, 'calls').retryConfig).toEqual({ retries: 3, factor: 2 });
    expect(webClientOptions(settings, 'posts')).toMatchObject({
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    expect(webClientOptions(settings, 'start-up').retryConfig).toEqual({ retries: 0 });
    expect(webClientOptions(settings, 'start-up').rejectRateLimitedCalls).toBeUndefined();
  });
});
