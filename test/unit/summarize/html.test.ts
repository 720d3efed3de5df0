import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractHtml } from '../../../src/summarize/html.ts';

const page = readFileSync(new URL('../../fixtures/summarize/2401.01234v2.html', import.meta.url), 'utf8');

describe('extractHtml on a LaTeXML page', () => {
  const document = extractHtml(page);
  const sections = document?.sections ?? [];
  const text = (heading: string) => sections.find((s) => s.heading === heading)?.text ?? '';

  it('finds the title and the sections in order, with their kinds', () => {
    expect(document?.source).toBe('html');
    expect(document?.title).toBe('Sparse Routing for Long-Context Retrieval');
    expect(sections.map((s) => [s.kind, s.heading])).toEqual([
      ['abstract', 'Abstract'],
      ['body', '1 Introduction'],
      ['body', '2 Method'],
      ['body', '3 Experiments'],
      ['body', '4 Conclusion'],
      ['references', 'References'],
      ['appendix', 'Appendix A Router hyperparameters'],
      ['ancillary', 'Acknowledgments'],
    ]);
  });

  it('reads math from its TeX source and keeps subsection titles as lines', () => {
    expect(text('Abstract')).toBe(
      'Retrieval over long contexts is slow because every query attends to every chunk. We propose SparseRoute, a router that sends each query to k=4 of 64 chunk experts. On LongBench it matches dense attention within 0.3 points while cutting latency by 41%.',
    );
    const method = text('2 Method').split('\n');
    expect(method).toContain('### 2.1 Training objective');
    expect(method).toContain('### 2.2 Setup');
    expect(method).toContain(
      'with \\lambda=0.01, which keeps every expert in use during training and prevents the router from collapsing onto the first chunks of the document.',
    );
  });

  it('turns tables into one line per row and keeps captions', () => {
    const experiments = text('3 Experiments').split('\n');
    expect(experiments).toContain('Table 1: Accuracy on LongBench and latency at 128k tokens.');
    expect(experiments).toContain('Method | Accuracy | Latency (s)');
    expect(experiments).toContain('SparseRoute (ours) | 47.8 | 5.7');
    expect(experiments).toContain(
      'Figure 1: Latency grows linearly for dense attention and stays flat for SparseRoute.',
    );
  });

  it('decodes entities and leaves out page chrome, scripts, footnotes and the acknowledgments from the body', () => {
    expect(text('1 Introduction')).toContain('routing transformers & mixture-of-experts layers');
    expect(text('1 Introduction')).toContain('fixed document — the setting');
    const all = sections.map((s) => s.text).join('\n');
    for (const chrome of [
      'experimental HTML',
      'not a section',
      'sometimes display errors',
      'Back to arXiv',
      'Ada Example',
      'Measured on one A100',
      'Generated',
      'font-weight',
    ]) {
      expect(all).not.toContain(chrome);
    }
    expect(text('4 Conclusion')).not.toContain('Compute Cluster');
    expect(text('Acknowledgments')).toBe('We thank the Example Compute Cluster for GPU hours.');
  });
});

describe('extractHtml on other pages', () => {
  it('returns null for a page that is not LaTeXML output (arXiv answers "No HTML" when there is none)', () => {
    expect(
      extractHtml('<html><body><h1>No HTML for "2401.99999"</h1><p>HTML is not available.</p></body></html>'),
    ).toBeNull();
  });

  it('keeps a paper without sections as one untitled body section after the abstract', () => {
    const document = extractHtml(`<article class="ltx_document">
      <h1 class="ltx_title ltx_title_document">A Note</h1>
      <div class="ltx_abstract"><h6 class="ltx_title">Abstract</h6><p class="ltx_p">Short.</p></div>
      <div class="ltx_para"><p class="ltx_p">First paragraph.</p></div>
      <div class="ltx_para"><p class="ltx_p">Second paragraph.</p></div>
    </article>`);
    expect(document?.sections).toEqual([
      { heading: 'Abstract', kind: 'abstract', text: 'Short.' },
      { heading: null, kind: 'body', text: 'First paragraph.\nSecond paragraph.' },
    ]);
  });

  it('classifies unnumbered back-matter sections by their titles', () => {
    const document = extractHtml(`<article class="ltx_document">
      <section class="ltx_section"><h2 class="ltx_title">Results</h2><p>Good.</p></section>
      <section class="ltx_section"><h2 class="ltx_title">Acknowledgments</h2><p>Thanks.</p></section>
      <section class="ltx_section"><h2 class="ltx_title">Appendix</h2><p>More.</p></section>
    </article>`);
    expect(document?.sections.map((s) => s.kind)).toEqual(['body', 'ancillary', 'appendix']);
  });

  it('reads math whose TeX has comparison signs', () => {
    const document =
      extractHtml(`<article class="ltx_document"><section class="ltx_section"><h2 class="ltx_title">1 Bounds</h2>
      <p>For <math alttext="x>0" class="ltx_Math"><mi>x</mi></math> and <math alttext="a&lt;b"><mi>a</mi></math> it holds.</p>
    </section></article>`);
    expect(document?.sections[0]?.text).toBe('For x>0 and a<b it holds.');
  });

  it('copes with hostile markup: unclosed tags, stray "<", very deep nesting', () => {
    const unclosed = `<article class="ltx_document"><p>${'<a b c d e f '.repeat(20_000)}</p></article>`;
    expect(extractHtml(unclosed)?.sections[0]?.text.startsWith('<a b c d e f <a b c')).toBe(true);
    const deep = `<article class="ltx_document">${'<div>'.repeat(20_000)}deep text${'</div>'.repeat(20_000)}</article>`;
    expect(extractHtml(deep)?.sections).toEqual([{ heading: null, kind: 'body', text: 'deep text' }]);
  });
});
