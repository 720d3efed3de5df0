import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnnounceType } from '../../src/arxiv/paper.ts';
import { CATEGORIES } from '../../src/arxiv/taxonomy.ts';
import { hasSharedFixtures, readArxivPyRecording, readSharedFixture } from '../support/shared-fixtures.ts';

/*
 * A fake arXiv on 127.0.0.1 that speaks arXiv's protocols over a real socket:
 *
 * - GET /rss/<cat1+cat2+...>: the daily listing in rss.arxiv.org's 2024+ format. By default the items of the
 *   real 1,504-item recording that carry any requested category or archive; a name arXiv does not know gets
 *   arXiv's error feed. `setListing` replaces the feed.
 * - GET /api/query?search_query=&id_list=&start=&max_results=: Atom in the 2025+ serializer. id_list look-ups
 *   answer from every recorded entry (and `setSearch` papers); a malformed id gets arXiv's HTTP 400 error
 *   entry. search_query answers from search collections (the recorded `testing` and `au:del_maestro` queries,
 *   plus `setSearch`), sliced by start/max_results and filtered by `cat:` clauses. The recorded pages are
 *   served byte for byte when asked for exactly. Pages past the recorded entries of a collection come back
 *   empty while totalResults says there is more, as arXiv's own sometimes do.
 * - GET /pdf/<id>, /html/<id>: bodies set by a test (`setPdf`, `setHtml`), else 404.
 *
 * Faults (`fail`) are queued and each is used by the next matching request. `faults.huge(bytes)` streams a
 * body of that many bytes (a document's start, then spaces) without holding it in memory, with or without a
 * Content-Length, and stops when the client hangs up; `hugeSent` says how much went out. Every request is recorded with
 * its arrival and completion time (performance.now() of this process), and the most requests ever in flight
 * at once is kept in `maxInFlight`.
 *
 *   const fake = await startFakeArxiv();
 *   const client = new ArxivClient({ rssUrl: fake.rssUrl, apiUrl: fake.apiUrl, gate: new RateGate({ minIntervalMs: 1 }),
 *     minIntervalMs: 1, timeoutMs: 2000, maxRetries: 2, backoffBaseMs: 5, contact: 'test', version: '0.0.0' });
 *   fake.setListing(rssListingXml([{ id: '2602.00001', title: 'A paper' }], { categories: ['cs.AI'] }));
 *   fake.fail(faults.tooManyRequests(1));
 *   ...
 *   await fake.close();
 */

export type Route = 'rss' | 'api' | 'pdf' | 'html';

