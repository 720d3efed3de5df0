import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Paper } from '../../../src/arxiv/paper.ts';
import type { Download } from '../../../src/summarize/index.ts';

/*
 * Helpers for the summarizer's socket tests: papers, a Download over fetch (standing in for the arXiv client's
 * rate-gated one), a tiny server for arXiv's /html/<id> and /pdf/<id> paths, and LaTeXML-shaped pages.
 */

export function makePaper(id: string, overrides: Partial<Paper> = {}): Paper {
  return {
    id,
    version: 1,
    title: `A study of topic ${id}`,
    authors: ['Ada Example', 'Basil Sample'],
    abstract: `We study topic ${id} with a new method. It improves accuracy by 3.1 points over the strongest baseline. Code is released.`,
    categories: ['cs.LG'],
    primaryCategory: 'cs.LG',
    announceType: 'new',
    published: null,
    updated: null,
    announced: '2024-01-10',
    absUrl: `https://arxiv.org/abs/${id}`,
    pdfUrl: `https://arxiv.org/pdf/${id}`,
    doi: null,
    journalRef: null,
    comment: null,
    ...overrides,
  };
}

/** A Download over fetch that remembers the URLs it was asked for. */
export function fetchDownload(): { download: Download; urls: string[] } {
  const urls: string[] = [];
  const download: Download = async (url, opts) => {
    urls.push(url);
    const response = await fetch(url, {
      headers: opts?.accept ? { accept: opts.accept } : {},
      ...(opts?.signal ? { signal: opts.signal } : {}),
    });
    return {
      url: response.url,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  };
  return { download, urls };
}

export interface PaperFile {
  contentType: string;
  body: string | Buffer;
  status?: number;
}

/** Serves files by path ("/html/2401.01234v2", "/pdf/2401.01234v2"); anything else is arXiv's 404. */
export async function startPaperFiles(
  files: Record<string, PaperFile>,
): Promise<{ htmlBaseUrl: string; pdfBaseUrl: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>No HTML for '${req.url}'</h1></body></html>`);
      return;
    }
    res.writeHead(file.status ?? 200, { 'content-type': file.contentType });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    htmlBaseUrl: `${base}/html`,
    pdfBaseUrl: `${base}/pdf`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
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
