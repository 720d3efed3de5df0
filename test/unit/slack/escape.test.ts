import { describe, expect, it } from 'vitest';
import { cleanText, escapeMrkdwn, linkTarget, mrkdwnLink } from '../../../adapters/slack/escape.ts';
import { readMrkdwn } from '../../fakes/slack/shown.ts';

describe('escapeMrkdwn', () => {
  it('escapes &, < and > so mentions and links show as text', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U123> <https://evil.example|arxiv.org>')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|arxiv.org&gt;',
    );
    const shown = readMrkdwn(escapeMrkdwn('<!here> <!everyone> <!subteam^S1> <@U1|bob> &amp;'));
    expect(shown.pings).toEqual([]);
    expect(shown.links).toEqual([]);
    expect(shown.text).toBe('<!here> <!everyone> <!subteam^S1> <@U1|bob> &amp;');
  });

  it('removes control characters, escape sequences and bidi overrides, keeping newlines', () => {
    expect(cleanText('a\u0000b\u001b[2Jc\u001b]0;title\u0007d\u202eevil\u202c\r\ne\tf\u009b2Jg')).toBe(
      'abcdevil\ne fg',
    );
  });
});

describe('links', () => {
  it('accepts http(s) URLs only, with | and markup characters made harmless', () => {
    expect(linkTarget('https://arxiv.org/abs/2401.00001')).toBe('https://arxiv.org/abs/2401.00001');
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('https://x.example/a|b<c>&d')).toBe('https://x.example/a%7Cb%3Cc%3E&amp;d');
  });

  it('links a label to its URL, and shows the real address when the label names another host', () => {
    expect(mrkdwnLink('Attention Is All You Need', 'https://arxiv.org/abs/1706.03762')).toBe(
      '<https://arxiv.org/abs/1706.03762|Attention Is All You Need>',
    );
    const forged = readMrkdwn(mrkdwnLink('https://arxiv.org/abs/2401.00001', 'https://evil.example/phish'));
    // The label's own address is a bare URL that the client links to itself; the real target is shown whole.
    expect(forged.links.every((link) => link.text === link.url)).toBe(true);
    expect(forged.links.map((link) => link.url)).toContain('https://evil.example/phish');
    expect(forged.text).toContain('https://arxiv.org/abs/2401.00001');
    const bare = readMrkdwn(mrkdwnLink('see arxiv.org', 'https://evil.example/'));
    expect(bare.links.every((link) => link.text === link.url)).toBe(true);
    expect(mrkdwnLink('the arxiv.org page', 'https://arxiv.org/abs/1')).toBe(
      '<https://arxiv.org/abs/1|the arxiv.org page>',
    );
    expect(mrkdwnLink('', 'https://arxiv.org/abs/1')).toBe('<https://arxiv.org/abs/1>');
    expect(mrkdwnLink('click <!channel>', 'ftp://x')).toBe('click &lt;!channel&gt; (ftp://x)');
  });
});
