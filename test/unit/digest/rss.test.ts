import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import type { Digest } from '../../../src/digest/digest.ts';
import { escapeXml } from '../../../src/digest/render/escape.ts';
import { type RssChannel, renderRss } from '../../../src/digest/render/rss.ts';
import { extractiveSummary } from '../../../src/summarize/extractive.ts';
import { hostileDigest, TEX_SHOWN, texDigest } from './digests.ts';

const channel: RssChannel = {
  title: 'arXiv digest: #papers & more',
  link: 'https://digest.example.org/',
  description: 'Papers for <the team>',
  selfUrl: 'https://digest.example.org/feeds/C2.xml?a=1&b=2',
};

const RFC_822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;

interface FeedItem {
  title: string;
  link: string;
  guid: { '#text': string; '@_isPermaLink': string };
  pubDate: string;
  category: string[];
  description: string;
}

interface Feed {
  rss: {
    '@_version': string;
    channel: {
      title: string;
      link: string;
      description: string;
      lastBuildDate: string;
      'atom:link'?: { '@_href': string; '@_rel': string; '@_type': string };
      item?: FeedItem[];
    };
  };
}

function parseFeed(xml: string): Feed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => name === 'item' || name === 'category',
  }).parse(xml) as Feed;
}

describe('renderRss', () => {
  const older = hostileDigest('2024-11-27T14:00:00.000Z');
  const newer: Digest = {
    ...hostileDigest('2024-11-28T14:47:20.000Z'),
    papers: hostileDigest().papers.slice(1),
  };
  const xml = renderRss([older, newer], channel);
  const feed = parseFeed(xml);
  const items = feed.rss.channel.item ?? [];

  it('is a well-formed RSS 2.0 feed with the required channel elements', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"')).toBe(true);
    expect(feed.rss['@_version']).toBe('2.0');
    expect(feed.rss.channel.title).toBe(channel.title);
    expect(feed.rss.channel.link).toBe(channel.link);
    expect(feed.rss.channel.description).toBe(channel.description);
    expect(feed.rss.channel['atom:link']).toEqual({
      '@_href': channel.selfUrl,
      '@_rel': 'self',
      '@_type': 'application/rss+xml',
    });
    expect(feed.rss.channel.lastBuildDate).toMatch(RFC_822);
    expect(Date.parse(feed.rss.channel.lastBuildDate)).toBe(Date.parse(newer.generatedAt));
  });

  it('lists the newest digest first and each paper once', () => {
    // The newer digest holds papers 2 and 3 of the older one; paper 1 only comes with the older.
    expect(items.map((item) => item.link)).toEqual([
      'https://arxiv.org/abs/2411.00100',
      'https://arxiv.org/abs/2411.00009',
      'https://arxiv.org/abs/2411.00010',
    ]);
  });

  it("dates each item by its paper's announcement (20:00 US Eastern the evening before the listing's date)", () => {
    // Every paper of these digests was listed on Thursday 2024-11-28: released Wednesday 20:00 EST.
    expect(items.map((item) => item.pubDate)).toEqual([
      'Thu, 28 Nov 2024 01:00:00 GMT',
      'Thu, 28 Nov 2024 01:00:00 GMT',
      'Thu, 28 Nov 2024 01:00:00 GMT',
    ]);
    // Not when the digest or the file was made.
    expect(items.map((item) => Date.parse(item.pubDate))).not.toContain(Date.parse(newer.generatedAt));
  });

  it('gives each item a title, permalink guid, RFC 822 date and categories', () => {
    const [hostile] = items as [FeedItem];
    const paper = older.papers[1]?.paper;
    expect(hostile.title).toBe(paper?.title);
    expect(hostile.title).toContain('<script>alert(1)</script>');
    expect(hostile.guid).toEqual({ '#text': 'https://arxiv.org/abs/2411.00100', '@_isPermaLink': 'true' });
    for (const item of items) expect(item.pubDate).toMatch(RFC_822);
    expect(hostile.category).toEqual(['cs.CR', 'cs.AI']);
  });

  it('describes each paper in HTML escaped exactly once: authors, abstract, summary', () => {
    const description = (items[0] as FeedItem).description;
    const tags = new Set([...description.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(['h4', 'li', 'ol', 'p', 'small', 'strong', 'ul']);
    expect(description).toContain(
      '<p><strong>Authors:</strong> Eve @channel, Mallory &lt;b&gt;[x]&lt;/b&gt; *star*</p>',
    );
    expect(description).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(description).toContain('<strong>TL;DR:</strong> &lt;b&gt;Bold&lt;/b&gt; claim');
    expect(description).toContain('claim @everyone ](javascript:alert(1)) &amp; more</p>');
    expect(description).toContain(
      '<li><strong>Key idea:</strong> &lt;script&gt;alert(1)&lt;/script&gt;</li>',
    );
    expect(description).toContain(
      '<ol><li>First &amp; best</li><li>Second &lt;/details&gt; escape attempt</li></ol>',
    );
    expect(description).not.toContain('&amp;amp; more');
    expect(description).not.toMatch(/<(script|img|b|details)\b/);
    // The abstract's literal "&amp;" text is shown as such: escaped once, not decoded.
    expect(description).toContain('$x^2$ &amp;amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(description).toContain('<strong>Score:</strong> 1.5');
    expect(description).toContain('<strong>arXiv:</strong> 2411.00100v2');
  });

  it('cuts abstracts when asked', () => {
    const short = parseFeed(renderRss([newer], channel, { abstractLength: 40 }));
    const [first] = short.rss.channel.item ?? [];
    expect(first?.description).toContain('<p># Not a heading &lt;img src=x…</p>');
  });

  it('is valid with no digest at all', () => {
    const empty = parseFeed(renderRss([], channel, { now: new Date('2024-11-30T00:00:00Z') }));
    expect(empty.rss.channel.item).toBeUndefined();
    expect(empty.rss.channel.lastBuildDate).toBe('Sat, 30 Nov 2024 00:00:00 GMT');
  });
});

describe('escapeXml', () => {
  it('drops characters XML cannot carry and escapes the rest once', () => {
    expect(escapeXml('a\u0000b\u0008c\uFFFEd\uD800e & <f> "g" \'h\' 😀')).toBe(
      'abcde &amp; &lt;f&gt; &quot;g&quot; &#39;h&#39; 😀',
    );
    expect(XMLValidator.validate(`<a>${escapeXml('\u0001\u001F<&>')}</a>`)).toBe(true);
  });
});

describe('renderRss: TeX in arXiv metadata', () => {
  const [item] = parseFeed(renderRss([texDigest()], channel)).rss.channel.item ?? [];

  it('shows titles, authors and abstracts with their accents as characters, math as it is', () => {
    expect(item?.title).toBe(TEX_SHOWN.title);
    expect(item?.description).toContain(`<p><strong>Authors:</strong> ${escapeXml(TEX_SHOWN.authors)}</p>`);
    expect(item?.description).toContain(`<p>${escapeXml(TEX_SHOWN.abstract)}</p>`);
  });
});

describe('renderRss: pubDate', () => {
  const dated = (announced: string | null, fields: Partial<Paper> = {}): string => {
    const digest = { ...texDigest('2030-01-01T12:00:00.000Z'), announced };
    const ranked = digest.papers[0];
    if (!ranked) throw new Error('no paper');
    const papers = [{ ...ranked, paper: { ...ranked.paper, announced, ...fields } }];
    return parseFeed(renderRss([{ ...digest, papers }], channel)).rss.channel.item?.[0]?.pubDate ?? '';
  };

  it('is 20:00 in New York the evening before the listing date, in winter and in summer time', () => {
    expect(dated('2024-11-28')).toBe('Thu, 28 Nov 2024 01:00:00 GMT');
    expect(dated('2024-06-14')).toBe('Fri, 14 Jun 2024 00:00:00 GMT');
    // A Monday listing was released on Sunday evening.
    expect(dated('2025-12-01')).toBe('Mon, 01 Dec 2025 01:00:00 GMT');
  });

  it("falls back to the paper's first version, then to when the digest was made", () => {
    expect(dated(null, { published: '2024-11-20T18:00:01Z' })).toBe('Wed, 20 Nov 2024 18:00:01 GMT');
    expect(dated(null)).toBe('Tue, 01 Jan 2030 12:00:00 GMT');
  });
});

describe('renderRss: the self link', () => {
  const selfLink = (selfUrl: string | null | undefined) => {
    const xml = renderRss([texDigest()], { ...channel, selfUrl });
    return { xml, link: parseFeed(xml).rss.channel['atom:link'] };
  };

  it('is the http(s) URL the feed is served at', () => {
    expect(selfLink('https://digest.example.org/rss').link).toEqual({
      '@_href': 'https://digest.example.org/rss',
      '@_rel': 'self',
      '@_type': 'application/rss+xml',
    });
    expect(selfLink('http://digest.example.org:8080/feeds/t.xml').link?.['@_href']).toBe(
      'http://digest.example.org:8080/feeds/t.xml',
    );
  });

  it('is left out rather than wrong: no URL, a file:// URL, a relative one', () => {
    for (const selfUrl of [
      null,
      undefined,
      'file:///srv/data/digests/feed.xml',
      '/feeds/t.xml',
      'feed.xml',
    ]) {
      const { xml, link } = selfLink(selfUrl);
      expect(link, String(selfUrl)).toBeUndefined();
      expect(xml).not.toContain('rel="self"');
    }
  });
});

describe('renderRss: what the W3C feed validator checks', () => {
  const digests = [hostileDigest('2024-11-27T14:00:00.000Z'), texDigest()];
  const xml = renderRss(digests, channel);
  const feed = parseFeed(xml);
  const items = feed.rss.channel.item ?? [];

  it('writes every date in RFC 822 with a four-digit year', () => {
    const dates = [...xml.matchAll(/<(pubDate|lastBuildDate)>([^<]*)</g)].map((m) => m[2] as string);
    expect(dates.length).toBe(items.length + 1);
    for (const date of dates) expect(date).toMatch(RFC_822);
  });

  it('gives each item a permalink guid that is its absolute https link, and no enclosure', () => {
    for (const item of items) {
      expect(item.guid['@_isPermaLink']).toBe('true');
      expect(item.guid['#text']).toBe(item.link);
      expect(item.link).toMatch(/^https:\/\/arxiv\.org\/abs\//);
    }
    expect(xml).not.toContain('<enclosure');
  });

  it('has no relative link anywhere, also inside the descriptions', () => {
    const links = [...xml.matchAll(/(?:href|src)="([^"]*)"/g), ...xml.matchAll(/<link>([^<]*)</g)];
    for (const item of items) {
      links.push(...item.description.matchAll(/(?:href|src)=["']([^"']*)["']/g));
    }
    for (const [, link] of links) expect(link).toMatch(/^https?:\/\//);
  });

  it('carries HTML descriptions escaped, and titles as plain text', () => {
    expect(xml).not.toMatch(/<description>[^<]*<(?!\/description>)/);
    expect(xml).not.toContain('<![CDATA[');
    for (const item of items) expect(item.description).toMatch(/^<p><strong>Authors:<\/strong>/);
  });

  it('declares the Atom namespace it uses for the self link', () => {
    expect(xml).toContain('xmlns:atom="http://www.w3.org/2005/Atom"');
  });
});

describe('renderRss: each abstract once', () => {
  const digest = texDigest();
  const ranked = digest.papers[0];
  if (!ranked) throw new Error('no paper');
  const extract = extractiveSummary({
    paperId: ranked.paper.id,
    version: ranked.paper.version,
    abstract: ranked.paper.abstract,
    language: 'en',
  });
  const withExtract = { ...digest, papers: [{ ...ranked, summary: extract }] };

  it('leaves out a summary cut from the abstract where the abstract is shown', () => {
    const [item] = parseFeed(renderRss([withExtract], channel)).rss.channel.item ?? [];
    expect(item?.description).not.toContain('Summary (from the abstract)');
    expect(item?.description.split('We study Schrödinger operators')).toHaveLength(2);
  });

  it('shows it when the abstract is not', () => {
    const [item] = parseFeed(renderRss([withExtract], channel, { abstractLength: 0 })).rss.channel.item ?? [];
    expect(item?.description).toContain('<h4>Summary (from the abstract)</h4>');
  });
});
