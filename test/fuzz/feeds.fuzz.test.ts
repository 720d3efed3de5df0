/**
 * Fuzz of the arXiv feed parsers (RSS listings and Atom search results, through parseFeed): arbitrary bytes,
 * XML-ish documents built from the feeds' own element names, and mutated copies of the project's fixtures
 * (test/fixtures/arxiv) either parse to well-formed papers or throw the project's ExternalError, never
 * anything else. See fuzz.ts for the seed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ArxivFeed, parseFeed } from '../../src/arxiv/feed.ts';
import { ANNOUNCE_TYPES, parseArxivId } from '../../src/arxiv/paper.ts';
import { ExternalError, UserError } from '../../src/errors.ts';
import { fuzz, hostileLine, hostilePiece } from './fuzz.ts';

const FIXTURES = [
  'listing.rss.xml',
  'truncated.rss.xml',
  'error-feed.rss.xml',
  'search-2016.atom.xml',
  'search-2025.atom.xml',
  'error-entry.atom.xml',
].map((name) => readFileSync(resolve(import.meta.dirname, '../fixtures/arxiv', name), 'utf8'));

/** What is wrong with a parsed feed; empty when every paper is well-formed. */
function feedProblems(feed: ArxivFeed): string[] {
  const problems: string[] = [];
  if (feed.kind === 'listing') {
    if (feed.announced !== null && !/^\d{4}-\d{2}-\d{2}$/.test(feed.announced))
      problems.push(`announced ${feed.announced}`);
  } else {
    for (const count of [feed.totalResults, feed.startIndex, feed.itemsPerPage])
      if (!Number.isSafeInteger(count) || count < 0) problems.push(`a count of ${count}`);
  }
  const ids = new Set<string>();
  for (const paper of feed.papers) {
    const parsed = parseArxivId(paper.id);
    if (parsed?.id !== paper.id || parsed.version !== null) problems.push(`id ${paper.id}`);
    if (paper.version !== null && !(Number.isSafeInteger(paper.version) && paper.version >= 0))
      problems.push(`version ${paper.version}`);
    if (feed.kind === 'listing' && ids.has(paper.id)) problems.push(`${paper.id} listed twice`);
    ids.add(paper.id);
    for (const [field, value] of Object.entries({
      title: paper.title,
      abstract: paper.abstract,
      ...paper.authors,
    })) {
      if (typeof value !== 'string' || value !== value.trim() || /\s{2}|[\n\t\r]/.test(value))
        problems.push(`${paper.id}'s ${field} is not whitespace-normalized: ${JSON.stringify(value)}`);
    }
    if (paper.categories.length > 0 && paper.primaryCategory !== paper.categories[0])
      problems.push(`${paper.id}'s primary category is not its first`);
    if (new Set(paper.categories).size !== paper.categories.length)
      problems.push(`${paper.id}'s categories repeat`);
    if (paper.announceType !== null && !ANNOUNCE_TYPES.includes(paper.announceType))
      problems.push(`${paper.id}'s announce type ${paper.announceType}`);
    if (typeof paper.absUrl !== 'string' || typeof paper.pdfUrl !== 'string')
      problems.push(`${paper.id}'s links`);
  }
  return problems;
}

/** Parses; the feed's problems, or none when it threw the project's ExternalError. Anything else fails. */
function parseProblems(input: string | Uint8Array): string[] {
  let feed: ArxivFeed;
  try {
    feed = parseFeed(input);
  } catch (error) {
    if (error instanceof ExternalError || error instanceof UserError) {
      expect(error.userMessage).not.toBe('');
      return [];
    }
    throw error;
  }
  return feedProblems(feed);
}

// ---------------------------------------------------------------------------------------------------------
// XML-ish documents
// ---------------------------------------------------------------------------------------------------------

const NAMES = [
  'rss',
  'channel',
  'item',
  'title',
  'description',
  'link',
  'guid',
  'category',
  'pubDate',
  'skipDays',
  'day',
  'dc:creator',
  'arxiv:announce_type',
  'arxiv:DOI',
  'arxiv:journal_reference',
  'feed',
  'entry',
  'id',
  'summary',
  'author',
  'name',
  'published',
  'updated',
  'arxiv:primary_category',
  'arxiv:doi',
  'arxiv:comment',
  'opensearch:totalResults',
  'opensearch:startIndex',
  'opensearch:itemsPerPage',
  'x',
] as const;

