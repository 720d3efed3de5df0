import { parse } from '@retorquere/bibtex-parser';
import { describe, expect, it } from 'vitest';
import { bibtexText, citationKey, toBibtex, toRis } from '../../../src/arxiv/cite.ts';
import { makePaper } from '../../support/papers.ts';

/**
 * The one entry of a BibTeX text, read by a real BibTeX parser, TeX turned into Unicode (math macros it
 * does not know, such as \mathcal, are left alone: they are math, not syntax).
 */
function readBack(bibtex: string) {
  const parsed = parse(bibtex, { unsupported: 'ignore', sentenceCase: false });
  expect(parsed.errors).toEqual([]);
  expect(parsed.entries).toHaveLength(1);
  const entry = parsed.entries[0];
  if (!entry) throw new Error('no entry');
  return entry;
}

const attention = makePaper('1706.03762', {
  version: 7,
  title: 'Attention Is All You Need',
  authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar'],
  primaryCategory: 'cs.CL',
  categories: ['cs.CL', 'cs.LG'],
  published: '2017-06-12T17:57:34Z',
  doi: null,
  journalRef: null,
});

describe('BibTeX', () => {
  it("writes arXiv's own @misc entry, keyed by surname, year and two significant title words", () => {
    expect(toBibtex(attention)).toBe(
      [
        '@misc{vaswani2017attentionneed,',
        '  title={Attention Is All You Need},',
        '  author={Ashish Vaswani and Noam Shazeer and Niki Parmar},',
        '  year={2017},',
        '  eprint={1706.03762},',
        '  archivePrefix={arXiv},',
        '  primaryClass={cs.CL},',
        '  url={https://arxiv.org/abs/1706.03762},',
        '}',
      ].join('\n'),
    );
    const entry = readBack(toBibtex(attention));
    expect(entry.type).toBe('misc');
    expect(entry.key).toBe('vaswani2017attentionneed');
    expect(entry.fields.title).toBe('Attention Is All You Need');
    expect(entry.fields.author).toEqual([
      { firstName: 'Ashish', lastName: 'Vaswani' },
      { firstName: 'Noam', lastName: 'Shazeer' },
      { firstName: 'Niki', lastName: 'Parmar' },
    ]);
    expect(entry.fields.year).toBe('2017');
    expect(entry.fields.eprint).toBe('1706.03762');
    expect(entry.fields.archiveprefix).toBe('arXiv');
    expect(entry.fields.primaryclass).toBe('cs.CL');
    expect(entry.fields.url).toBe('https://arxiv.org/abs/1706.03762');
  });

  it('adds the DOI and the journal reference (as note) when the paper has them', () => {
    const paper = makePaper('hep-th/9504118', {
      title: 'Strong coupling & the 50% rule: #1 for $\\mathcal{N}=2$ {SU(2)}',
      authors: ['Edward Witten'],
      primaryCategory: 'hep-th',
      categories: ['hep-th'],
      published: null,
      updated: null,
      announced: null,
      doi: '10.1016/0550-3213(95)00158-O',
      journalRef: 'Nucl.Phys. B443 (1995) 85-126',
    });
    const bibtex = toBibtex(paper);
    expect(bibtex).toContain('@misc{witten1995strongcoupling,');
    expect(bibtex).toContain(
      '  title={Strong coupling \\& the 50\\% rule: \\#1 for $\\mathcal{N}=2$ {SU(2)}},',
    );
    expect(bibtex).toContain('  eprint={hep-th/9504118},');
    expect(bibtex).toContain('  primaryClass={hep-th},');
    expect(bibtex).toContain('  doi={10.1016/0550-3213(95)00158-O},');
    expect(bibtex).toContain('  note={Nucl.Phys. B443 (1995) 85-126},');
    const entry = readBack(bibtex);
    expect(entry.fields.eprint).toBe('hep-th/9504118');
    expect(entry.fields.primaryclass).toBe('hep-th');
    expect(entry.fields.doi).toBe('10.1016/0550-3213(95)00158-O');
    expect(entry.fields.note).toBe('Nucl.Phys. B443 (1995) 85-126');
    expect(entry.fields.year).toBe('1995');
    expect(entry.fields.title).toContain('Strong coupling & the 50% rule: #1 for');
  });

  it('keeps accents as Unicode and TeX accents as TeX, and the key in ASCII', () => {
    const paper = makePaper('2401.01234', {
      title: 'Schr\\"odinger bridges for Café models',
      authors: ['José Müller-Łukasiewicz', 'Zoë Ñúñez'],
      published: '2024-01-02T00:00:00Z',
    });
    const bibtex = toBibtex(paper);
    expect(citationKey(paper)).toBe('mullerlukasiewicz2024schrodingerbridges');
    expect(bibtex).toContain('title={Schr\\"odinger bridges for Café models}');
    const entry = readBack(bibtex);
    expect(entry.fields.title?.normalize('NFC')).toBe('Schrödinger bridges for Café models');
    expect(entry.fields.author).toEqual([
      { firstName: 'José', lastName: 'Müller-Łukasiewicz' },
      { firstName: 'Zoë', lastName: 'Ñúñez' },
    ]);
  });

  it('escapes every special character outside math, and keeps math as it is', () => {
    expect(bibtexText('a_b ~ c^d \\ e $x$')).toBe(
      'a\\_b \\textasciitilde{} c\\textasciicircum{}d \\textbackslash{} e $x$',
    );
    expect(bibtexText('Price in $ and % of it')).toBe('Price in \\$ and \\% of it');
    expect(bibtexText('Bounds of $\\alpha_1^{2} \\% 100$ & more')).toBe(
      'Bounds of $\\alpha_1^{2} \\% 100$ \\& more',
    );
    // Unbalanced braces are escaped, so the field still closes where it should.
    expect(bibtexText('a } b {')).toBe('a \\} b \\{');
    const paper = makePaper('2401.00001', {
      title: 'Odd } brace, _under_ & $\\beta$ and {un',
      authors: ['A. Author'],
    });
    const entry = readBack(toBibtex(paper));
    expect(entry.fields.title).toContain('Odd } brace, _under_ & ');
    expect(entry.fields.title).toContain('and {un');
  });

  it('lists many authors with and, each read back as one name', () => {
    const authors = Array.from({ length: 40 }, (_, index) => `Author${index} Surname${index}`);
    const paper = makePaper('2401.00002', { authors, title: 'A Big Collaboration' });
    const entry = readBack(toBibtex(paper));
    expect(entry.fields.author).toHaveLength(40);
    expect(entry.fields.author?.[39]).toEqual({ firstName: 'Author39', lastName: 'Surname39' });
    expect(entry.key).toMatch(/^surname\d{4}bigcollaboration$/);
  });
});

