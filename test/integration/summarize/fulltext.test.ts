import { readFileSync } from 'node:fs';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import {
  type Download,
  type FullTextOptions,
  fetchFullText,
  Summarizer,
} from '../../../src/summarize/index.ts';
import { faults } from '../../fakes/arxiv-server.ts';
import { startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';
import { type Arxiv, makePaper, startArxiv } from './support.ts';

const FIXTURE_HTML = readFileSync(
  new URL('../../fixtures/summarize/2401.01234v2.html', import.meta.url),
  'utf8',
);
const routed = makePaper('2401.01234', { version: 2, abstract: 'The abstract from the API metadata.' });

let arxiv: Arxiv;
let options: FullTextOptions;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  arxiv = await startArxiv();
  closers.push(arxiv.fake.close);
  options = {
    download: arxiv.download,
    htmlBaseUrl: arxiv.htmlBaseUrl,
    pdfBaseUrl: arxiv.pdfBaseUrl,
    logger: silentLogger,
  };
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('fetchFullText through the arXiv client', () => {
  it('takes the HTML rendering when arXiv has one, with the metadata abstract in front', async () => {
    arxiv.fake.setHtml('2401.01234v2', FIXTURE_HTML);
    const text = await fetchFullText(routed, options);

    expect(arxiv.downloads()).toEqual(['/html/2401.01234v2']);
    expect(text.source).toBe('html');
    expect(text.sections[0]).toEqual({ heading: 'Abstract', kind: 'abstract', text: routed.abstract });
    expect(text.sections.filter((s) => s.kind === 'abstract')).toHaveLength(1);
    expect(text.sections[1]?.heading).toBe('1 Introduction');
  });

  it('gets the HTML after arXiv answered 503 once (the client retries)', async () => {
    arxiv.fake.setHtml('2401.01234v2', FIXTURE_HTML);
    arxiv.fake.fail({ ...faults.unavailable(0), on: 'html' });
    const text = await fetchFullText(routed, options);

    expect(arxiv.downloads()).toEqual(['/html/2401.01234v2', '/html/2401.01234v2']);
    expect(text.source).toBe('html');
  });

  it('falls back to the abstract when there is neither HTML nor a PDF', async () => {
    arxiv.fake.setPdf('2401.01234v2', Buffer.from('<html>PDF unavailable</html>'), 'text/html');
    const text = await fetchFullText(routed, options);

    expect(arxiv.downloads()).toEqual(['/html/2401.01234v2', '/pdf/2401.01234v2']);
    expect(text).toEqual({
      source: 'abstract',
      title: routed.title,
      sections: [{ heading: 'Abstract', kind: 'abstract', text: routed.abstract }],
    });
  });

  it('moves on when a download fails or the HTML is only a stub', async () => {
    const stub = FIXTURE_HTML.replace(/<section class="ltx_section"[\s\S]*<\/section>/, '');
    arxiv.fake.setHtml('2401.01234v2', stub);
    expect((await fetchFullText(routed, options)).source).toBe('abstract');

    const failing: Download = async () => {
      throw new ExternalError('ARXIV_UNREACHABLE', 'arXiv did not answer.', { retryable: true });
    };
    expect((await fetchFullText(routed, { ...options, download: failing })).source).toBe('abstract');
  });

  it('asks for the latest version when the paper has none', async () => {
    await fetchFullText({ ...routed, version: null }, options);
    expect(arxiv.downloads()[0]).toBe('/html/2401.01234');
  });
});

describeWithSharedFixtures('full text from a real PDF (1111.2011v2)', () => {
  const pdf = readSharedFixture('pdf/1111.2011v2.pdf');
  const paper = makePaper('1111.2011', {
    version: 2,
    title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
    abstract: 'Theoretical description of anisotropic systems is often a challenge.',
    categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
  });

  it('uses the PDF when arXiv has no HTML rendering', async () => {
    arxiv.fake.setPdf('1111.2011v2', pdf);
    const text = await fetchFullText(paper, options);

    expect(arxiv.downloads()).toEqual(['/html/1111.2011v2', '/pdf/1111.2011v2']);
    expect(text.source).toBe('pdf');
    expect(text.sections.map((s) => s.heading).slice(0, 3)).toEqual([
      'Abstract',
      'I. INTRODUCTION',
      'II. SELF-CONSISTENT ACTION IN THE LARGE z LIMIT',
    ]);
    expect(text.sections.some((s) => s.kind === 'front')).toBe(false);
  });

  it('summarizes a local PDF by its content, once', async () => {
    const model = await startFakeOpenAIServer();
    closers.push(model.close);
    const summarizer = new Summarizer({
      cache: new Keyv(),
      download: arxiv.download,
      baseUrl: model.baseUrl,
      model: 'test-model',
      apiKey: 'sk-test',
      apiKeyEnv: 'TEST_API_KEY',
      language: 'en',
      maxWorkers: 1,
    });
    const summary = await summarizer.summarizePdf(pdf);
    await summarizer.summarizePdf(new Uint8Array(pdf));

    expect(model.requests).toHaveLength(1);
    expect(arxiv.downloads()).toEqual([]);
    const user = model.requests[0]?.messages[1]?.content ?? '';
    expect(user.startsWith('Quantum Criticality for Extended Nodes on a Bethe Lattice')).toBe(true);
    expect(user).toContain('## V. DISCUSSION');
    expect(user).not.toContain('D. C. Johnston, Adv. Phys.');
    expect(summary.paperId).toMatch(/^pdf:[0-9a-f]{16}$/);
    expect(summary.source).toBe('model');

    await expect(summarizer.summarizePdf(new TextEncoder().encode('not a pdf'))).rejects.toMatchObject({
      name: 'UserError',
      code: 'INPUT_INVALID',
    });
  });
});
