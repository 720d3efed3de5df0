import { describe, expect, it } from 'vitest';
import {
  cleanText,
  escapeCode,
  escapeMarkdown,
  inlineCode,
  linkTarget,
  maskedLink,
  namesOtherHost,
} from '../../../adapters/discord/escape.ts';
import { hostileMessage } from '../../contract/hostile.ts';

const ZWSP = '\u200b';

/** The hostile header text of the contract suite: mentions, terminal controls, forged links. */
function hostileText(): string {
  const header = hostileMessage().blocks[0];
  if (header?.kind !== 'header') throw new Error('the hostile message starts with a header');
  return header.text;
}

/** Unescaped occurrences: `pattern` not preceded by an odd number of backslashes. */
function unescaped(markdown: string, pattern: string): number {
  let count = 0;
  for (let at = markdown.indexOf(pattern); at !== -1; at = markdown.indexOf(pattern, at + 1)) {
    let slashes = 0;
    while (markdown[at - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 0) count++;
  }
  return count;
}

describe('escapeMarkdown', () => {
  it('escapes every character that starts inline markup', () => {
    expect(escapeMarkdown('a *b* _c_ __d__ ~~e~~ `f` ||g|| \\ [h](i) <j>')).toBe(
      'a \\*b\\* \\_c\\_ \\_\\_d\\_\\_ \\~\\~e\\~\\~ \\`f\\` \\|\\|g\\|\\| \\\\ \\[h\\]\\(i\\) \\<j>',
    );
  });

  it('escapes headings, subtext, quotes and lists at the start of every line, and only there', () => {
    expect(escapeMarkdown('# h\n## h2\n-# small\n> quote\n>>> all\n- item\n+ plus\n1. one\n  - nested')).toBe(
      '\\# h\n\\## h2\n\\-# small\n\\> quote\n\\>>> all\n\\- item\n\\+ plus\n1\\. one\n  \\- nested',
    );
    expect(escapeMarkdown('C# - a > b + c 2. d')).toBe('C# - a > b + c 2. d');
  });

  it('neutralizes every mention form', () => {
    const escaped = escapeMarkdown(
      'x <@123> <@!123> <@&123> <#123> </arxiv search:123> <t:1700000000:R> <:blob:1> <a:dance:2> @everyone @here @Everyone',
    );
    expect(escaped).toBe(
      `x \\<@123> \\<@!123> \\<@&123> \\<#123> \\</arxiv search:123> \\<t:1700000000:R> \\<:blob:1> \\<a:dance:2> @${ZWSP}everyone @${ZWSP}here @${ZWSP}Everyone`,
    );
    // At the very start (where the text may follow an address), `<` gets a zero-width space instead.
    expect(escapeMarkdown('<@123>')).toBe(`<${ZWSP}@123>`);
    // A trailing @ cannot combine with what follows into @everyone.
    expect(escapeMarkdown('mail me @') + escapeMarkdown('everyone')).not.toContain('@everyone');
  });

  it('makes a masked link in untrusted text plain text', () => {
    const escaped = escapeMarkdown(
      '[arxiv.org/abs/1](https://evil.example/phish) and [x](<https://evil.example>)',
    );
    expect(unescaped(escaped, '](')).toBe(0);
    expect(unescaped(escaped, '[')).toBe(0);
    expect(escaped).toBe(
      '\\[arxiv.org/abs/1\\]\\(https://evil.example/phish) and \\[x\\]\\(\\<https://evil.example>)',
    );
  });

  it('leaves a web address as written, so it still goes where it says', () => {
    expect(escapeMarkdown('see https://example.org/a_b*c~d (or https://x.org/y).')).toBe(
      'see https://example.org/a_b*c~d \\(or https://x.org/y).',
    );
    // Brackets inside an address are percent-encoded, so no masked link can hide in one.
    expect(escapeMarkdown('https://arxiv.org/abs/1](https://evil.example/p')).toBe(
      'https://arxiv.org/abs/1%5D(https://evil.example/p',
    );
    // A `<` right after an address would be read after a backslash as part of it: a zero-width space instead.
    expect(escapeMarkdown('https://x.org<@123>')).toBe(`https://x.org<${ZWSP}@123>`);
    expect(escapeMarkdown('https://x.org/@everyone')).toBe(`https://x.org/@${ZWSP}everyone`);
  });

  it('renders the contract suite’s hostile text inert, keeping its words', () => {
    const escaped = escapeMarkdown(hostileText());
    for (const pattern of ['<@', '<#', '<!', '](', '[']) expect(unescaped(escaped, pattern)).toBe(0);
    expect(escaped).not.toMatch(/@(everyone|here)/);
    for (const char of escaped) {
      const code = char.codePointAt(0) ?? 0;
      const control = (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f);
      expect(control || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)).toBe(false);
    }
    expect(escaped).toContain('HEADERMARK');
    expect(escaped).toContain('osc-link');
  });

  it('removes control characters, escape sequences and bidi overrides, keeping newlines', () => {
    expect(cleanText('a\u0000b\u001b[2Jc\u001b]0;title\u0007d\u202eevil\u202c\r\ne\tf\u009b2Jg')).toBe(
      'abcdevil\ne fg',
    );
    expect(escapeMarkdown('\u001b[31m# red\u001b[0m')).toBe('\\# red');
  });
});

