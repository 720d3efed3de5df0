import { XMLParser } from 'fast-xml-parser';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { fitToBudget, sectionsTokens } from '../../../src/summarize/budget.ts';
import type { FullText } from '../../../src/summarize/document.ts';
import { splitSentences } from '../../../src/summarize/extractive.ts';
import { extractPdf, placeAccents, sectionsOf } from '../../../src/summarize/pdf.ts';
import { Summarizer } from '../../../src/summarize/summarizer.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

describe('sectionsOf: heading lines in PDF text', () => {
  it('splits at numbered headings in sequence and at keyword headings', () => {
    const sections = sectionsOf([
      'A Title',
      'Abstract',
      'We do things.',
      '1 Introduction',
      'Text about 2 Things that is not a heading.',
      '3 Results', // out of sequence: body text
      '2 Method',
      'How it works.',
      'References',
      '[1] A. Author. A paper. 2020.',
      'Appendix A: Proofs',
      'Lemma 1 holds.',
    ]);
    expect(sections.map((s) => [s.kind, s.heading, s.text])).toEqual([
      ['front', null, 'A Title'],
      ['abstract', 'Abstract', 'We do things.'],
      ['body', '1 Introduction', 'Text about 2 Things that is not a heading. 3 Results'],
      ['body', '2 Method', 'How it works.'],
      ['references', 'References', '[1] A. Author. A paper. 2020.'],
      ['appendix', 'Appendix A: Proofs', 'Lemma 1 holds.'],
    ]);
  });

  it('reads roman all-caps headings, joins one that wraps, and rejoins hyphenated words', () => {
    const sections = sectionsOf([
      'I. INTRODUCTION',
      'A self-con-',
      'sistent theory.',
      'II. THE LARGE',
      'N LIMIT',
      'Text.',
    ]);
    expect(sections).toEqual([
      { heading: 'I. INTRODUCTION', kind: 'body', text: 'A self-consistent theory.' },
      { heading: 'II. THE LARGE N LIMIT', kind: 'body', text: 'Text.' },
    ]);
  });

  it('takes "Abstract." running into the text as the abstract heading', () => {
    expect(sectionsOf(['Title', 'Abstract. We present a method.', 'It works.'])[1]).toEqual({
      heading: 'Abstract',
      kind: 'abstract',
      text: 'We present a method. It works.',
    });
  });

  it('finds a reference list printed without a heading, and not numbered body lines', () => {
    const sections = sectionsOf([
      'I. DISCUSSION',
      '1 We note that the first point holds.',
      'ACKNOWLEDGMENTS',
      'We thank the funders.',
      '1 A. One, Phys. Rev. B 1, 1 (2001).',
      '2 B. Two, Phys. Rev. B 2, 2 (2002).',
      '3 C. Three, Exactly Solved Models,',
      'Academic Press (1982).',
      '4 D. Four, Nature 4, 4 (2004).',
      '5 E. Five, unpublished.',
      '6 F. Six, Science 6, 6 (2006).',
    ]);
    expect(sections.map((s) => [s.kind, s.heading])).toEqual([
      ['body', 'I. DISCUSSION'],
      ['ancillary', 'ACKNOWLEDGMENTS'],
      ['references', 'References'],
    ]);
    expect(sections[0]?.text).toBe('1 We note that the first point holds.');
    expect(sections[1]?.text).toBe('We thank the funders.');
    expect(sections[2]?.text).toMatch(/^1 A\. One.*6 F\. Six, Science 6, 6 \(2006\)\.$/);
  });
});

describe('extractPdf', () => {
  it('rejects bytes that are not a PDF', async () => {
    await expect(extractPdf(new TextEncoder().encode('<html>not a pdf</html>'))).rejects.toThrow();
  });
});

