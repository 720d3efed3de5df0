import { describe, expect, it } from 'vitest';
import { limitLength, sanitizeModelText } from '../../../src/summarize/sanitize.ts';

const body = (text: string, maxChars = 10_000) => sanitizeModelText(text, { maxChars, singleLine: false });
const line = (text: string, maxChars = 10_000) => sanitizeModelText(text, { maxChars, singleLine: true });

describe('sanitizeModelText', () => {
  it('removes Slack special mentions and user, role and channel references', () => {
    expect(body('Hi <!channel> and <!here|here> and <!everyone>, <!subteam^S123|@team> see this.')).toBe(
      'Hi and and , see this.',
    );
    expect(
      body(
        'By <@U024BE7LH>, <@U024BE7LH|bob>, <@123456789012345678>, <@!1234> and <@&5678> in <#C123|general>.',
      ),
    ).toBe('By , , , and in .');
  });

  it('takes the "@" off @everyone, @here and @channel, also when doubled or hidden by zero-width spaces', () => {
    expect(body('Ping @everyone and @here and @channel, @@everyone, @\u200beveryone.')).toBe(
      'Ping everyone and here and channel, everyone, everyone.',
    );
  });

  it('strips raw HTML, scripts and comments, and shows link targets instead of labels', () => {
    expect(
      body(
        '<p>A <b>bold</b> <i>claim</i></p><script>alert("x")</script><!-- note --><img src=x onerror=alert(1)>.',
      ),
    ).toBe('A bold claim.');
    expect(body('See <https://example.org/paper|the paper> or <https://arxiv.org/abs/2401.01234>.')).toBe(
      'See https://example.org/paper or https://arxiv.org/abs/2401.01234.',
    );
  });

  it('does not let removing one tag assemble another', () => {
    expect(body('<<b></b>!channel> and <<i></i>@U123>')).toBe('and');
  });

  it('removes control characters and bidirectional overrides but keeps newlines, Markdown and indentation', () => {
    expect(
      body('## Results\r\n- up \u0007by 3\u202e points\n  - nested\u0000 item\n\n\n\n## Conclusions'),
    ).toBe('## Results\n- up by 3 points\n  - nested item\n\n## Conclusions');
  });

  it('unwraps an answer fenced as a code block', () => {
    expect(body('```markdown\n## Contributions\nA router.\n```')).toBe('## Contributions\nA router.');
  });

  it('puts a TL;DR on one line', () => {
    expect(line('  It routes.\n\nIt is fast.  ')).toBe('It routes. It is fast.');
  });

  it('stays quick on hostile input: many unclosed "<!", "<@", "<script>"', () => {
    const hostile = `${'<!'.repeat(50_000)}${'<@U1|'.repeat(20_000)}${'<script>'.repeat(20_000)}`;
    expect(body(hostile, 6_000).length).toBeLessThanOrEqual(6_000);
  });

  it('limits the length', () => {
    expect(line('x'.repeat(500), 100)).toHaveLength(100);
  });

  it('leaves ordinary text and comparisons alone', () => {
    expect(body('Accuracy 47.8 > 41.9 while latency 5.7 < 9.7 (s); a <= b & c.')).toBe(
      'Accuracy 47.8 > 41.9 while latency 5.7 < 9.7 (s); a <= b & c.',
    );
  });
});

describe('limitLength', () => {
  it('cuts at a sentence end when one is near, and marks the cut', () => {
    expect(limitLength('One sentence here. Another one that goes on', 25)).toBe('One sentence here.…');
    expect(limitLength('短句。长句子在这里继续下去', 8)).toBe('短句。长句子在…');
    expect(limitLength('fits', 10)).toBe('fits');
  });
});
