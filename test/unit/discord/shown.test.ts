/**
 * The tests' Discord reader (test/fakes/discord/shown.ts): Markdown shown as the client shows it, links as
 * the client makes them, and the mentions that would notify under `allowed_mentions`. Also read back: what
 * the adapter's escaping writes shows as the text it was given.
 */
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, maskedLink } from '../../../adapters/discord/escape.ts';
import { mentionsIn, pingsOf, readInline, readMarkdown, readMessage } from '../../fakes/discord/shown.ts';

const ZWSP = '\u200b';

describe('readMarkdown: what the client shows', () => {
  it('removes escapes before punctuation, and keeps a backslash before a letter or a space', () => {
    expect(readMarkdown(String.raw`\*not bold\* \_x\_ \\ \[a\](b) \a \ z`).text).toBe(
      String.raw`*not bold* _x_ \ [a](b) \a \ z`,
    );
  });

  it('shows styles without their markers, and unmatched markers as written', () => {
    expect(readMarkdown('**bold** *em* _em_ __under__ ~~gone~~ ||secret|| ***both***').text).toBe(
      'bold em em under gone secret both',
    );
    expect(readMarkdown('2 * 3 = 6, a ** b, snake_case_name').text).toBe(
      '2 * 3 = 6, a ** b, snake_case_name',
    );
    expect(readMarkdown('**open\nclosed**').text).toBe('**open\nclosed**');
    // As in Discord, bold needs no word next to its markers.
    expect(readMarkdown('a ** b ** c').text).toBe('a  b  c');
    expect(readMarkdown('**bold \\*star\\* inside**').text).toBe('bold *star* inside');
  });

  it('shows code as written: no escapes, no styles, no links inside', () => {
    expect(readMarkdown('`a \\* **b** <@1> https://x.example`').text).toBe(
      'a \\* **b** <@1> https://x.example',
    );
    expect(readMarkdown('`` a ` b ``').text).toBe('a ` b');
    const fenced = readMarkdown('before\n```py\nprint("**hi**") # [x](https://y.example)\n```\nafter');
    expect(fenced.text).toBe('before\nprint("**hi**") # [x](https://y.example)\nafter');
    expect(fenced.links).toEqual([]);
  });

  it('shows line forms without their marks: headings, subtext, quotes, bullets', () => {
    expect(readMarkdown('# Title\n## Sub\n-# small print\n> quoted\n- item\n  * nested\n1. first').text).toBe(
      'Title\nSub\nsmall print\nquoted\n• item\n  • nested\n1. first',
    );
    expect(readMarkdown('\\# not a heading\n#no space').text).toBe('# not a heading\n#no space');
  });

  it('shows mentions, channels, commands, emoji and times as what they stand for', () => {
    expect(readMarkdown('<@123> <@!456> <@&789> <#101> </arxiv search:5> <:memo:77> <t:0:R>').text).toBe(
      '@123 @456 @role-789 #channel-101 /arxiv search :memo: 1970-01-01T00:00:00.000Z',
    );
    expect(readMarkdown('\\<@123> <@U123> <nope>').text).toBe('<@123> <@U123> <nope>');
  });
});

describe('readMarkdown: links', () => {
  it('makes a masked link show its label, styles resolved', () => {
    expect(readMarkdown('See [**the** paper](https://arxiv.org/abs/2401.00001) now')).toEqual({
      text: 'See the paper now',
      links: [{ text: 'the paper', url: 'https://arxiv.org/abs/2401.00001' }],
    });
    expect(readMarkdown('[a \\[b\\] c](<https://x.example/p>)').links).toEqual([
      { text: 'a [b] c', url: 'https://x.example/p' },
    ]);
  });

  it('links bare addresses as Discord does: up to a space or <, without trailing punctuation', () => {
    expect(readMarkdown('Read https://arxiv.org/abs/2401.00001. Or (https://x.example/a_b).').links).toEqual([
      { text: 'https://arxiv.org/abs/2401.00001', url: 'https://arxiv.org/abs/2401.00001' },
      { text: 'https://x.example/a_b', url: 'https://x.example/a_b' },
    ]);
    // A backslash is part of an address: Discord reads up to a space.
    expect(readMarkdown('https://x.example/\\_y z').links[0]?.url).toBe('https://x.example/\\_y');
    expect(readMarkdown('<https://x.example/q>').links).toEqual([
      { text: 'https://x.example/q', url: 'https://x.example/q' },
    ]);
  });

  it('does not make links of what is not one: other schemes, escaped brackets, an empty label', () => {
    expect(
      readMarkdown('[a](javascript:alert(1)) \\[b\\](https://x.example) [](https://y.example)').links,
    ).toEqual([
      { text: 'https://x.example', url: 'https://x.example' },
      { text: 'https://y.example', url: 'https://y.example' },
    ]);
  });

  it('makes no links in titles and field names (the title links as a whole)', () => {
    expect(readInline('[a](https://x.example) https://y.example')).toEqual({
      text: '[a](https://x.example) https://y.example',
      links: [],
    });
  });
});

