import { readAtomFeed } from './atom.ts';
import type { Paper } from './paper.ts';
import { readRssListing } from './rss.ts';
import { malformed, readXmlDocument, xmlText } from './xml.ts';

/** A daily listing from rss.arxiv.org. */
export interface ListingFeed {
  kind: 'listing';
  title: string;
  /** The announcement date `YYYY-MM-DD` (the channel's pubDate, in arXiv's time zone, US Eastern). */
  announced: string | null;
  /** The days on which no listing is published, as the feed states them (`Saturday`, `Sunday`). */
  skipDays: string[];
  /** One Paper per arXiv id; a paper listed under several categories is merged (see mergeAnnouncements). */
  papers: Paper[];
}

/** A page of results from the export API. */
export interface SearchFeed {
  kind: 'search';
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  papers: Paper[];
}

export type ArxivFeed = ListingFeed | SearchFeed;

/**
 * Parses an arXiv feed: RSS 2.0 of rss.arxiv.org (a listing) or Atom of the export API (search results),
 * told apart by the root element. Throws ExternalError: ARXIV_MALFORMED for anything that is not well-formed
 * XML in one of these formats, ARXIV_FEED_ERROR for an RSS error feed, ARXIV_API_ERROR for an API error entry.
 */
export function parseFeed(xml: string | Uint8Array): ArxivFeed {
  const root = readXmlDocument(xmlText(xml));
  if (root.name === 'rss') return readRssListing(root);
  if (root.name === 'feed') return readAtomFeed(root);
  throw malformed(`expected an RSS 2.0 listing or an Atom feed, found a <${root.name}> document`);
}
