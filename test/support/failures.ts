import { createServer } from 'node:net';
import { expect } from 'vitest';
import { ExternalError } from '../../src/errors.ts';

/** A port on 127.0.0.1 that nothing listens on: a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** The ExternalError a call rejects with; fails the test when it rejects with anything else, or resolves. */
export async function externalRejection(promise: Promise<unknown>): Promise<ExternalError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalError);
    return error as ExternalError;
  }
  throw new Error('expected a rejection');
}
