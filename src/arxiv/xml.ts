import { XMLValidator } from 'fast-xml-parser';
import { ExternalError } from '../errors.ts';
import { normalizeWhitespace } from './paper.ts';

/*
 * Reading arXiv's XML. Every document is first checked whole by fast-xml-parser's XMLValidator, so malformed
 * XML is an error before anything is read from it. The validated text is then walked by the small element
 * reader below rather than by fast-xml-parser's XMLParser. The reader relies on the validation (balanced
 * tags, quoted attributes, well-formed references) and exists for speed: it finds tags with indexOf and
 * copies each text once, where XMLParser builds its objects character by character, and most of a listing
 * is abstract text. On the 2.8 MB real listing XMLParser alone takes several times as long as this reader
 * and the building of the Papers together (bench/parse.bench.ts prints both).
 */

export interface XmlElement {
  /** The qualified name as written, e.g. `arxiv:announce_type`. arXiv's serializers use fixed prefixes. */
  name: string;
  /** The raw attributes of the start tag; read them with `attributes()` (most elements need none). */
  attributeText: string;
  /** The raw markup between the start and end tags ('' for an empty element). */
  inner: string;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: false });

/** Decodes bytes as UTF-8 (arXiv's only encoding) and drops a byte-order mark. */
export function xmlText(input: string | Uint8Array): string {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Validates a whole document and returns its root element.
 * Throws ExternalError('ARXIV_MALFORMED') when the text is not well-formed XML.
 */
export function readXmlDocument(text: string): XmlElement {
  const result = XMLValidator.validate(text);
  if (result !== true) {
    const { msg, line, col } = result.err;
    throw malformed(`${msg} (line ${line}, column ${col})`);
  }
  // The validator lets a document of several self-closing roots through; a feed has exactly one root.
  const roots = childElements(text);
  if (roots.length !== 1 || !roots[0]) throw malformed(`${roots.length} root elements instead of one`);
  return roots[0];
}

export function malformed(detail: string): ExternalError {
  return new ExternalError(
    'ARXIV_MALFORMED',
    'arXiv sent a response that is not a readable feed; nothing from it was used. Try again later.',
    { detail },
  );
}

/** The elements directly inside `xml` (a validated document or an element's inner markup), in order. */
export function childElements(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  let at = xml.indexOf('<');
  while (at !== -1) {
    const next = xml.charCodeAt(at + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      at = skipMarkup(xml, at);
    } else {
      const tagEnd = findTagEnd(xml, at);
      const selfClosing = xml.charCodeAt(tagEnd - 1) === 47; /* / */
      const headEnd = selfClosing ? tagEnd - 1 : tagEnd;
      let nameEnd = at + 1;
      while (nameEnd < headEnd && !isSpace(xml.charCodeAt(nameEnd))) nameEnd++;
      const name = xml.slice(at + 1, nameEnd);
      const attributeText = xml.slice(nameEnd, headEnd);
      if (selfClosing) {
        elements.push({ name, attributeText, inner: '' });
        at = tagEnd + 1;
      } else {
        const close = findEndTag(xml, tagEnd + 1, name);
        elements.push({ name, attributeText, inner: xml.slice(tagEnd + 1, close) });
        at = indexOrThrow(xml, '>', close) + 1;
      }
    }
    at = xml.indexOf('<', at);
  }
  return elements;
}

/** The first child element with this name, or undefined. */
export function child(elements: readonly XmlElement[], name: string): XmlElement | undefined {
  return elements.find((element) => element.name === name);
}

/** The text content of an element: references decoded, CDATA kept verbatim, comments and tags dropped. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  const xml = element.inner;
  if (xml.indexOf('<') === -1) return decodeReferences(xml);
  let text = '';
  let at = 0;
  while (at < xml.length) {
    const open = xml.indexOf('<', at);
    if (open === -1) {
      text += decodeReferences(xml.slice(at));
      break;
    }
    text += decodeReferences(xml.slice(at, open));
    if (xml.startsWith('<![CDATA[', open)) {
      const end = indexOrThrow(xml, ']]>', open + 9);
      text += xml.slice(open + 9, end);
      at = end + 3;
    } else if (xml.charCodeAt(open + 1) === 33 || xml.charCodeAt(open + 1) === 63) {
      at = skipMarkup(xml, open);
    } else {
      at = findTagEnd(xml, open) + 1;
    }
  }
  return text;
}

/** The element's text, whitespace normalized, or null when it is missing or blank. */
export function optionalText(element: XmlElement | undefined): string | null {
  const text = normalizeWhitespace(textOf(element));
  return text === '' ? null : text;
}

const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Decodes XML's five named references and numeric character references; anything else stays as written. */
export function decodeReferences(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, reference: string) => {
    if (reference.charCodeAt(0) !== 35 /* # */) return NAMED_REFERENCES[reference] ?? whole;
    const code =
      reference[1] === 'x' || reference[1] === 'X'
        ? Number.parseInt(reference.slice(2), 16)
        : Number.parseInt(reference.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** An element's attributes by qualified name, values decoded. */
export function attributes(element: XmlElement): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of element.attributeText.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    result[match[1] as string] = decodeReferences(match[2] ?? match[3] ?? '');
  }
  return result;
}

/** The index of the `>` that ends the tag starting at `open`, skipping quoted attribute values. */
function findTagEnd(xml: string, open: number): number {
  for (let at = open + 1; at < xml.length; at++) {
    const code = xml.charCodeAt(at);
    if (code === 62 /* > */) return at;
    if (code === 34 /* " */ || code === 39 /* ' */) at = indexOrThrow(xml, xml[at] as string, at + 1);
  }
  throw malformed('unterminated tag');
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** The index of the `</name` that closes an element whose content starts at `from`, counting nesting. */
function findEndTag(xml: string, from: number, name: string): number {
  let depth = 1;
  let at = indexOrThrow(xml, '<', from);
  for (;;) {
    const next = xml.charCodeAt(at + 1);
    if (next === 47 /* / */) {
      if (isNameAt(xml, at + 2, name) && --depth === 0) return at;
      at = indexOrThrow(xml, '>', at) + 1;
    } else if (next === 33 || next === 63) {
      at = skipMarkup(xml, at);
    } else {
      const tagEnd = findTagEnd(xml, at);
      if (isNameAt(xml, at + 1, name) && xml.charCodeAt(tagEnd - 1) !== 47) depth++;
      at = tagEnd + 1;
    }
    at = indexOrThrow(xml, '<', at);
  }
}

function isNameAt(xml: string, at: number, name: string): boolean {
  if (!xml.startsWith(name, at)) return false;
  const after = xml.charCodeAt(at + name.length);
  return after === 62 /* > */ || after === 47 /* / */ || isSpace(after);
}

/** Skips a comment, CDATA section, DOCTYPE or processing instruction starting at `open`. */
function skipMarkup(xml: string, open: number): number {
  if (xml.startsWith('<!--', open)) return indexOrThrow(xml, '-->', open + 4) + 3;
  if (xml.startsWith('<![CDATA[', open)) return indexOrThrow(xml, ']]>', open + 9) + 3;
  if (xml.startsWith('<?', open)) return indexOrThrow(xml, '?>', open + 2) + 2;
  // A DOCTYPE, possibly with an internal subset in brackets.
  const bracket = xml.indexOf('[', open);
  const end = indexOrThrow(xml, '>', open);
  if (bracket === -1 || bracket > end) return end + 1;
  return indexOrThrow(xml, '>', indexOrThrow(xml, ']', bracket)) + 1;
}

function indexOrThrow(xml: string, search: string, from: number): number {
  const at = xml.indexOf(search, from);
  if (at === -1) throw malformed(`unterminated markup: "${search}" expected`);
  return at;
}