export type Fault = (
  | { kind: 'status'; status: number; retryAfter?: string | number; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' }
  | { kind: 'empty-page' }
  | { kind: 'malformed' }
  | { kind: 'huge'; bytes: number; contentLength: boolean; status: number }
) & {
  /** Only a request to this route uses the fault (any route by default; `empty-page` defaults to `api`). */
  on?: Route;
};

/** Shorthands for the faults. */
export const faults = {
  tooManyRequests: (retryAfter?: string | number): Fault => ({ kind: 'status', status: 429, retryAfter }),
  unavailable: (retryAfter?: string | number): Fault => ({
    kind: 'status',
    status: 503,
    retryAfter,
    body: retryAfter === undefined ? 'Service Unavailable' : `Retry after ${retryAfter} seconds`,
  }),
  serverError: (): Fault => ({ kind: 'status', status: 500 }),
  slow: (delayMs: number): Fault => ({ kind: 'slow', delayMs }),
  reset: (): Fault => ({ kind: 'reset' }),
  emptyPage: (): Fault => ({ kind: 'empty-page', on: 'api' }),
  malformed: (): Fault => ({ kind: 'malformed' }),
  /**
   * An answer of `bytes` bytes, streamed; with `contentLength: true` announced in a Content-Length. Status 200
   * unless `status` says otherwise.
   */
  huge: (bytes: number, options: { contentLength?: boolean; status?: number; on?: Route } = {}): Fault => ({
    kind: 'huge',
    bytes,
    contentLength: options.contentLength ?? false,
    status: options.status ?? 200,
    ...(options.on ? { on: options.on } : {}),
  }),
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  arrivedAt: number;
  /** When the answer was sent or the connection closed; null while in flight. */
  completedAt: number | null;
}

/** A paper for the feed builders: an id and whatever else the test cares about. */
export interface FeedPaper {
  id: string;
  version?: number;
  title?: string;
  authors?: string[];
  abstract?: string;
  categories?: string[];
  announceType?: AnnounceType;
  published?: string;
  updated?: string;
  doi?: string;
  journalRef?: string;
  comment?: string;
}

export interface ApiMatch {
  search_query?: string;
  id_list?: string;
  start?: number;
  max_results?: number;
}

export interface FakeArxivOptions {
  /** Serve the shared recordings (default: whenever ../shared/fixtures is there). */
  recordings?: boolean;
}

export interface FakeArxiv {
  /** The base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** For ArxivClient's rssUrl: `<url>/rss`. */
  rssUrl: string;
  /** For ArxivClient's apiUrl: `<url>/api/query`. */
  apiUrl: string;
  requests: RecordedRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Bytes written of each `huge` answer, in order (final once the connection closed). */
  readonly hugeSent: readonly number[];
  /** Serves this RSS document for every listing request, or only for this set of categories. */
  setListing(xml: string | Buffer, categories?: readonly string[]): void;
  /** Makes `query` (as a person would type it, e.g. `graph neural`) answer with these papers. */
  setSearch(query: string, papers: readonly FeedPaper[], options?: { totalResults?: number }): void;
  /** An exact answer for API requests matching every given parameter; checked before anything else. */
  setApiResponse(match: ApiMatch, response: { status?: number; body: string | Buffer }): void;
  setPdf(id: string, body: Buffer, contentType?: string): void;
  setHtml(id: string, html: string): void;
  /** Queues faults; each is used by the next request it applies to. */
  fail(...faults: Fault[]): void;
  close(): Promise<void>;
}

interface Collection {
  entries: string[];
  totalResults: number;
}

interface Body {
  status: number;
  contentType: string;
  body: string | Buffer;
}

const ATOM_TYPE = 'application/atom+xml; charset=utf-8';
const RSS_TYPE = 'application/rss+xml; charset=utf-8';
const ID_FORMAT = /^(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/;

export async function startFakeArxiv(options: FakeArxivOptions = {}): Promise<FakeArxiv> {
  const useRecordings = options.recordings ?? hasSharedFixtures;
  const recordedListing = useRecordings
    ? readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml').toString('utf8')
    : null;
  const listings = new Map<string, string | Buffer>();
  const collections = new Map<string, Collection>();
  const exact: Array<{ match: ApiMatch; response: Body }> = [];
  const entriesById = new Map<string, string>();
  const files = new Map<string, Body>();
  const queued: Fault[] = [];
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const hugeSent: number[] = [];

  const indexEntries = (entries: readonly string[]) => {
    for (const entry of entries) {
      const id = /<id>\s*https?:\/\/arxiv\.org\/abs\/(\S+?)\s*<\/id>/.exec(entry)?.[1];
      if (!id) continue;
      entriesById.set(id, entry);
      entriesById.set(id.replace(/v\d+$/, ''), entry);
    }
  };

  if (useRecordings) seedRecordings(collections, exact, indexEntries);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      arrivedAt: performance.now(),
      completedAt: null,
    };
    requests.push(record);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const complete = () => {
      if (record.completedAt !== null) return;
      record.completedAt = performance.now();
      inFlight--;
    };
    response.on('finish', complete);
    response.on('close', complete);
    const route = routeOf(url.pathname);
    const faultAt = queued.findIndex((fault) => fault.on === undefined || fault.on === route);
    const fault = faultAt === -1 ? undefined : queued.splice(faultAt, 1)[0];
    handle(request, response, url, route, fault);
  });

  const handle = (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: Route | null,
    fault: Fault | undefined,
  ) => {
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'huge') {
      const index = hugeSent.push(0) - 1;
      streamHuge(response, fault, route, (sent) => {
        hugeSent[index] = sent;
      });
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      response.writeHead(fault.status, headers).end(fault.body ?? `HTTP ${fault.status}`);
      return;
    }
    let answer = answerFor(url, route);
    if (fault?.kind === 'empty-page')
      answer = { ...answer, body: String(answer.body).replace(/\s*<entry>[\s\S]*?<\/entry>/g, '') };
    if (fault?.kind === 'malformed') {
      const text = String(answer.body);
      answer = { ...answer, status: 200, body: text.slice(0, Math.floor(text.length / 2)) };
    }
    const send = () => {
      if (!response.destroyed)
        response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
    };
    if (fault?.kind === 'slow') {
      const timer = setTimeout(send, fault.delayMs);
      response.on('close', () => clearTimeout(timer));
    } else {
      send();
    }
  };

  const answerFor = (url: URL, route: Route | null): Body => {
    if (route === 'rss') return answerListing(decodeURIComponent(url.pathname.slice('/rss/'.length)));
    if (route === 'api') return answerApi(url.searchParams);
    if (route === 'pdf' || route === 'html') {
      const id = decodeURIComponent(url.pathname.slice(route.length + 2));
      const file = files.get(`${route}:${id}`) ?? files.get(`${route}:${id.replace(/v\d+$/, '')}`);
      if (file) return file;
    }
    return {
      status: 404,
      contentType: 'text/html; charset=utf-8',
      body: '<html><body>Not Found</body></html>',
    };
  };

  const answerListing = (path: string): Body => {
    const names = path.split('+').filter((name) => name !== '');
    const set = listings.get(categoryKey(names)) ?? listings.get('*');
    if (set !== undefined) return { status: 200, contentType: RSS_TYPE, body: set };
    const unknown = names.find((name) => !(name in CATEGORIES) && name !== 'test');
    if (unknown !== undefined || names.length === 0) {
      return { status: 200, contentType: RSS_TYPE, body: rssErrorXml(path, unknown ?? '') };
    }
    const items = recordedListing === null ? [] : recordedItems(recordedListing, names);
    return { status: 200, contentType: RSS_TYPE, body: rssDocument(names, items, RECORDED_PUB_DATE) };
  };

  const answerApi = (params: URLSearchParams): Body => {
    const searchQuery = params.get('search_query') ?? '';
    const idList = params.get('id_list') ?? '';
    const start = Number(params.get('start') ?? 0);
    const maxResults = Number(params.get('max_results') ?? 10);
    const override = exact.find(({ match }) =>
      matches(match, { search_query: searchQuery, id_list: idList, start, max_results: maxResults }),
    );
    if (override) return override.response;
    const selfLink = `search_query=${searchQuery}&id_list=${idList}&start=${start}&max_results=${maxResults}`;
    if (idList !== '') {
      const ids = idList.split(',').map((id) => id.trim());
      const bad = ids.find((id) => !ID_FORMAT.test(id));
      if (bad !== undefined)
        return { status: 400, contentType: ATOM_TYPE, body: atomErrorXml(`incorrect id format for ${bad}`) };
      const found = ids.map((id) => entriesById.get(id)).filter((entry) => entry !== undefined);
      return atomAnswer(selfLink, found.slice(start, start + maxResults), found.length, start, maxResults);
    }
    const { key, categories } = parseSearch(searchQuery);
    const collection = collections.get(key);
    if (!collection) return atomAnswer(selfLink, [], 0, start, maxResults);
    const entries =
      categories.length === 0
        ? collection.entries
        : collection.entries.filter((entry) =>
            categories.some((code) => entryCategories(entry).includes(code)),
          );
    const total = categories.length === 0 ? collection.totalResults : entries.length;
    return atomAnswer(selfLink, entries.slice(start, start + maxResults), total, start, maxResults);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    rssUrl: `${base}/rss`,
    apiUrl: `${base}/api/query`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    hugeSent,
    setListing(xml, categories) {
      listings.set(categories ? categoryKey(categories) : '*', xml);
    },
    setSearch(query, papers, searchOptions = {}) {
      const entries = papers.map(atomEntryXml);
      indexEntries(entries);
      collections.set(parseSearch(query).key, {
        entries,
        totalResults: searchOptions.totalResults ?? entries.length,
      });
    },
    setApiResponse(match, response) {
      exact.unshift({
        match,
        response: { status: response.status ?? 200, contentType: ATOM_TYPE, body: response.body },
      });
    },
    setPdf(id, body, contentType = 'application/pdf') {
      files.set(`pdf:${id}`, { status: 200, contentType, body });
    },
    setHtml(id, html) {
      files.set(`html:${id}`, { status: 200, contentType: 'text/html; charset=utf-8', body: html });
    },
    fail(...more) {
      queued.push(...more);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The start of a huge body, so that it looks like the route's document to whoever reads its first bytes. */
const HUGE_START: Record<Route | 'other', { contentType: string; start: string }> = {
  rss: {
    contentType: RSS_TYPE,
    start: '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>huge</title>',
  },
  api: {
    contentType: ATOM_TYPE,
    start: '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
  },
  html: { contentType: 'text/html; charset=utf-8', start: '<!DOCTYPE html>\n<html><body>' },
  pdf: { contentType: 'application/pdf', start: '%PDF-1.5\n' },
  other: { contentType: 'application/octet-stream', start: '' },
};

/**
 * Writes `fault.bytes` bytes in 64 kB pieces, waiting for the socket to drain, so a gigabyte costs this
 * process nothing; stops when the client closes the connection. `onSent` gets the running total.
 */
function streamHuge(
  response: ServerResponse,
  fault: { bytes: number; contentLength: boolean; status: number },
  route: Route | null,
  onSent: (sent: number) => void,
): void {
  const { contentType, start } = HUGE_START[route ?? 'other'];
  const headers: Record<string, string> = { 'content-type': contentType };
  if (fault.contentLength) headers['content-length'] = String(fault.bytes);
  response.writeHead(fault.status, headers);
  const piece = Buffer.alloc(64 * 1024, ' ');
  const first = Buffer.concat([Buffer.from(start), piece]).subarray(0, piece.length);
  let sent = 0;
  const write = (): void => {
    while (sent < fault.bytes && !response.destroyed) {
      const size = Math.min(piece.length, fault.bytes - sent);
      const chunk = (sent === 0 ? first : piece).subarray(0, size);
      sent += size;
      onSent(sent);
      if (!response.write(chunk)) {
        response.once('drain', write);
        return;
      }
    }
    if (sent >= fault.bytes && !response.destroyed) response.end();
  };
  write();
}

function routeOf(path: string): Route | null {
  if (path.startsWith('/rss/')) return 'rss';
  if (path === '/api/query') return 'api';
  if (path.startsWith('/pdf/')) return 'pdf';
  if (path.startsWith('/html/')) return 'html';
  return null;
}

function categoryKey(names: readonly string[]): string {
  return [...names].sort().join('+');
}

function matches(match: ApiMatch, actual: Required<ApiMatch>): boolean {
  return (Object.keys(match) as Array<keyof ApiMatch>).every((name) =>
    name === 'search_query'
      ? sameSearch(match.search_query ?? '', actual.search_query)
      : match[name] === actual[name],
  );
}

function sameSearch(a: string, b: string): boolean {
  const x = parseSearch(a);
  const y = parseSearch(b);
  return x.key === y.key && categoryKey(x.categories) === categoryKey(y.categories);
}

/**
 * A search as a lookup key: field `all:` and quotes dropped, AND between words dropped, lower case; `cat:`
 * clauses taken out as a filter. `all:"graph" AND all:"neural"` and `graph neural` are the same key.
 */
function parseSearch(query: string): { key: string; categories: string[] } {
  const categories = [...query.matchAll(/cat:([\w.-]+)/g)].map((match) => match[1] as string);
  const key = query
    .replace(/\(?\s*cat:[\w.-]+(?:\s+OR\s+cat:[\w.-]+)*\s*\)?/g, ' ')
    .replace(/\ball:/g, '')
    .replace(/"/g, '')
    .replace(/\s+AND\s*$|^\s*AND\s+/g, ' ')
    .replace(/\s+AND\s+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return { key, categories };
}

function entryCategories(entry: string): string[] {
  return [...entry.matchAll(/<category term="([^"]+)"/g)].map((match) => match[1] as string);
}

/** The recordings: search collections, exact pages, and every entry for id_list look-ups. */
function seedRecordings(
  collections: Map<string, Collection>,
  exact: Array<{ match: ApiMatch; response: Body }>,
  indexEntries: (entries: readonly string[]) => void,
): void {
  const jsonRecordings = [
    'q_testing_s0_m100_cfe7536492ca.json',
    'q_testing_s50_m10_7f488ab8598c.json',
    'id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json',
    'id_astro-ph_0601001_s0_m100_3150dca9dc76.json',
    'id_quant-ph_0201082v1_s0_m100_86989fe779ef.json',
  ];
  for (const name of jsonRecordings) {
    const recording = readArxivPyRecording(name);
    const body = recording.body.toString('utf8');
    indexEntries(atomEntries(body));
    const params = new URL(recording.url).searchParams;
    const searchQuery = params.get('search_query') ?? '';
    if (searchQuery !== '') {
      exact.push({
        match: {
          search_query: searchQuery,
          start: Number(params.get('start')),
          max_results: Number(params.get('max_results')),
        },
        response: { status: recording.status, contentType: ATOM_TYPE, body: recording.body },
      });
    }
  }
  const testing = readArxivPyRecording('q_testing_s0_m100_cfe7536492ca.json').body.toString('utf8');
  collections.set('testing', { entries: atomEntries(testing), totalResults: totalResultsOf(testing) });
  const legacy = {
    'au:del_maestro': 'search_query=au_del_maestro.xml',
    'au:del_maestro andnot (ti:checkerboard or ti:pyrochlore)':
      'search_query=au_del_maestro+ANDNOT+ti_checkerboard_OR_ti_Pyrochlore.xml',
    '': 'id_list=1111.2011v2.xml',
  };
  for (const [key, file] of Object.entries(legacy)) {
    const body = readSharedFixture(`arxiv/arxiv-py/${file}`).toString('utf8');
    indexEntries(atomEntries(body));
    if (key !== '') collections.set(key, { entries: atomEntries(body), totalResults: totalResultsOf(body) });
  }
}

function atomEntries(feed: string): string[] {
  return feed.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
}

function totalResultsOf(feed: string): number {
  return Number(/<opensearch:totalResults[^>]*>(\d+)</.exec(feed)?.[1] ?? 0);
}

function atomAnswer(
  selfLink: string,
  entries: readonly string[],
  total: number,
  start: number,
  perPage: number,
): Body {
  return {
    status: 200,
    contentType: ATOM_TYPE,
    body: atomDocument(selfLink, entries, total, start, perPage),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Documents in arXiv's formats. Exported so that tests elsewhere can build feeds from a few fields.
// ---------------------------------------------------------------------------------------------------------

const RECORDED_PUB_DATE = 'Thu, 28 Nov 2024 00:00:00 -0500';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An RSS 2.0 listing as rss.arxiv.org writes it; `pubDate` is the channel's (RFC 822, Eastern time). */
export function rssListingXml(
  papers: readonly FeedPaper[],
  options: { categories?: readonly string[]; pubDate?: string } = {},
): string {
  const categories = options.categories ?? ['cs.AI'];
  return rssDocument(categories, papers.map(rssItemXml), options.pubDate ?? RECORDED_PUB_DATE);
}

/** One `<item>` in rss.arxiv.org's 2024+ format. */
export function rssItemXml(paper: FeedPaper): string {
  const version = paper.version ?? 1;
  const announceType = paper.announceType ?? 'new';
  const lines = [
    '    <item>',
    `      <title>${escapeXml(paper.title ?? `Paper ${paper.id}`)}</title>`,
    `      <link>https://arxiv.org/abs/${paper.id}</link>`,
    `      <description>arXiv:${paper.id}v${version} Announce Type: ${announceType} \nAbstract: ${escapeXml(paper.abstract ?? 'An abstract.')}</description>`,
    `      <guid isPermaLink="false">oai:arXiv.org:${paper.id}v${version}</guid>`,
    ...(paper.categories ?? ['cs.AI']).map((category) => `      <category>${escapeXml(category)}</category>`),
    `      <pubDate>${RECORDED_PUB_DATE}</pubDate>`,
    `      <arxiv:announce_type>${announceType}</arxiv:announce_type>`,
    '      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>',
    ...(paper.doi ? [`      <arxiv:DOI>${escapeXml(paper.doi)}</arxiv:DOI>`] : []),
    ...(paper.journalRef
      ? [`      <arxiv:journal_reference>${escapeXml(paper.journalRef)}</arxiv:journal_reference>`]
      : []),
    `      <dc:creator>${escapeXml((paper.authors ?? ['A. Author']).join(', '))}</dc:creator>`,
    '    </item>',
  ];
  return lines.join('\n');
}

function rssDocument(names: readonly string[], items: readonly string[], pubDate: string): string {
  const title = `${names.join(', ')} updates on arXiv.org`;
  const link = `http://rss.arxiv.org/rss/${names.join('+')}`;
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>${escapeXml(title)}</title>
    <link>${escapeXml(link)}</link>
    <description>${escapeXml(`${names.join(', ')} updates on the arXiv.org e-print archive.`)}</description>
    <atom:link href="${escapeXml(link)}" rel="self" type="application/rss+xml"/>
    <docs>http://www.rssboard.org/rss-specification</docs>
    <language>en-us</language>
    <lastBuildDate>${pubDate}</lastBuildDate>
    <managingEditor>rss-help@arxiv.org</managingEditor>
    <pubDate>${pubDate}</pubDate>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
${items.join('\n')}
  </channel>
</rss>
`;
}

/** arXiv's error feed for a listing it cannot serve. */
function rssErrorXml(path: string, bad: string): string {
  const archives = [...new Set(Object.keys(CATEGORIES).map((code) => code.split('.')[0]))].sort().join(', ');
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
    <title>Feed error for query: http://rss.arxiv.org/rss/${escapeXml(path)}</title>
    <link>http://rss.arxiv.org/rss/${escapeXml(path)}</link>
    <description>Bad archive '${escapeXml(bad)}'. Valid archive names are: ${archives}, test.</description>
    <atom:link href="http://rss.arxiv.org/rss/${escapeXml(path)}" rel="self" type="application/rss+xml"/>
    <docs>http://www.rssboard.org/rss-specification</docs>
    <language>en-us</language>
    <lastBuildDate>${RECORDED_PUB_DATE}</lastBuildDate>
    <managingEditor>rss-help.arxiv.org</managingEditor>
    <pubDate>${RECORDED_PUB_DATE}</pubDate>
  </channel>
</rss>
`;
}

/** The recording's items that carry a requested category, or a category of a requested archive. */
function recordedItems(listing: string, names: readonly string[]): string[] {
  const items = listing.match(/ {4}<item>[\s\S]*?<\/item>/g) ?? [];
  return items.filter((item) =>
    [...item.matchAll(/<category>([^<]+)<\/category>/g)].some(([, category = '']) =>
      names.some((name) => category === name || category.startsWith(`${name}.`)),
    ),
  );
}

/** An Atom feed in the export API's 2025+ serializer. */
export function atomFeedXml(
  papers: readonly FeedPaper[],
  options: { totalResults?: number; startIndex?: number; itemsPerPage?: number } = {},
): string {
  return atomDocument(
    'search_query=&id_list=&start=0&max_results=10',
    papers.map(atomEntryXml),
    options.totalResults ?? papers.length,
    options.startIndex ?? 0,
    options.itemsPerPage ?? papers.length,
  );
}

/** One `<entry>` as the 2025+ serializer writes it. */
function atomEntryXml(paper: FeedPaper): string {
  const versioned = `${paper.id}v${paper.version ?? 1}`;
  const categories = paper.categories ?? ['cs.AI'];
  const published = paper.published ?? '2024-11-27T18:00:00Z';
  const lines = [
    '  <entry>',
    `    <id>http://arxiv.org/abs/${versioned}</id>`,
    `    <title>${escapeXml(paper.title ?? `Paper ${paper.id}`)}</title>`,
    `    <updated>${paper.updated ?? published}</updated>`,
    `    <link href="https://arxiv.org/abs/${versioned}" rel="alternate" type="text/html"/>`,
    `    <link href="https://arxiv.org/pdf/${versioned}" rel="related" type="application/pdf" title="pdf"/>`,
    `    <summary>${escapeXml(paper.abstract ?? 'An abstract.')}</summary>`,
    ...categories.map(
      (category) => `    <category term="${escapeXml(category)}" scheme="http://arxiv.org/schemas/atom"/>`,
    ),
    `    <published>${published}</published>`,
    ...(paper.comment ? [`    <arxiv:comment>${escapeXml(paper.comment)}</arxiv:comment>`] : []),
    `    <arxiv:primary_category term="${escapeXml(categories[0] ?? 'cs.AI')}"/>`,
    ...(paper.journalRef
      ? [`    <arxiv:journal_ref>${escapeXml(paper.journalRef)}</arxiv:journal_ref>`]
      : []),
    ...(paper.authors ?? ['A. Author']).map(
      (name) => `    <author>\n      <name>${escapeXml(name)}</name>\n    </author>`,
    ),
    ...(paper.doi
      ? [
          `    <arxiv:doi>${escapeXml(paper.doi)}</arxiv:doi>`,
          `    <link rel="related" href="https://doi.org/${escapeXml(paper.doi)}" title="doi"/>`,
        ]
      : []),
    '  </entry>',
  ];
  return lines.join('\n');
}

function atomDocument(
  selfLink: string,
  entries: readonly string[],
  total: number,
  start: number,
  perPage: number,
): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: ${escapeXml(selfLink)}</title>
  <updated>2026-04-12T22:45:06Z</updated>
  <link href="https://arxiv.org/api/query?${escapeXml(selfLink)}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>${perPage}</opensearch:itemsPerPage>
  <opensearch:totalResults>${total}</opensearch:totalResults>
  <opensearch:startIndex>${start}</opensearch:startIndex>
${entries.join('\n')}
</feed>
`;
}

/** The API's error feed (HTTP 400), as recorded for `id_list=abc`. */
function atomErrorXml(message: string): string {
  const anchor = message.replace(/\W+/g, '_');
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-04-12T22:59:06Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#${anchor}</id>
    <title>Error</title>
    <updated>2026-04-12T22:59:06Z</updated>
    <link href="https://arxiv.org/api/errors#${anchor}" rel="alternate" type="text/html"/>
    <summary>${escapeXml(message)}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
`;
}