describe('readMessage', () => {
  it('shows content, then each embed: author, linked title, description, fields, footer', () => {
    const shown = readMessage({
      content: '**3 papers** for `LLM`',
      embeds: [
        {
          author: { name: 'arXiv', url: 'https://arxiv.org' },
          title: '1\\. A \\*starred\\* title',
          url: 'https://arxiv.org/abs/2401.00001',
          description: 'Ada Lovelace\n-# score 1.5\n**TL;DR** short',
          fields: [{ name: '__Field__', value: '[pdf](https://arxiv.org/pdf/2401.00001)' }],
          footer: { text: 'arxiv-digest · **ref** x' },
        },
        { description: 'second embed' },
      ],
    });
    expect(shown.text).toBe(
      [
        '3 papers for LLM',
        'arXiv',
        '1. A *starred* title',
        'Ada Lovelace\nscore 1.5\nTL;DR short',
        'Field',
        'pdf',
        'arxiv-digest · **ref** x',
        'second embed',
      ].join('\n'),
    );
    expect(shown.links).toEqual([
      { text: 'arXiv', url: 'https://arxiv.org' },
      { text: '1. A *starred* title', url: 'https://arxiv.org/abs/2401.00001' },
      { text: 'pdf', url: 'https://arxiv.org/pdf/2401.00001' },
    ]);
  });

  it("reads back the adapter's escaping as the text it was given", () => {
    const hostile = '@everyone <@123> <@&9> **x** _y_ [label](y) # h\n> q\n- l `c` \\ ~~s~~ ||p|| <t:0>';
    expect(readMarkdown(escapeMarkdown(hostile))).toEqual({
      text: hostile.replace('@everyone', `@${ZWSP}everyone`),
      links: [],
    });
    // Addresses stay links that show where they go.
    const withLinks = readMarkdown(
      escapeMarkdown('[https://arxiv.org/abs/1](https://evil.example) and https://a.example/x_y.'),
    );
    expect(withLinks.links.length).toBeGreaterThan(0);
    for (const link of withLinks.links) expect(link.text).toBe(link.url);
    expect(readMarkdown(maskedLink('A *title*', 'https://arxiv.org/abs/2401.00001'))).toEqual({
      text: 'A *title*',
      links: [{ text: 'A *title*', url: 'https://arxiv.org/abs/2401.00001' }],
    });
  });
});

describe('pingsOf: who a message notifies', () => {
  it('parses every mention of the content when allowed_mentions is left out', () => {
    expect(pingsOf({ content: 'Hi @everyone @here <@1> <@!2> <@&3>' })).toEqual([
      'everyone',
      'here',
      'user 1',
      'user 2',
      'role 3',
    ]);
  });

  it('never pings from embeds, nor from an escaped or broken mention', () => {
    expect(pingsOf({ embeds: [{ title: '@everyone', description: '<@1> @here <@&3>' }] })).toEqual([]);
    expect(pingsOf({ content: `\\@everyone @${ZWSP}here \\<@1> <@${ZWSP}&3>` })).toEqual([]);
  });

  it('takes a code span as no protection', () => {
    expect(pingsOf({ content: '`@everyone`' })).toEqual(['everyone']);
  });

  it('lets allowed_mentions narrow it: parse kinds, explicit users and roles', () => {
    const content = '@everyone @here <@1> <@2> <@&3> <@&4>';
    expect(pingsOf({ content, allowed_mentions: { parse: [] } })).toEqual([]);
    expect(pingsOf({ content, allowed_mentions: {} })).toEqual([]);
    expect(pingsOf({ content, allowed_mentions: { parse: ['everyone'] } })).toEqual(['everyone', 'here']);
    expect(pingsOf({ content, allowed_mentions: { parse: ['users', 'roles'] } })).toEqual([
      'user 1',
      'user 2',
      'role 3',
      'role 4',
    ]);
    expect(pingsOf({ content, allowed_mentions: { users: ['2', '9'], roles: ['4'] } })).toEqual([
      'user 2',
      'role 4',
    ]);
  });

  it('pings the author of the message replied to, unless allowed_mentions leaves out replied_user', () => {
    const reply = { content: 'answer', message_reference: { message_id: '5' } };
    expect(pingsOf(reply)).toEqual(['replied user']);
    expect(pingsOf({ ...reply, allowed_mentions: { parse: [] } })).toEqual([]);
    expect(pingsOf({ ...reply, allowed_mentions: { parse: [], replied_user: true } })).toEqual([
      'replied user',
    ]);
  });

  it('finds each mention once', () => {
    expect(mentionsIn('<@1> <@!1> <@&2> <@&2>')).toEqual({
      everyone: false,
      here: false,
      users: ['1'],
      roles: ['2'],
    });
  });
});
