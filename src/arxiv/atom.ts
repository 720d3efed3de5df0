import { ExternalError } from '../errors.ts';
import type { SearchFeed } from './feed.ts';
import { absUrlFor, normalizeWhitespace, type Paper, parseArxivId, pdfUrlFor, versionedId } from './paper.ts';
import { attributes, child, childElements, malformed, optionalText, textOf, type XmlElement } from './xml.ts';

/*
 * The Atom feeds of the export API, in both serializers: the older one (2016: per-element xmlns, `title
 * type="html"`, hard-wrapped summaries, http links) and the 2025+ one (namespaces on <feed>, https links,
 * primary_category without scheme). Both use the prefixes `opensearch:` and `arxiv:`.
 */

/** Reads a validated `<feed>` document. Throws ARXIV_API_ERROR when arXiv answered with an error entry. */
export function readAtomFeed(feed: XmlElement): SearchFeed {
  const children = childElements(feed.inner);
  const entries = children
    .filter((element) => element.name === 'entry')
    .map((entry) => childElements(entry.inner));
  for (const entry of entries) {
    if (textOf(child(entry, 'id')).includes('/api/errors')) {
      const reason = normalizeWhitespace(textOf(child(entry, 'summary')));
      throw new ExternalError(
        'ARXIV_API_ERROR',
        `arXiv rejected the query: ${(reason || 'no reason given').replace(/\.$/, '')}.`,
        {
          detail: normalizeWhitespace(textOf(child(entry, 'id'))),
        },
      );
    }
  }
  return {
    kind: 'search',
    totalResults: count(children, 'opensearch:totalResults'),
    startIndex: count(children, 'opensearch:startIndex'),
    itemsPerPage: count(children, 'opensearch:itemsPerPage'),
    papers: entries.map(readEntry),
  };
}

function count(children: XmlElement[], name: string): number {
  const text = normalizeWhitespace(textOf(child(children, name)));
  if (!/^\d+$/.test(text)) throw malformed(`<${name}> should be a whole number, found "${text}"`);
  return Number(text);
}

function readEntry(fields: XmlElement[]): Paper {
  const idText = normalizeWhitespace(textOf(child(fields, 'id')));
  const parsed = parseArxivId(idText.replace(/^.*\/abs\//, ''));
  if (!parsed) throw malformed(`an Atom entry whose id is not an arXiv id: "${idText}"`);
  const primaryElement = child(fields, 'arxiv:primary_category');
  const primary = primaryElement ? attributes(primaryElement).term : undefined;
  const categories = primary ? [primary] : [];
  const authors: string[] = [];
  let absUrl: string | null = null;
  let pdfUrl: string | null = null;
  for (const field of fields) {
    if (field.name === 'category') {
      const term = attributes(field).term;
      if (term && !categories.includes(term)) categories.push(term);
    } else if (field.name === 'author') {
      const name = optionalText(child(childElements(field.inner), 'name'));
      if (name) authors.push(name);
    } else if (field.name === 'link') {
      const { rel, title, href } = attributes(field);
      if (href && rel === 'alternate') absUrl = href;
      else if (href && title === 'pdf') pdfUrl = href;
    }
  }
  return {
    id: parsed.id,
    version: parsed.version,
    title: normalizeWhitespace(textOf(child(fields, 'title'))),
    authors,
    abstract: normalizeWhitespace(textOf(child(fields, 'summary'))),
    categories,
    primaryCategory: categories[0] ?? '',
    announceType: null,
    published: optionalText(child(fields, 'published')),
    updated: optionalText(child(fields, 'updated')),
    announced: null,
    absUrl: absUrl ?? absUrlFor(versionedId(parsed)),
    pdfUrl: pdfUrl ?? pdfUrlFor(versionedId(parsed)),
    doi: optionalText(child(fields, 'arxiv:doi')),
    journalRef: optionalText(child(fields, 'arxiv:journal_ref')),
    comment: optionalText(child(fields, 'arxiv:comment')),
  };
}
