import { XMLParser } from 'fast-xml-parser';
import { type AnnounceType, normalizeWhitespace, type Paper, pdfUrlFor } from '../../../src/arxiv/paper.ts';

/**
 * A minimal reader of rss.arxiv.org feeds, for the digest tests and the matching benchmark only, until the
 * project's parser (src/arxiv/parse.ts) lands. It reads what ranking needs and assumes a well-formed feed.
 */

interface RssItem {
  title: string;
  link: string;
  description: string;
  category?: string[];
  pubDate?: string;
  'arxiv:announce_type'?: string;
  'dc:creator'?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Thu, 28 Nov 2024 00:00:00 -0500` -> `2024-11-28`, the date in the feed's own time zone. */
function announcedDate(pubDate: string | undefined): string | null {
  const match = /(\d{1,2}) (\w{3}) (\d{4})/.exec(pubDate ?? '');
  if (!match) return null;
  const month = MONTHS.indexOf(match[2] as string) + 1;
  return `${match[3]}-${String(month).padStart(2, '0')}-${(match[1] as string).padStart(2, '0')}`;
}

export function readArxivRss(xml: string | Buffer): Paper[] {
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    isArray: (name) => name === 'item' || name === 'category',
  });
  const document = parser.parse(xml) as { rss: { channel: { item?: RssItem[] } } };
  return (document.rss.channel.item ?? []).map((item) => {
    const description = String(item.description);
    const versioned = /arXiv:(\S+?)v(\d+)\s/.exec(description);
    const id = versioned?.[1] ?? String(item.link).replace(/^.*\/abs\//, '');
    const categories = (item.category ?? []).map(String);
    return {
      id,
      version: versioned ? Number(versioned[2]) : null,
      title: normalizeWhitespace(String(item.title)),
      authors: item['dc:creator'] ? String(item['dc:creator']).split(/,\s*/) : [],
      abstract: normalizeWhitespace(description.replace(/^[\s\S]*?Abstract:/, '')),
      categories,
      primaryCategory: categories[0] ?? '',
      announceType: (item['arxiv:announce_type'] ?? null) as AnnounceType | null,
      published: null,
      updated: null,
      announced: announcedDate(item.pubDate),
      absUrl: String(item.link),
      pdfUrl: pdfUrlFor(id),
      doi: null,
      journalRef: null,
      comment: null,
    };
  });
}