/** Text of an element: words, ids, references (good and bad), CDATA, comments, hostile pieces. */
const xmlText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'arXiv:2602.01001v1 Announce Type: new \nAbstract: ',
        'oai:arXiv.org:2602.01001v2',
        'https://arxiv.org/abs/2405.12345v3',
        'http://arxiv.org/api/errors#incorrect_id_format',
        'Feed error for query',
        'Wed, 04 Feb 2026 00:00:00 -0500',
        '12',
        '-1',
        '1e3',
        'cs.AI',
        'new',
        'replace-cross',
        'Ada Lovelace (Analytical Engines, London), Alan Turing',
        '(((',
        ')',
        '&amp;',
        '&lt;',
        '&#0;',
        '&#x110000;',
        '&#xD800;',
        '&#99999999999;',
        '&#x1F4DD;',
        '&bogus;',
        '&',
        '<![CDATA[ <b>raw</b> ]]>',
        '<![CDATA[',
        ']]>',
        '<!-- a comment -->',
        '<?pi data?>',
        '   ',
        '\n',
      ),
      hostilePiece,
      fc.string({ maxLength: 10 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const attribute = fc
  .tuple(
    fc.constantFrom('term', 'rel', 'href', 'title', 'type', 'isPermaLink', 'xmlns', 'xmlns:arxiv', 'a'),
    fc.oneof(
      fc.constantFrom(
        'alternate',
        'pdf',
        'cs.LG',
        'https://arxiv.org/pdf/2405.12345v3',
        '',
        '&amp;',
        '&#38;',
      ),
      fc.string({ maxLength: 8 }),
    ),
    fc.constantFrom('"', "'"),
  )
  .map(([name, value, quote]) => ` ${name}=${quote}${value.replaceAll(quote, '')}${quote}`);

const { element } = fc.letrec<{ element: string; content: string }>((tie) => ({
  element: fc
    .tuple(
      fc.constantFrom(...NAMES),
      fc.array(attribute, { maxLength: 3 }),
      fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: tie('content') }),
    )
    .map(([name, attributes, content]) =>
      content === null
        ? `<${name}${attributes.join('')}/>`
        : `<${name}${attributes.join('')}>${content}</${name}>`,
    ),
  content: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    xmlText,
    fc.array(fc.oneof(tie('element'), xmlText), { maxLength: 5 }).map((parts) => parts.join('')),
  ),
}));

/** A document: a prolog maybe, one root (rss or feed, mostly), maybe junk after it. */
const xmlDocument = fc
  .tuple(
    fc.constantFrom(
      '',
      "<?xml version='1.0' encoding='UTF-8'?>\n",
      '\ufeff<?xml version="1.0"?>',
      '<!DOCTYPE rss [<!ENTITY e "x">]>',
    ),
    fc.constantFrom('rss', 'feed', 'rss', 'feed', 'html', 'channel'),
    fc.array(fc.oneof({ weight: 3, arbitrary: element }, { weight: 1, arbitrary: xmlText }), {
      maxLength: 6,
    }),
    fc.constantFrom('', '', '\n', '<rss/>', '<!-- trailing -->', 'junk'),
  )
  .map(([prolog, root, children, after]) => `${prolog}<${root}>${children.join('')}</${root}>${after}`);

// ---------------------------------------------------------------------------------------------------------
// Mutated fixtures
// ---------------------------------------------------------------------------------------------------------

type Mutation = (text: string) => string;

/** Positions are millionths of the text's length, spread evenly, so a mutation fits any fixture. */
const position = fc.noBias(fc.nat(999_999));
const at = (text: string, where: number) => Math.floor((where / 1_000_000) * text.length);

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The `where`-th match of `pattern` in the text (counted around), or null when there is none. */
function pick(text: string, pattern: RegExp, where: number): RegExpExecArray | null {
  const matches = [...text.matchAll(pattern)];
  return matches[Math.floor((where / 1_000_000) * matches.length)] ?? null;
}

/** Elements holding only text, and the papers (`<item>`, `<entry>`) whole. */
const LEAF = /<([\w:]+)(?:\s[^<>]*)?>[^<]*<\/\1>/g;
const PAPER = /<(item|entry)>[\s\S]*?<\/\1>/g;

