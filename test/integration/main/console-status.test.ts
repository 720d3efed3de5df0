import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDir, GOOD, running, useStartHarness, waitFor } from './harness.ts';

/* The console delivery (no chat credentials, no terminal) first says what it waits for; logs stay on stderr. */

const harness = useStartHarness();

describe('the console delivery', () => {
  it('first says on stdout which targets exist and when each next digest is due; logs stay on stderr', {
    timeout: 60_000,
  }, async () => {
    const dir = freshDir({
      ...GOOD,
      schedule: { time: '07:30', timezone: 'Europe/Berlin' },
      channels: [{ target: 'slack:T0123ABCD:C0456EFGH' }],
    });
    const bot = harness.start([], dir);
    await running(bot);
    await waitFor(() => (bot.stdout().includes('\n\n') ? true : undefined), 'the status lines');
    const lines = bot.stdout().split('\n');
    expect(lines[0]).toMatch(/^arxiv-digest \S+: console delivery \(no chat credentials, no terminal\)/);
    expect(lines[0]).toContain(join(dir, 'data', 'digests'));
    const local = lines.find((line) => line.includes('shell:local'));
    expect(local).toMatch(
      /^ {2}shell:local: next digest \w{3} \d{1,2} \w{3} 07:30 (CET|CEST|GMT\+1|GMT\+2) \(in (\d+ h )?\d+ min\): translation in cs\.CL, cs\.LG$/,
    );
    const slack = lines.find((line) => line.includes('slack:T0123ABCD:C0456EFGH'));
    expect(slack).toMatch(/not delivered here: no Slack connection runs/);
    for (const line of bot.stdout().split('\n')) expect(line.startsWith('{')).toBe(false);
    expect(bot.logs().length).toBeGreaterThan(3);
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });
});
