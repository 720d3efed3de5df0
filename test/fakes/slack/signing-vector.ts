import { readSharedFixture } from '../../support/shared-fixtures.ts';

export interface SigningVector {
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
}

/**
 * Slack's documented request-signing example, read from where ../shared/fixtures/SOURCES.md transcribes it
 * (it exists in Slack's repositories only inside test code).
 */
export function readSigningVector(): SigningVector {
  const text = readSharedFixture('SOURCES.md').toString('utf8');
  const field = (label: string): string => {
    const match = new RegExp(`- ${label}[^\`]*\`([^\`]+)\``).exec(text);
    if (!match?.[1]) throw new Error(`SOURCES.md has no "${label}" in its signing vector.`);
    return match[1];
  };
  return {
    secret: field('signing secret:'),
    timestamp: field('X-Slack-Request-Timestamp:'),
    body: field('raw body'),
    signature: field('X-Slack-Signature:'),
  };
}
