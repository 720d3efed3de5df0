import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/digest/render/escape.ts';
import { type ArchiveSection, renderArchivePage } from '../../../src/http/archive.ts';
import { hostileDigest, TEX_SHOWN, texDigest } from '../digest/digests.ts';

const section = (fields: Partial<ArchiveSection>): ArchiveSection => ({
  anchor: 'c-abc',
  platform: 'slack',
  queryText: 'LLM',
  categories: ['cs.AI'],
  digests: [hostileDigest()],
  ...fields,
});

const at = new Date('2024-11-29T08:00:00Z');

describe('renderArchivePage', () => {
  it('escapes text a user typed (the query) in headings and the table of contents', () => {
    const page = renderArchivePage([section({ queryText: '"<img src=x onerror=alert(1)>", LLM' })], at);
    expect(page).not.toContain('<img');
    expect(page).toContain('<h2>Slack channel: &quot;&lt;img src=x onerror=alert(1)&gt;&quot;, LLM</h2>');
    expect(page).toContain('<a href="#c-abc">Slack channel: &quot;&lt;img');
    expect(page).toContain('<section id="c-abc">');
  });

  it('shows each digest with its date and counts, and says when no paper matched', () => {
    const digest = hostileDigest();
    const empty = { ...hostileDigest(), announced: '2024-11-27', papers: [] };
    const page = renderArchivePage(
      [section({ digests: [{ ...digest, announced: '2024-11-28' }, empty] })],
      at,
    );
    expect(page).toContain(
      `<h3>Announced 2024-11-28 <span class="meta">(${digest.papers.length} papers of ${digest.listed} listed)</span></h3>`,
    );
    expect(page).toContain(
      `<h3>Announced 2024-11-27 <span class="meta">(0 papers of ${empty.listed} listed)</span></h3>`,
    );
    expect(page).toContain('<p>No paper matched.</p>');
    expect(page.match(/<li>\n<a href="https:\/\/arxiv\.org\/abs\//g)).toHaveLength(digest.papers.length);
  });

  it('marks a model-written TL;DR as such, and keeps abstracts folded', () => {
    const page = renderArchivePage([section({})], at);
    expect(page).toContain('<p><strong>TL;DR (AI):</strong> &lt;b&gt;Bold&lt;/b&gt; claim');
    expect(page).toContain('<details><summary>Abstract</summary><p>');
  });

  it('names a platform it does not know by its prefix, and "all categories" for none', () => {
    const page = renderArchivePage([section({ platform: 'matrix', categories: [] })], at);
    expect(page).toContain('<h2>matrix channel: LLM</h2>');
    expect(page).toContain('<p class="meta">all categories</p>');
  });
});

describe('renderArchivePage: TeX in arXiv metadata', () => {
  it('shows titles, authors and abstracts with their accents as characters, math as it is', () => {
    const page = renderArchivePage([section({ digests: [texDigest()] })], at);
    expect(page).toContain(`rel="noreferrer">${escapeHtml(TEX_SHOWN.title)}</a>`);
    expect(page).toContain(`<div class="meta">${escapeHtml(TEX_SHOWN.authors)} · 2411.00200v1`);
    expect(page).toContain(`<details><summary>Abstract</summary><p>${escapeHtml(TEX_SHOWN.abstract)}</p>`);
  });
});
