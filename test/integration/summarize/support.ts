import { ArxivClient } from '../../../src/arxiv/client.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { RateGate } from '../../../src/arxiv/rate-gate.ts';
import type { Download } from '../../../src/summarize/index.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { makePaper as makeBasePaper } from '../../support/papers.ts';

/*
 * Helpers for the summarizer's socket tests: papers, the fake arXiv with the real ArxivClient whose download
 * the summarizer uses, and LaTeXML-shaped pages.
 */

/** A paper with a title and an abstract that read like a real one's, for the summarizer to work on. */
export function makePaper(id: string, overrides: Partial<Paper> = {}): Paper {
  return makeBasePaper(id, {
    title: `A study of topic ${id}`,
    authors: ['Ada Example', 'Basil Sample'],
    abstract: `We study topic ${id} with a new method. It improves accuracy by 3.1 points over the strongest baseline. Code is released.`,
    announced: '2024-01-10',
    ...overrides,
  });
}

export interface Arxiv {
  fake: FakeArxiv;
  client: ArxivClient;
  /** The client's gated download, as the bot hands it to the summarizer. */
  download: Download;
  htmlBaseUrl: string;
  pdfBaseUrl: string;
  /** The paths of the full-text requests the fake has seen ("/html/2401.01234v2"), in order. */
  downloads(): string[];
}

/** The fake arXiv and an ArxivClient on it with a short rate-gate interval and quick retries. */
export async function startArxiv(): Promise<Arxiv> {
  const fake = await startFakeArxiv({ recordings: false });
  const client = new ArxivClient({
    rssUrl: fake.rssUrl,
    apiUrl: fake.apiUrl,
    minIntervalMs: 1,
    gate: new RateGate({ minIntervalMs: 1 }),
    timeoutMs: 2_000,
    maxRetries: 2,
    backoffBaseMs: 5,
    contact: 'https://example.org/summarize-tests',
    version: '0.0.0',
  });
  return {
    fake,
    client,
    download: (url, opts) => client.download(url, opts),
    htmlBaseUrl: `${fake.url}/html`,
    pdfBaseUrl: `${fake.url}/pdf`,
    downloads: () =>
      fake.requests
        .filter((r) => r.path.startsWith('/html/') || r.path.startsWith('/pdf/'))
        .map((r) => r.path),
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page in the shape arXiv's LaTeXML rendering has: title, abstract, numbered sections, bibliography. */
export function latexmlPage(
  paper: Pick<Paper, 'title' | 'abstract'>,
  sections: Array<[string, string]>,
): string {
  const body = sections
    .map(
      ([heading, text], i) => `<section class="ltx_section" id="S${i + 1}">
<h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">${i + 1} </span>${escapeHtml(heading)}</h2>
<div class="ltx_para" id="S${i + 1}.p1"><p class="ltx_p">${escapeHtml(text)}</p></div>
</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html><html lang="en"><head><title>${escapeHtml(paper.title)}</title></head><body>
<div class="ltx_page_main"><div class="ltx_page_content"><article class="ltx_document ltx_authors_1line">
<h1 class="ltx_title ltx_title_document">${escapeHtml(paper.title)}</h1>
<div class="ltx_abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6><p class="ltx_p">${escapeHtml(paper.abstract)}</p></div>
${body}
<section class="ltx_bibliography" id="bib"><h2 class="ltx_title ltx_title_bibliography">References</h2>
<ul class="ltx_biblist"><li class="ltx_bibitem" id="bib.bib1"><span class="ltx_tag ltx_tag_bibitem">[1]</span><span class="ltx_bibblock">A. Cited. An earlier paper. 2020.</span></li></ul>
</section></article></div></div></body></html>`;
}

/** Sentences of filler that read like a section of a paper, `count` of them, numbered so none repeats. */
export function filler(topic: string, count: number): string {
  return Array.from(
    { length: count },
    (_, i) =>
      `In step ${i + 1} the ${topic} experiment measured a gain of ${(i % 7) + 1}.${i % 10} points over the baseline.`,
  ).join(' ');
}
