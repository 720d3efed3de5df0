import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * The real recorded arXiv, Slack and Discord data lives beside the repository in ../shared/fixtures and is
 * never copied in. ARXIV_DIGEST_SHARED_FIXTURES points elsewhere when the checkout sits somewhere else.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const SHARED_FIXTURES =
  process.env.ARXIV_DIGEST_SHARED_FIXTURES ?? resolve(repoRoot, '../shared/fixtures');

export const hasSharedFixtures = existsSync(join(SHARED_FIXTURES, 'SOURCES.md'));

export function sharedFixturePath(relative: string): string {
  return join(SHARED_FIXTURES, relative);
}

export function readSharedFixture(relative: string): Buffer {
  return readFileSync(sharedFixturePath(relative));
}

/**
 * The body of an arxiv.py HTTP recording (`{url, status_code, body}`): the harness stored the response bytes
 * decoded as Latin-1, so encoding the string back to Latin-1 gives the original UTF-8 bytes.
 */
export function readArxivPyRecording(name: string): { url: string; status: number; body: Buffer } {
  const recording = JSON.parse(readSharedFixture(`arxiv/arxiv-py/${name}`).toString('utf8')) as {
    url: string;
    status_code: number;
    body: string;
  };
  return { url: recording.url, status: recording.status_code, body: Buffer.from(recording.body, 'latin1') };
}

/**
 * A describe block for conformance tests on the shared fixtures. Where the folder is missing, CI fails
 * (it must be there) and a developer's run skips the block with the reason printed.
 */
export function describeWithSharedFixtures(name: string, body: () => void): void {
  if (hasSharedFixtures) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      throw new Error(`shared fixtures not found at ${SHARED_FIXTURES}; CI must provide ../shared/fixtures`);
    });
    return;
  }
  const reason = `shared fixtures not found at ${SHARED_FIXTURES}`;
  console.warn(`skipping "${name}": ${reason}`);
  // The body is not run: it would read the missing files while Vitest collects the tests.
  describe.skip(name, () => {
    it(reason, () => {});
  });
}
