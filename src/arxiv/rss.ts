import { ExternalError } from '../errors.ts';
import type { ListingFeed } from './feed.ts';
import { mergeAnnouncements } from './merge.ts';
import {
  ANNOUNCE_TYPES,
  type AnnounceType,
  absUrlFor,
  normalizeWhitespace,
  type Paper,
  parseArxivId,
  pdfUrlFor,
  versionedId,
} from './paper.ts';
import { child, childElements, malformed, optionalText, textOf, type XmlElement } from './xml.ts';

/*
 * The RSS 2.0 listings of rss.arxiv.org (the format since 2024). Each item carries `arxiv:announce_type`, one
 * comma-joined `dc:creator`, a `category` per category (primary first), optional `arxiv:DOI` and
 * `arxiv:journal_reference`, and a description `arXiv:<id>v<n> Announce Type: <type> \nAbstract: <text>`.
 * Items have no submission dates; the channel's pubDate is the announcement date.
 */

const DESCRIPTION_HEAD = /^\s*arXiv:(\S+)\s+Announce Type:\s*([\w-]+)\s*(?:Abstract:\s*)?/;

/** Reads a validated `<rss>` document. Throws ARXIV_FEED_ERROR for arXiv's error feed. */
export function readRssListing(rss: XmlElement): ListingFeed {
  const channelElement = child(childElements(rss.inner), 'channel');
  if (!channelElement) throw malformed('an RSS document without a <channel>');
  const channel = childElements(channelElement.inner);
  const title = normalizeWhitespace(textOf(child(channel, 'title')));
  if (title.startsWith('Feed error for query')) {
    const reason = normalizeWhitespace(textOf(child(channel, 'description')));
    throw new ExternalError(
      'ARXIV_FEED_ERROR',
      `arXiv could not serve the listing: ${(reason || title).replace(/\.$/, '')}. Check the categories in the configuration.`,
      { detail: title },
    );
  }
  const announced = announcementDate(textOf(child(channel, 'pubDate')));
  const skipDays = childElements(child(channel, 'skipDays')?.inner ?? '')
    .filter((element) => element.name === 'day')
    .map((day) => normalizeWhitespace(textOf(day)));
  const papers: Paper[] = [];
  for (const element of channel) {
    if (element.name === 'item') papers.push(readItem(element, announced));
  }
  return { kind: 'listing', title, announced, skipDays, papers: mergeAnnouncements(papers) };
}

function readItem(item: XmlElement, announced: string | null): Paper {
  // One pass over the fields: a listing has thousands of items, each with a dozen fields.
  let title = '';
  let description = '';
  let link: string | null = null;
  let guid = '';
  let creators = '';
  let announceType: AnnounceType | null = null;
  let doi: string | null = null;
  let journalRef: string | null = null;
  const categories: string[] = [];
  for (const field of childElements(item.inner)) {
    switch (field.name) {
      case 'title':
        title = normalizeWhitespace(textOf(field));
        break;
      case 'description':
        description = textOf(field);
        break;
      case 'link':
        link = optionalText(field);
        break;
      case 'guid':
        guid = normalizeWhitespace(textOf(field));
        break;
      case 'category': {
        const category = normalizeWhitespace(textOf(field));
        if (category && !categories.includes(category)) categories.push(category);
        break;
      }
      case 'dc:creator':
        creators += creators === '' ? textOf(field) : `, ${textOf(field)}`;
        break;
      case 'arxiv:announce_type':
        announceType = toAnnounceType(normalizeWhitespace(textOf(field)));
        break;
      case 'arxiv:DOI':
        doi = optionalText(field);
        break;
      case 'arxiv:journal_reference':
        journalRef = optionalText(field);
        break;
    }
  }
  const head = DESCRIPTION_HEAD.exec(description);
  // The id from the description, else from the guid (`oai:arXiv.org:<id>`), else from the link.
  const parsed =
    (head?.[1] === undefined ? null : parseArxivId(head[1])) ??
    parseArxivId(guid.replace(/^oai:arXiv\.org:/, '')) ??
    parseArxivId((link ?? '').replace(/^.*\/abs\//, ''));
  if (!parsed) throw malformed(`an RSS item without an arXiv id (title "${title}")`);
  return {
    id: parsed.id,
    version: parsed.version,
    title,
    authors: splitCreators(creators),
    abstract: normalizeWhitespace(head ? description.slice(head[0].length) : description),
    categories,
    primaryCategory: categories[0] ?? '',
    announceType: announceType ?? toAnnounceType(head?.[2] ?? ''),
    published: null,
    updated: null,
    announced,
    absUrl: link ?? absUrlFor(parsed.id),
    pdfUrl: pdfUrlFor(versionedId(parsed)),
    doi,
    journalRef,
    comment: null,
  };
}

function toAnnounceType(text: string): AnnounceType | null {
  return (ANNOUNCE_TYPES as readonly string[]).includes(text) ? (text as AnnounceType) : null;
}

/**
 * Splits `dc:creator` ("A (Affiliation, City), B, C") into author names. Commas inside parentheses belong to
 * an affiliation; affiliations are dropped so that names match those of the API.
 */
export function splitCreators(text: string): string[] {
  // Normalized once here, so each name needs only trimming.
  const line = normalizeWhitespace(text);
  if (!line.includes('('))
    return line
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  const names: string[] = [];
  let depth = 0;
  let name = '';
  for (const char of line) {
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && char === ',') {
      names.push(name);
      name = '';
    } else if (depth === 0) name += char;
  }
  names.push(name);
  // Dropping "(affiliation)" can leave two spaces behind ("A (X) B"), hence normalizing here.
  return names.map(normalizeWhitespace).filter((author) => author !== '');
}

const EASTERN_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * An RFC 822 (RFC 2822) date-time, the only form of an RSS pubDate: `Wed, 04 Feb 2026 00:00:00 -0500`. Checked
 * before Date.parse, which reads far more than that and makes dates of garbage (`1` is 2001-01-01, `W -0500`
 * the year 500).
 */
const RFC_822 =
  /^(?:[a-z]{3},\s*)?\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(?:\d{2}|\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|[a-z]{1,5}))?$/i;

/** The calendar date of an RFC 822 timestamp in US Eastern time (arXiv's), `YYYY-MM-DD`; null if unreadable. */
export function announcementDate(pubDate: string): string | null {
  const trimmed = pubDate.trim();
  if (!RFC_822.test(trimmed)) return null;
  const time = Date.parse(trimmed);
  if (Number.isNaN(time)) return null;
  const parts = Object.fromEntries(EASTERN_DATE.formatToParts(time).map((part) => [part.type, part.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  // A year before 1000 (`04 Feb 0202`) is no announcement either.
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
}