describe('RIS', () => {
  it('writes a GEN record with one AU per author, the DOI and the journal reference', () => {
    const paper = makePaper('hep-th/9504118', {
      title: 'String theory dynamics in various dimensions',
      authors: ['Edward Witten', 'Zoë Ñúñez'],
      primaryCategory: 'hep-th',
      published: '1995-03-20T00:00:00Z',
      doi: '10.1016/0550-3213(95)00158-O',
      journalRef: 'Nucl.Phys. B443 (1995) 85-126',
    });
    expect(toRis(paper)).toBe(
      [
        'TY  - GEN',
        'TI  - String theory dynamics in various dimensions',
        'AU  - Edward Witten',
        'AU  - Zoë Ñúñez',
        'PY  - 1995',
        'UR  - https://arxiv.org/abs/hep-th/9504118',
        'N1  - arXiv:hep-th/9504118 [hep-th]',
        'DO  - 10.1016/0550-3213(95)00158-O',
        'N1  - Journal reference: Nucl.Phys. B443 (1995) 85-126',
        'ER  - ',
      ].join('\n'),
    );
  });

  it('leaves out the DOI and journal reference when there are none', () => {
    const ris = toRis(attention);
    expect(ris).not.toContain('DO  -');
    expect(ris).not.toContain('Journal reference');
    expect(ris.split('\n').filter((line) => line.startsWith('AU  - '))).toHaveLength(3);
  });
});