/** Mutations that keep the XML well-formed, so the readers behind the validator get the documents. */
const wellFormedMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // A text's content replaced, or added to, by hostile text (escaped, or with its & < raw now and then).
  fc.tuple(position, hostileLine, fc.constantFrom('replace', 'append', 'prepend', 'raw')).map(
    ([where, piece, how]): Mutation =>
      (text) => {
        const match = pick(text, LEAF, where);
        if (!match) return text;
        const [whole, name = ''] = match;
        const open = whole.slice(0, whole.indexOf('>') + 1);
        const inner = whole.slice(open.length, whole.length - name.length - 3);
        const added = how === 'raw' ? piece : escapeXml(piece);
        const content = how === 'append' ? inner + added : how === 'prepend' ? added + inner : added;
        return `${text.slice(0, match.index)}${open}${content}</${name}>${text.slice(match.index + whole.length)}`;
      },
  ),
  // A leaf element or a whole paper removed or repeated.
  fc.tuple(position, fc.constantFrom(LEAF, PAPER), fc.boolean()).map(
    ([where, pattern, repeat]): Mutation =>
      (text) => {
        const match = pick(text, pattern, where);
        if (!match) return text;
        const end = match.index + match[0].length;
        return text.slice(0, repeat ? end : match.index) + (repeat ? match[0] : '') + text.slice(end);
      },
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: wellFormedMutation },
  // Delete a range.
  fc.tuple(position, fc.integer({ min: 1, max: 200 })).map(
    ([where, length]): Mutation =>
      (text) => {
        const from = at(text, where);
        return text.slice(0, from) + text.slice(from + length);
      },
  ),
  // Insert a piece: markup, a reference, hostile text.
  fc
    .tuple(
      position,
      fc.oneof(
        fc.constantFrom(
          '<',
          '>',
          '</item>',
          '<item>',
          '<entry>',
          '</entry>',
          '<title>',
          '</title>',
          '&',
          '&#x0;',
          '"',
          "'",
          '<![CDATA[',
          ']]>',
          '<!--',
          '-->',
          '<x/>',
          '</channel>',
          '<item><title>t</title></item>',
          '<entry><id>x</id></entry>',
        ),
        hostilePiece,
        element,
      ),
    )
    .map(
      ([where, piece]): Mutation =>
        (text) => {
          const from = at(text, where);
          return text.slice(0, from) + piece + text.slice(from);
        },
    ),
  // Duplicate a range (an item twice, half a tag twice).
  fc.tuple(position, fc.integer({ min: 1, max: 800 })).map(
    ([where, length]): Mutation =>
      (text) => {
        const from = at(text, where);
        return text.slice(0, from + length) + text.slice(from, from + length) + text.slice(from + length);
      },
  ),
  // Replace one character.
  fc.tuple(position, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(
    ([where, char]): Mutation =>
      (text) => {
        const from = at(text, where);
        return text.slice(0, from) + char + text.slice(from + 1);
      },
  ),
  // Cut the document short.
  position.map(
    (where): Mutation =>
      (text) =>
        text.slice(0, at(text, where)),
  ),
  // Rename every element of one name to another (a known name where an unknown was, and back).
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES)).map(
    ([from, to]): Mutation =>
      (text) =>
        text.replaceAll(`<${from}>`, `<${to}>`).replaceAll(`</${from}>`, `</${to}>`),
  ),
);

const mutatedFixture = fc
  .tuple(fc.nat(FIXTURES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([index, mutations]) => mutations.reduce((text, mutate) => mutate(text), FIXTURES[index] as string));

describe('the arXiv feed parsers', () => {
  it('read the fixtures as they are (the mutations start from good feeds)', () => {
    const readable = FIXTURES.filter((xml) => {
      try {
        return feedProblems(parseFeed(xml)).length === 0;
      } catch {
        return false;
      }
    });
    expect(readable.length).toBeGreaterThanOrEqual(3);
  });

  it('read mutated fixtures as well-formed papers, or refuse them with ExternalError', async () => {
    await fuzz(
      fc.property(mutatedFixture, (xml) => {
        expect(parseProblems(xml)).toEqual([]);
      }),
      1500,
    );
  });

  it('read mutated fixtures given as bytes the same way', async () => {
    await fuzz(
      fc.property(mutatedFixture, fc.boolean(), (xml, bom) => {
        const bytes = new TextEncoder().encode(xml);
        expect(parseProblems(bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) : bytes)).toEqual([]);
      }),
      300,
    );
  });

  it('read XML-ish documents made of the feeds’ elements as well-formed papers, or refuse them', async () => {
    await fuzz(
      fc.property(xmlDocument, (xml) => {
        expect(parseProblems(xml)).toEqual([]);
      }),
      1500,
    );
  });

  it('refuse arbitrary bytes and text with ExternalError, or read them', async () => {
    await fuzz(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        (input) => {
          expect(parseProblems(input)).toEqual([]);
        },
      ),
      1000,
    );
  });
});
