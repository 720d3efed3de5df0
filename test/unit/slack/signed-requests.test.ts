import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignedRequest, MemoryReplayGuard } from '../../../adapters/slack/signed-requests.ts';
import { readSigningVector } from '../../fakes/slack/signing-vector.ts';
import { describeWithSharedFixtures } from '../../support/shared-fixtures.ts';

const SECRET = 'shh';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

function signed(body: string, timestamp: number, secret = SECRET) {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    ...form,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

describe('checkSignedRequest', () => {
  const now = 1_700_000_000_000;
  const seconds = now / 1000;
  const body = 'team_id=T1&text=list';

  it('takes a verified request within five minutes either way, to be remembered until its window closes', () => {
    const check = checkSignedRequest(signed(body, seconds - 100), Buffer.from(body), SECRET, now);
    expect(check).toMatchObject({ kind: 'signed', id: expect.stringMatching(/^slack\|[0-9a-f]{64}$/) });
    // Good until 300 s after its timestamp, that is 200 s from now, and a minute's margin for other clocks.
    expect(check).toMatchObject({ rememberMs: 260_000 });
    expect(checkSignedRequest(signed(body, seconds + 299), Buffer.from(body), SECRET, now).kind).toBe(
      'signed',
    );
  });

  it('refuses a timestamp more than five minutes off either way, a bad signature and a missing one', () => {
    const refused = (headers: Record<string, string>, raw = body) =>
      checkSignedRequest(headers, Buffer.from(raw), SECRET, now);
    expect(refused(signed(body, seconds + 301))).toMatchObject({
      kind: 'refused',
      reason: 'a timestamp ahead of the clock by more than five minutes',
    });
    expect(refused(signed(body, seconds - 301))).toMatchObject({ kind: 'refused' });
    expect(refused(signed(body, seconds, 'other secret'))).toMatchObject({
      kind: 'refused',
      reason: 'a signature that does not verify',
    });
    expect(refused(signed(body, seconds), `${body}x`)).toMatchObject({ kind: 'refused' });
    expect(refused({ ...signed(body, seconds), 'x-slack-signature': 'v0=zz' })).toMatchObject({
      kind: 'refused',
    });
    expect(refused({ ...signed(body, seconds), 'x-slack-request-timestamp': '1e9' })).toMatchObject({
      kind: 'refused',
      reason: 'a malformed timestamp',
    });
    expect(refused(form)).toMatchObject({ kind: 'refused', reason: 'no signature or timestamp' });
    // Slack's ssl_check is not signed; Bolt answers it.
    expect(refused(form, 'ssl_check=1&token=x')).toEqual({ kind: 'ssl-check' });
  });
});

describe('MemoryReplayGuard', () => {
  it('takes an id once within its time, again after it, and holds at most its limit', async () => {
    const guard = new MemoryReplayGuard(3);
    expect(await guard.firstSeen('a', 50)).toBe(true);
    expect(await guard.firstSeen('a', 50)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await guard.firstSeen('a', 60_000)).toBe(true);
    for (const id of ['b', 'c', 'd']) expect(await guard.firstSeen(id, 60_000)).toBe(true);
    // Full: the oldest ('a') was forgotten to make room; the newer ones are still known.
    expect(await guard.firstSeen('d', 60_000)).toBe(false);
    expect(await guard.firstSeen('a', 60_000)).toBe(true);
  });
});

describeWithSharedFixtures("checkSignedRequest on Slack's documented example", () => {
  it('verifies it a minute after it was signed', () => {
    const vector = readSigningVector();
    const headers = {
      ...form,
      'x-slack-request-timestamp': vector.timestamp,
      'x-slack-signature': vector.signature,
    };
    const at = (Number(vector.timestamp) + 60) * 1000;
    expect(checkSignedRequest(headers, Buffer.from(vector.body), vector.secret, at).kind).toBe('signed');
  });
});