describeWithSharedFixtures('extractPdf on a real arXiv PDF (1111.2011v2)', () => {
  const entry = new XMLParser().parse(
    readSharedFixture('arxiv/arxiv-py/id_list=1111.2011v2.xml').toString('utf8'),
  ).feed.entry as { title: string; summary: string };
  const title = entry.title.replace(/\s+/g, ' ').trim();
  const abstractSentences = splitSentences(entry.summary);
  let document: FullText;
  const loaded = (async () => {
    document = await extractPdf(readSharedFixture('pdf/1111.2011v2.pdf'));
  })();

  // The PDF typesets quotes, dashes and "O(N)" differently from the API's plain text.
  const comparable = (text: string) =>
    text
      .replace(/[“”]/g, '"')
      .replace(/–/g, '--')
      .replace(/\s+([).,])/g, '$1')
      .replace(/\s+/g, ' ');

  it('gives the title page as front matter and every sentence of the abstract as the abstract', async () => {
    await loaded;
    const [front, abstract] = document.sections;
    expect(front?.kind).toBe('front');
    expect(comparable(front?.text ?? '').startsWith(title)).toBe(true);
    expect(front?.text).toContain('Johns Hopkins University');
    expect(front?.text).toMatch(/\(Dated: April 3, 2012\)$/);
    expect(abstract?.kind).toBe('abstract');
    expect(abstract?.text).toMatch(/^Theoretical description of anisotropic systems/);
    expect(abstract?.text).toMatch(/the theory describing a single node\.$/);
    expect(abstractSentences).toHaveLength(7);
    for (const sentence of abstractSentences)
      expect(comparable(abstract?.text ?? '')).toContain(comparable(sentence));
  });

  it('puts the accents PDF.js gives as spacing marks back on their letters', async () => {
    await loaded;
    // "Teˇsanovi´c" and "J´erome" as the PDF's text layer has them.
    expect(document.sections[0]?.text).toContain('Zlatko Tešanović');
    expect(document.sections.at(-1)?.text).toContain('D. Jérome and H. J. Schulz');
    // What is left is math with no accented letter in Unicode (a tilde over S, a bar over k).
    for (const section of document.sections) expect(placeAccents(section.text)).toBe(section.text);
    expect(document.sections.map((s) => s.text).join(' ')).toContain('˜S[φi, χ]');
  });

  it('finds the numbered sections, the acknowledgments and the unheaded reference list', async () => {
    await loaded;
    expect(document.sections.map((s) => [s.kind, s.heading])).toEqual([
      ['front', null],
      ['abstract', null],
      ['body', 'I. INTRODUCTION'],
      ['body', 'II. SELF-CONSISTENT ACTION IN THE LARGE z LIMIT'],
      ['body', 'III. CRITICAL POINT IN N → ∞ LIMIT'],
      ['body', 'IV. CORRECTIONS AT FINITE N'],
      ['body', 'V. DISCUSSION'],
      ['ancillary', 'ACKNOWLEDGMENTS'],
      ['references', 'References'],
    ]);
    const references = document.sections.at(-1)?.text ?? '';
    expect(references).toMatch(/^1 D\. C\. Johnston, Adv\. Phys\. 59, 803 \(2010\)\./);
    expect(references).toMatch(/20 A\. Del Maestro, J\. M\. Murray and Z\. Te.*unpublished\.$/);
    expect(document.sections.find((s) => s.heading === 'V. DISCUSSION')?.text).toMatch(
      /^We have presented a self-consistent, analytical treatment of coupled nodes/,
    );
  });

  it('cuts the references first when the budget is small, and the long sections after that', async () => {
    await loaded;
    const all = document.sections;
    const body = all.filter((s) => s.kind === 'body');

    const tight = fitToBudget(all, sectionsTokens(all) - 100);
    expect(tight.map((s) => s.kind)).not.toContain('references');
    expect(tight.filter((s) => s.kind === 'body')).toEqual(body);
    expect(tight.find((s) => s.kind === 'ancillary')).toBeDefined();

    const small = fitToBudget(all, 5_000);
    expect(sectionsTokens(small)).toBeLessThanOrEqual(5_000);
    expect(small.map((s) => s.kind)).toEqual(['front', 'abstract', 'body', 'body', 'body', 'body', 'body']);
    expect(small.slice(0, 2)).toEqual(all.slice(0, 2));
    for (const section of small.slice(2)) {
      const original = body.find((s) => s.heading === section.heading);
      expect(original?.text.startsWith(section.text.replace(/ \[…\]$/, ''))).toBe(true);
    }
  });
});

