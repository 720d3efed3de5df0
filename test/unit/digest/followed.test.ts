import { describe, expect, it } from 'vitest';
import { digestPaperMessage } from '../../../src/bot/render.ts';
import { paperParts } from '../../../src/chat/present.ts';
import { buildDigest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { digestFromJson, digestToJson } from '../../../src/digest/render/json.ts';
import { renderMarkdown } from '../../../src/digest/render/markdown.ts';
import { renderRss } from '../../../src/digest/render/rss.ts';
import { makePaper } from './papers.ts';

const listing = new ListingIndex([
  makePaper({ id: '2411.00001', title: 'LLM agents', authors: ['Ada Lovelace'] }),
  makePaper({ id: '2411.00002', title: 'LLM serving', authors: ['Grace Hopper'] }),
  makePaper({ id: '2411.00003', title: 'Sheaf cohomology', authors: ['Y. LeCun', 'Alan Turing'] }),
  makePaper({ id: '2411.00004', title: 'A survey of sheaves', authors: ['Yann LeCun'] }),
  makePaper({
    id: '2411.00005',
    title: 'Galaxies',
    authors: ['LeCun, Yann A.'],
    categories: ['astro-ph.GA'],
  }),
  makePaper({ id: '2411.00006', title: 'Rings', authors: ['Zhang LeCun'] }),
  makePaper({ id: '2411.00007', title: 'An LLM of rings', authors: ['Yann LeCun'] }),
]);
const query = parseKeywordQuery('LLM, -survey');

describe('followed authors in a digest', () => {
  it("adds a followed author's papers whatever their score, first and marked, in the categories, without excluded ones", () => {
    const digest = buildDigest({
      listing,
      query,
      categories: ['cs'],
      maxPapers: 2,
      authors: ['LeCun, Yann'],
    });
    expect(digest.papers.map((entry) => [entry.paper.id, entry.score, entry.followed])).toEqual([
      // Its keyword score ranks it first among the followed; the one without a hit follows.
      ['2411.00007', 1.5, ['Yann LeCun']],
      ['2411.00003', 0, ['Y. LeCun']],
      // The best by keywords, as maxPapers keeps it; Zhang LeCun, the survey and astro-ph are left out.
      ['2411.00002', 1.5, undefined],
    ]);
  });

  it('marks a followed paper the keywords ranked anyway, once', () => {
    const digest = buildDigest({ listing, query, categories: [], authors: ['Grace Hopper'] });
    const ids = digest.papers.map((entry) => entry.paper.id);
    expect(ids[0]).toBe('2411.00002');
    expect(new Set(ids).size).toBe(ids.length);
    expect(digest.papers[0]?.followed).toEqual(['Grace Hopper']);
    expect(digest.papers.slice(1).every((entry) => entry.followed === undefined)).toBe(true);
  });

  it('is the keyword digest without followed authors', () => {
    const plain = buildDigest({ listing, query, categories: [], now: new Date(0) });
    expect(buildDigest({ listing, query, categories: [], authors: [], now: new Date(0) })).toEqual(plain);
    expect(
      buildDigest({ listing, query, categories: [], authors: ['Nobody Known'], now: new Date(0) }),
    ).toEqual(plain);
  });

  it('keeps the marks and reasons through the JSON of a frozen delivery', () => {
    const digest = buildDigest({ listing, query, categories: ['cs'], authors: ['Yann LeCun'] });
    const withReasons = {
      ...digest,
      papers: digest.papers.map((entry, index) =>
        index === 0
          ? { ...entry, reasons: { like: { id: '2410.1', title: 'Old' }, recommended: true } }
          : entry,
      ),
    };
    const json = JSON.parse(JSON.stringify(digestToJson(withReasons)));
    expect(json.papers[0].followed).toEqual(['Yann LeCun']);
    expect(json.papers[2]).not.toHaveProperty('followed');
    expect(json.papers[2]).not.toHaveProperty('reasons');
    expect(digestFromJson(json)).toEqual(withReasons);
  });
});

describe('why a followed paper is there, as each medium shows it', () => {
  const hostile = makePaper({
    id: '2411.00009',
    title: 'Rings',
    authors: ['Yann @everyone <!channel> *LeCun*'],
  });
  const digest = buildDigest({
    listing: new ListingIndex([...listing.papers, hostile]),
    query,
    categories: ['cs'],
    authors: ['Yann LeCun'],
  });

  it('in a chat paper message: the scoring line ends with the followed authors', () => {
    const block = digestPaperMessage(digest.papers[1] as (typeof digest.papers)[number], 2).blocks[0];
    if (block?.kind !== 'paper') throw new Error('not a paper block');
    expect(paperParts(block).scoring).toBe('score 0 · followed: Yann @everyone <!channel> *LeCun*');
    const plain = digestPaperMessage(digest.papers.at(-1) as (typeof digest.papers)[number], 9).blocks[0];
    expect(plain).not.toHaveProperty('followed');
  });

  it('in Markdown and RSS, escaped, and not for papers without a reason', () => {
    const markdown = renderMarkdown(digest);
    expect(markdown).toContain('- **Why:** followed: Yann LeCun\n');
    expect(markdown).toContain('\\*LeCun\\*');
    expect(markdown).not.toContain('<!channel>');
    expect(markdown).not.toContain(' @everyone');
    expect(markdown.match(/\*\*Why:\*\*/g)?.length).toBe(3);
    const rss = renderRss([digest], { title: 't', link: 'https://example.org', description: 'd' });
    expect(rss).toContain('&lt;strong&gt;Why:&lt;/strong&gt; followed: Yann LeCun');
    expect(rss).toContain('&amp;lt;!channel&amp;gt;');
  });
});
