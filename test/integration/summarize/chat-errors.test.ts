import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { ChatModel } from '../../../src/summarize/chat.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { closedPort, externalRejection } from '../../support/failures.ts';

/*
 * Issue 10, "In the chat", item 5, for the model endpoint: a failure names its real cause (a refused
 * connection, a timeout, an HTTP status) from the openai client's errors (APIConnectionError's cause), where
 * every one of them was "did not answer" before.
 */

const servers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function model(baseUrl: string, options: { timeoutMs?: number; maxRetries?: number } = {}): ChatModel {
  return new ChatModel({
    baseUrl,
    apiKey: 'sk-test',
    model: 'fake-model',
    apiKeyEnv: 'OPENAI_API_KEY',
    requestTimeoutMs: options.timeoutMs ?? 2000,
    maxRetries: options.maxRetries ?? 1,
    retryBaseMs: 5,
    maxRetryDelayMs: 20,
    logger: silentLogger,
  });
}

const ask = (chat: ChatModel) =>
  chat.complete({ system: 'Summarize.', user: 'A paper.', maxTokens: 50, onRequest: () => {} });

describe('the summary model endpoint names the cause', () => {
  it('of a refused connection', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const error = await externalRejection(ask(model(baseUrl)));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
    expect(error.userMessage).toBe(
      `Cannot reach the summary model at ${baseUrl} (connection refused; 2 attempts).`,
    );
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('of a timeout, with its length', async () => {
    const server = await startFakeOpenAIServer();
    servers.push(server);
    server.setDefault({ type: 'slow', delayMs: 2000 });
    const error = await externalRejection(ask(model(server.baseUrl, { timeoutMs: 200, maxRetries: 0 })));
    expect(error.userMessage).toBe(
      `The summary model at ${server.baseUrl} did not answer within 0.2 s (1 attempt).`,
    );
  });

  it('of server errors: it answered, with an HTTP status', async () => {
    const server = await startFakeOpenAIServer();
    servers.push(server);
    server.setDefault({ type: 'server-error', status: 503 });
    const error = await externalRejection(ask(model(server.baseUrl)));
    expect(error.userMessage).toBe(
      `The summary model at ${server.baseUrl} answered HTTP 503 (2 attempts): it is busy or down.`,
    );
  });
});