describeWithSharedFixtures('summarize --pdf without a model key (1111.2011v2)', () => {
  it("gives an extractive summary of the paper's abstract, not of its title page", async () => {
    const summarizer = new Summarizer({
      cache: new Keyv(),
      download: async () => {
        throw new Error('nothing is downloaded for a local PDF');
      },
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'test-model',
      apiKey: null,
      apiKeyEnv: 'OPENAI_API_KEY',
      language: 'en',
      maxWorkers: 1,
    });
    const summary = await summarizer.summarizePdf(readSharedFixture('pdf/1111.2011v2.pdf'));
    expect(summary.source).toBe('extractive');
    expect(summary.tldr).toMatch(
      /^Theoretical description of anisotropic systems, such as layered superconductors/,
    );
    for (const text of [summary.tldr ?? '', summary.body ?? '']) {
      expect(text).not.toMatch(/Quantum Criticality for Extended Nodes|Johns Hopkins|Institute|Dated|Murray/);
    }
    expect(summary.body).toMatch(/the theory describing a single node\.$/);
  });
});

describe('placeAccents', () => {
  it('puts a spacing accent on the letter after it where Unicode has the accented letter', () => {
    expect(placeAccents('Teˇsanovi´c, J´erome, Schr¨odinger, Fran¸cois, Erd˝os')).toBe(
      'Tešanović, Jérome, Schrödinger, François, Erdős',
    );
    expect(placeAccents('don´t, ˜S and ¯k')).toBe('don´t, ˜S and ¯k');
  });
});

describe('sectionsOf: the abstract of a title page without an "Abstract" heading', () => {
  it('takes the paragraph after the date line (REVTeX) as the abstract', () => {
    const sections = sectionsOf([
      'A Title on Two',
      'Lines',
      'Ada Lovelace,1 Alan Turing2',
      '1Department of Computing, University of London, London, UK',
      '2Institute for Machines, Manchester, UK',
      '(Dated: April 3, 2012)',
      'We study a model of coupled chains and find that its critical point',
      'moves. The Institute of nothing is named in this sentence, which is fine.',
      'PACS numbers: 05.30.Rt',
      'I. INTRODUCTION',
      'Text.',
    ]);
    expect(sections.map((s) => [s.kind, s.heading, s.text])).toEqual([
      [
        'front',
        null,
        'A Title on Two Lines Ada Lovelace,1 Alan Turing2 1Department of Computing, University of London, London, UK 2Institute for Machines, Manchester, UK (Dated: April 3, 2012)',
      ],
      [
        'abstract',
        null,
        'We study a model of coupled chains and find that its critical point moves. The Institute of nothing is named in this sentence, which is fine.',
      ],
      ['front', null, 'PACS numbers: 05.30.Rt'],
      ['body', 'I. INTRODUCTION', 'Text.'],
    ]);
  });

  it('takes the closing run of prose lines after the names and addresses when there is no date line', () => {
    const sections = sectionsOf([
      'Fast Sampling for Serving',
      'Ada Lovelace Alan Turing',
      'University of London Manchester University',
      'ada@example.org, alan@example.org',
      'Sampling is a bottleneck of large language model serving. We move it off the',
      'GPU and overlap it with the forward pass, which doubles the throughput of',
      'serving on eight GPUs.',
      '1 Introduction',
      'Text.',
    ]);
    expect(sections.map((s) => [s.kind, s.text.slice(0, 30)])).toEqual([
      ['front', 'Fast Sampling for Serving Ada '],
      ['abstract', 'Sampling is a bottleneck of la'],
      ['body', 'Text.'],
    ]);
  });

  it('leaves a title page without a paragraph as front matter', () => {
    expect(sectionsOf(['A Title', 'Ada Lovelace', '1 Introduction', 'Text.']).map((s) => s.kind)).toEqual([
      'front',
      'body',
    ]);
  });
});
