import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/arxiv/feed.ts';
import { texToText } from '../../../src/text/tex.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

describe('texToText: accents', () => {
  it('turns the names arXiv lists with TeX accents into the names', () => {
    expect(texToText("Gr\\'egoire Labb\\'e")).toBe('Grégoire Labbé');
    expect(texToText("Benjamin R\\'emy")).toBe('Benjamin Rémy');
    expect(texToText("Zlatko Te\\v{s}anovi\\'c")).toBe('Zlatko Tešanović');
    expect(texToText('Thomas M\\"uller')).toBe('Thomas Müller');
    expect(texToText('Paul Erd\\H{o}s')).toBe('Paul Erdős');
    expect(texToText('Fran\\c{c}ois')).toBe('François');
    expect(texToText("Alejandro C\\'ardenas-Avenda\\~no")).toBe('Alejandro Cárdenas-Avendaño');
    expect(texToText('Serdar Kad{\\i}o\\u{g}lu')).toBe('Serdar Kadıoğlu');
    expect(texToText('Jaros{\\l}aw \\.Zygierewicz')).toBe('Jarosław Żygierewicz');
    expect(texToText("Marc Aragon\\`es Fontbot\\'e")).toBe('Marc Aragonès Fontboté');
    expect(texToText("Wies{\\l}aw Kubi\\'s")).toBe('Wiesław Kubiś');
  });

  it('reads each accent with and without braces, and braces around it', () => {
    const forms = ["\\'e", "\\'{e}", "{\\'e}", "{\\'{e}}", "\\' e"];
    for (const form of forms) expect(texToText(`caf${form}`), form).toBe('café');
  });

  it('has the common accent commands', () => {
    expect(texToText('\\\'a \\`a \\^a \\"a \\~a \\=a \\.z \\u{a} \\v{c} \\H{u} \\c{s} \\k{e} \\r{u}')).toBe(
      'á à â ä ã ā ż ă č ű ş ę ů',
    );
    expect(texToText('\\v c \\u g \\H o \\c c \\k a \\r a')).toBe('č ğ ő ç ą å');
  });

  it('puts an accent on a dotless i or j as on i and j', () => {
    expect(texToText("Garc\\'{\\i}a, Mart\\'\\i nez, Krasnosel'ki\\u{\\i}, Lo\\\"{\\i}c, \\^{\\j}")).toBe(
      "García, Martínez, Krasnosel'kiĭ, Loïc, ĵ",
    );
  });

  it('gives a precomposed character (NFC)', () => {
    expect(texToText("\\'e")).toBe('\u00e9');
    expect(texToText("\\'e").normalize('NFC')).toBe(texToText("\\'e"));
  });

  it('leaves an accent it cannot place as it is', () => {
    expect(texToText("\\'{}")).toBe("\\'{}");
    expect(texToText("\\'{ab}")).toBe("\\'{ab}");
    expect(texToText('trailing \\"')).toBe('trailing \\"');
  });
});

describe('texToText: letters and escapes', () => {
  it('has the letter commands', () => {
    expect(
      texToText('{\\o} \\O{} {\\ae} {\\AE} {\\oe} {\\OE} {\\aa} {\\AA} {\\ss} {\\l} {\\L} {\\i} {\\j}'),
    ).toBe('ø Ø æ Æ œ Œ å Å ß ł Ł ı ȷ');
  });

  it('takes the space after a letter command as TeX does', () => {
    expect(texToText('J\\o rgensen, Stra\\ss e, \\L ukasz')).toBe('Jørgensen, Straße, Łukasz');
    expect(texToText('Sofie Castro Holb{\\ae}k, Rasmus Mar{\\aa}k')).toBe(
      'Sofie Castro Holbæk, Rasmus Maråk',
    );
    expect(texToText('Planetary Nebul{\\ae} and')).toBe('Planetary Nebulæ and');
  });

  it('does not take a longer command for a letter command', () => {
    expect(texToText('{\\omega} \\item \\lambda \\Lambda \\int \\aleph')).toBe(
      '{\\omega} \\item \\lambda \\Lambda \\int \\aleph',
    );
  });

  it('unescapes \\% \\& \\_ \\# \\$ outside math', () => {
    expect(texToText('50\\% fewer, R\\&D, snake\\_case, \\#1, \\$5')).toBe(
      '50% fewer, R&D, snake_case, #1, $5',
    );
  });
});

describe('texToText: math stays as it is', () => {
  it('leaves $...$, $$...$$, \\(...\\) and \\[...\\] exactly as they are', () => {
    const math = [
      "$\\hat{\\'e}_{\\%}$",
      '$$\\"u + 50\\%$$',
      "\\(\\'a \\& b\\)",
      '\\[\\o\\]',
      '$\\mathbb{R}^3$',
      '$\\sqrt{s} = 13$',
    ];
    for (const part of math) expect(texToText(`caf\\'e ${part} na\\"ive`), part).toBe(`café ${part} naïve`);
  });

  it('does not take an escaped dollar for math, nor an unclosed one', () => {
    expect(texToText("costs \\$5 and Andr\\'e's \\$6")).toBe("costs $5 and André's $6");
    expect(texToText("a lone $ sign, Andr\\'e")).toBe('a lone $ sign, André');
  });

  it('changes nothing in text without TeX', () => {
    const plain = 'Attention Is All You Need: 3× faster, ≥ 50% of GPUs (cs.LG) — Ünïcödé';
    expect(texToText(plain)).toBe(plain);
  });
});

describeWithSharedFixtures('texToText on a real arXiv listing', () => {
  const papers = parseFeed(readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml')).papers;

  it('leaves no accent, letter command or escape outside math in any title or author', () => {
    const leftover = /\\(?:['`^"~=.]|[uvHckr]\{|(?:o|O|ae|AE|oe|OE|aa|AA|ss|l|L|i|j)(?![A-Za-z])|[%&_#$])/;
    const outsideMath = (text: string) => text.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)/g, '');
    const texts = papers.flatMap((paper) => [paper.title, ...paper.authors]);
    expect(texts.filter((text) => /\\['"`^~=.]/.test(text)).length).toBeGreaterThan(50);
    expect(texts.map(texToText).filter((text) => leftover.test(outsideMath(text)))).toEqual([]);
  });

  it('gives the names as people write them', () => {
    const names = papers.flatMap((paper) => paper.authors.map(texToText));
    for (const name of [
      'Benjamin Rémy',
      'Péter Dusán Ispánovity',
      'Václav Vavryčuk',
      'Jarosław Żygierewicz',
      'Przemysław Olbratowski',
      'Serdar Kadıoğlu',
      'Sofie Castro Holbæk',
      'Rasmus Maråk',
      'S. Štimac',
      'Loïc Herviou',
      'Jörg F. Unger',
      'Bérengère Nihoul',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('keeps the math of titles as it is', () => {
    const title = papers.find((p) => p.title.startsWith('The exotic structure of the spectral'))?.title;
    expect(title && texToText(title)).toBe(
      'The exotic structure of the spectral $\\zeta$-function for the Schrödinger operator with Pöschl--Teller potential',
    );
  });
});
