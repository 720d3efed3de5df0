import { describe, expect, it } from 'vitest';
import { normalizeWhitespace } from '../../../src/arxiv/paper.ts';
import {
  attributes,
  childElements,
  decodeReferences,
  readXmlDocument,
  textOf,
} from '../../../src/arxiv/xml.ts';
import { thrownBy } from './helpers.ts';

describe('the element reader', () => {
  it('lists child elements in order, skipping prolog, comments and processing instructions', () => {
    const root = readXmlDocument(
      '<?xml version="1.0"?>\n<!-- a comment with <tags> -->\n<root><a>1</a><?pi x?><!-- <b>no</b> --><b/><c x="1">3</c></root>',
    );
    expect(root.name).toBe('root');
    expect(childElements(root.inner).map((element) => [element.name, textOf(element)])).toEqual([
      ['a', '1'],
      ['b', ''],
      ['c', '3'],
    ]);
  });

  it('finds the right end tag when an element contains one of the same name', () => {
    const root = readXmlDocument('<r><x><x>inner</x><x/>tail</x><y>after</y></r>');
    const [x, y] = childElements(root.inner);
    expect(x?.inner).toBe('<x>inner</x><x/>tail');
    expect(textOf(x)).toBe('innertail');
    expect(textOf(y)).toBe('after');
  });

  it('keeps CDATA verbatim and decodes references elsewhere', () => {
    const root = readXmlDocument('<r><t>a &amp; <![CDATA[<b> &amp; </b>]]> &#x3C;&#60;&lt;</t></r>');
    expect(textOf(childElements(root.inner)[0])).toBe('a & <b> &amp; </b> <<<');
  });

  it('reads attributes in either quote, with > and entities inside values', () => {
    const root = readXmlDocument(
      `<r><link href="a?b=1&amp;c=2" title='x > y' rel = "alternate"/><n>z</n></r>`,
    );
    const [link, next] = childElements(root.inner);
    expect(link && attributes(link)).toEqual({ href: 'a?b=1&c=2', title: 'x > y', rel: 'alternate' });
    expect(textOf(next)).toBe('z');
  });

  it('leaves unknown named references as written', () => {
    expect(decodeReferences('&nbsp; &amp; &#128512;')).toBe('&nbsp; & 😀');
  });

  it.each([
    ['an unclosed element', '<r><a>text</r>'],
    ['a stray ampersand', '<r>fish & chips</r>'],
    ['two roots', '<r/><s/>'],
    ['no markup at all', 'Service Unavailable'],
    ['an empty body', ''],
  ])('rejects %s as ARXIV_MALFORMED', (_, xml) => {
    expect(thrownBy(() => readXmlDocument(xml))).toMatchObject({ code: 'ARXIV_MALFORMED', kind: 'external' });
  });
});

describe('normalizeWhitespace', () => {
  it('gives exactly what collapsing /\\s+/ and trimming gives', () => {
    const samples = [
      '',
      '   ',
      'plain text',
      '  leading and trailing  ',
      'tabs\tand\nnewlines\r\n and  double  spaces',
      '\u00a0no-break\u2003em space\u3000ideographic\ufeffbom',
      'a \n\t b',
      'one\u2028line\u2029separator',
    ];
    for (const sample of samples)
      expect(normalizeWhitespace(sample)).toBe(sample.replace(/\s+/g, ' ').trim());
  });
});