describe('code', () => {
  it('keeps code literal but breaks mentions, and a span cannot be ended from inside', () => {
    expect(escapeCode('a <@1> <#2> </c:3> <t:4> <:e:5> @here x<y')).toBe(
      `a <${ZWSP}@1> <${ZWSP}#2> <${ZWSP}/c:3> <${ZWSP}t:4> <${ZWSP}:e:5> @${ZWSP}here x<y`,
    );
    expect(inlineCode('a `b` *c*')).toBe("`a 'b' *c*`");
    expect(inlineCode('```')).toBe("`'''`");
    expect(inlineCode('  ')).toBe('  ');
  });
});

describe('links', () => {
  it('accepts http(s) URLs only, with what Discord would misread percent-encoded', () => {
    expect(linkTarget('https://arxiv.org/abs/2401.00001')).toBe('https://arxiv.org/abs/2401.00001');
    expect(linkTarget('javascript:alert(1)')).toBeNull();
    expect(linkTarget('ftp://example.org/x')).toBeNull();
    expect(linkTarget('not a url')).toBeNull();
    expect(linkTarget('https://en.wikipedia.org/wiki/A_(b)')).toBe('https://en.wikipedia.org/wiki/A_%28b%29');
    expect(linkTarget('https://x.example/a b<c>')).toBe('https://x.example/a%20b%3Cc%3E');
    // No user name before the host: the address shows the host it goes to.
    expect(linkTarget('https://arxiv.org@evil.example/x')).toBe('https://evil.example/x');
    // Discord would leave trailing punctuation out of a bare address.
    expect(linkTarget('https://x.example/a.')).toBe('https://x.example/a%2E');
    expect(linkTarget('https://x.example/@everyone')).toBe('https://x.example/%40everyone');
  });

  it('masks the bot’s own links, with the label escaped', () => {
    expect(maskedLink('Attention *Is* All [You] Need', 'https://arxiv.org/abs/1706.03762')).toBe(
      '[Attention \\*Is\\* All \\[You\\] Need](https://arxiv.org/abs/1706.03762)',
    );
    expect(maskedLink('', 'https://arxiv.org/abs/1')).toBe('https://arxiv.org/abs/1');
    expect(maskedLink('https://arxiv.org/abs/1', 'https://arxiv.org/abs/1')).toBe('https://arxiv.org/abs/1');
    expect(maskedLink('paper', 'https://arxiv.org/abs/1)x')).toBe('[paper](https://arxiv.org/abs/1%29x)');
    expect(maskedLink('bold', 'https://arxiv.org/abs/1', (m) => `**${m}**`)).toBe(
      '[**bold**](https://arxiv.org/abs/1)',
    );
  });

  it('never lets a label pose as another destination, and never links anything but http(s)', () => {
    expect(maskedLink('https://arxiv.org/abs/1', 'https://evil.example/phish')).toBe(
      'https://arxiv.org/abs/1 (https://evil.example/phish)',
    );
    expect(maskedLink('see arxiv.org', 'https://evil.example/')).toBe(
      'see arxiv.org (https://evil.example/)',
    );
    expect(maskedLink('the arxiv.org page', 'https://arxiv.org/abs/1')).toBe(
      '[the arxiv.org page](https://arxiv.org/abs/1)',
    );
    expect(maskedLink('click <@1>', 'javascript:alert(1)')).toBe('click \\<@1> (javascript:alert\\(1\\))');
    expect(namesOtherHost('export.arxiv.org', 'https://arxiv.org/')).toBe(true);
    expect(namesOtherHost('arxiv.org', 'https://export.arxiv.org/')).toBe(false);
  });
});
