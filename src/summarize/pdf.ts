import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { classifyHeading, type FullText, type Section, type SectionKind } from './document.ts';
import { PdfPool } from './pdf-pool.ts';

/*
 * Text from a paper's PDF through unpdf (PDF.js). A PDF has no structure to read, so sections are found from
 * heading lines: "I. INTRODUCTION" (APS/IEEE), "1 Introduction" or "1. Introduction" (numbered in sequence),
 * and bare "Abstract", "References", "Acknowledgments", "Appendix A: ..." lines. Physics journals print the
 * reference list without a heading; a run of numbered entries "1 A. Author, ... (2010)." is found instead.
 * They print the abstract without one too, on the title page after the authors, their addresses and the date
 * line: that paragraph is found and made the abstract (splitTitlePage), so that what stands for the paper when
 * no model reads it (the extractive summary) is its abstract, not its title and affiliations.
 *
 * PDF.js gives some accents as spacing marks before their letter ("Teˇsanovi´c"); they are put back on it.
 */

const KEYWORD_HEADING =
  /^(abstract|introduction|related work|background|preliminaries|methods?|experiments?|results|discussion|conclusions?|limitations|references|bibliography|acknowledge?ments?|appendix(?:\s+[A-Z0-9]+)?(?:\s*[:.—-]\s*.{0,70})?|appendices|supplementary materials?)$/i;
/** "Abstract. We present..." (LNCS, Elsevier): the heading runs into the first line of the text. */
const INLINE_ABSTRACT = /^abstract\s*[.:—–-]\s*(\S.*)$/i;
const ROMAN_HEADING = /^([IVXL]+)\.\s+(\S.{0,80})$/;
const NUMBERED_HEADING = /^(\d{1,2})\.?\s+([A-Z][^.,;:]{1,70})$/;
const PAGE_NUMBER = /^\d{1,3}$/;

/** What reads this process's PDFs: a PdfPool, or the calling thread (the benchmark's baseline). */
export interface PdfReader {
  extract(bytes: Uint8Array): Promise<FullText>;
  close(): Promise<void>;
}

let reader: PdfReader | null = null;

/**
 * Sections of a PDF, read on a worker thread (pdf-pool.ts) so the event loop stays free. Throws (the PDF.js
 * error, rebuilt) when the bytes are not a readable PDF, a PdfTimeoutError when reading it took longer than
 * the time limit, a PdfWorkerError when it crashed, a PdfBusyError when too many PDFs are waiting.
 */
export async function extractPdf(bytes: Uint8Array): Promise<FullText> {
  reader ??= new PdfPool();
  return reader.extract(bytes);
}

/**
 * From now on this process reads PDFs with `next` (a pool of other limits in tests; the inline reader for
 * the benchmark's before figure); the previous reader is closed.
 */
export async function usePdfReader(next: PdfReader): Promise<void> {
  const previous = reader;
  reader = next;
  await previous?.close();
}

/** Reads PDFs on the calling thread, blocking its event loop while PDF.js works (what usePdfReader takes). */
export const inlinePdfReader: PdfReader = {
  extract: (bytes) => extractPdfInline(bytes),
  close: async () => {},
};

/** Terminates the PDF workers (the engine's close()); they start again if another PDF is read. */
export async function closePdfPool(): Promise<void> {
  const closing = reader;
  reader = null;
  await closing?.close();
}

/** Sections of a PDF, read on the calling thread (the worker's job; the benchmark's baseline). */
export async function extractPdfInline(bytes: Uint8Array): Promise<FullText> {
  // PDF.js takes ownership of the buffer it is given, so it gets a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const { text: pages } = await extractText(pdf, { mergePages: false });
    const { info } = await getMeta(pdf);
    const title = typeof info.Title === 'string' && info.Title.trim() ? info.Title.trim() : null;
    return { source: 'pdf', title, sections: sectionsOf(pages.flatMap(pageLines)) };
  } finally {
    await pdf.destroy();
  }
}

function pageLines(page: string): string[] {
  const lines = page
    .split('\n')
    .map((line) => placeAccents(line.trim()))
    .filter(Boolean);
  if (lines.length > 0 && PAGE_NUMBER.test(lines[0] ?? '')) lines.shift();
  if (lines.length > 0 && PAGE_NUMBER.test(lines.at(-1) ?? '')) lines.pop();
  return lines;
}

interface RawSection {
  heading: string | null;
  kind: SectionKind;
  lines: string[];
}

/** Splits lines at heading lines; exported for tests of the heading rules on small inputs. */
export function sectionsOf(lines: readonly string[]): Section[] {
  const raw: RawSection[] = [{ heading: null, kind: 'front', lines: [] }];
  let lastNumber = 0;
  let afterReferences = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const found = headingAt(lines, i, lastNumber);
    if (!found) {
      raw.at(-1)?.lines.push(line);
      continue;
    }
    if (found.number !== null) lastNumber = found.number;
    let kind = classifyHeading(found.heading);
    // Whatever follows the reference list is back matter, unless it says what it is.
    if (afterReferences && kind === 'body') kind = 'appendix';
    if (kind === 'references') afterReferences = true;
    raw.push({ heading: found.heading, kind, lines: found.rest === null ? [] : [found.rest] });
    i += found.consumed - 1;
  }
  const [front, ...rest] = raw as [RawSection, ...RawSection[]];
  const sections = raw.some((s) => s.kind === 'abstract') ? raw : [...splitTitlePage(front), ...rest];
  return sections.flatMap(splitUnheadedReferences).flatMap((s) => {
    const text = joinLines(s.lines);
    return text ? [{ heading: s.heading, kind: s.kind, text }] : [];
  });
}

interface FoundHeading {
  heading: string;
  /** The section number when numbered (1 for "I." or "1"), to require numbering in sequence. */
  number: number | null;
  /** Lines the heading takes (a long all-caps title wraps onto a second line). */
  consumed: number;
  /** Text that shared the heading's line ("Abstract. We present ..."), or null. */
  rest: string | null;
}

function headingAt(lines: readonly string[], i: number, lastNumber: number): FoundHeading | null {
  const line = lines[i] ?? '';
  if (line.length > 90) return null;
  if (KEYWORD_HEADING.test(line)) return { heading: line, number: null, consumed: 1, rest: null };
  const inline = INLINE_ABSTRACT.exec(line);
  if (inline?.[1]) return { heading: 'Abstract', number: null, consumed: 1, rest: inline[1] };

  const roman = ROMAN_HEADING.exec(line);
  if (roman?.[1] && roman[2] && isMostlyUppercase(roman[2]) && romanValue(roman[1]) === lastNumber + 1) {
    const next = lines[i + 1] ?? '';
    const wraps = next.length > 0 && next.length <= 50 && isMostlyUppercase(next) && !/^\d/.test(next);
    return {
      heading: wraps ? `${line} ${next}` : line,
      number: lastNumber + 1,
      consumed: wraps ? 2 : 1,
      rest: null,
    };
  }
  const numbered = NUMBERED_HEADING.exec(line);
  if (numbered?.[1] && numbered[2] && Number(numbered[1]) === lastNumber + 1 && looksLikeTitle(numbered[2])) {
    return { heading: line, number: lastNumber + 1, consumed: 1, rest: null };
  }
  return null;
}

function isMostlyUppercase(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 3) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length >= 0.8;
}

/** A section title: a few words, most of them capitalized or short function words, no sentence inside. */
function looksLikeTitle(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length > 10) return false;
  const capitalized = words.filter((w) => /^[\p{Lu}\d]/u.test(w)).length;
  return capitalized >= Math.ceil(words.length / 2) || words.length <= 3;
}

function romanValue(numeral: string): number {
  const values: Record<string, number> = { I: 1, V: 5, X: 10, L: 50 };
  let total = 0;
  for (let i = 0; i < numeral.length; i++) {
    const value = values[numeral[i] ?? ''] ?? 0;
    const next = values[numeral[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}

const ENTRY_MARK = /^\[?(\d{1,3})[\].]?\s+\S/;
const YEAR = /\b(1[89]|20)\d{2}\b/;

/**
 * Splits off a reference list printed without a heading: the last line that starts entry "1" and is followed,
 * in order and a few lines apart, by entries 2 to 5 or more, most of them with a year.
 */
function splitUnheadedReferences(section: RawSection): RawSection[] {
  if (section.kind === 'references' || section.kind === 'front') return [section];
  const { lines } = section;
  for (let start = lines.length - 1; start >= 0; start--) {
    if (Number(ENTRY_MARK.exec(lines[start] ?? '')?.[1]) !== 1) continue;
    const entries = entryStarts(lines, start);
    if (entries.length < 5) continue;
    const withYear = entries.filter((at, k) =>
      YEAR.test(lines.slice(at, entries[k + 1] ?? Math.min(lines.length, at + 6)).join(' ')),
    ).length;
    if (withYear * 2 < entries.length) continue;
    return [
      { ...section, lines: lines.slice(0, start) },
      { heading: 'References', kind: 'references', lines: lines.slice(start) },
    ];
  }
  return [section];
}

function entryStarts(lines: readonly string[], start: number): number[] {
  const starts = [start];
  let expected = 2;
  let at = start + 1;
  while (at < lines.length && at - (starts.at(-1) ?? start) <= 6) {
    if (Number(ENTRY_MARK.exec(lines[at] ?? '')?.[1]) === expected) {
      starts.push(at);
      expected++;
    }
    at++;
  }
  return starts;
}

/** One paragraph per section: lines joined, words hyphenated across a line break rejoined. */
function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (/\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else text = text ? `${text} ${line}` : line;
  }
  return text.trim();
}

/** Spacing accents as PDF.js gives them, and the combining mark each stands for. */
const SPACING_ACCENTS: Readonly<Record<string, string>> = {
  '\u00b4': '\u0301', // ´ acute
  '\u0060': '\u0300', // ` grave
  '\u02c6': '\u0302', // ˆ circumflex
  '\u00a8': '\u0308', // ¨ diaeresis
  '\u02dc': '\u0303', // ˜ tilde
  '\u00af': '\u0304', // ¯ macron
  '\u02d8': '\u0306', // ˘ breve
  '\u02d9': '\u0307', // ˙ dot above
  '\u02da': '\u030a', // ˚ ring
  '\u02dd': '\u030b', // ˝ double acute
  '\u02c7': '\u030c', // ˇ caron
  '\u00b8': '\u0327', // ¸ cedilla
  '\u02db': '\u0328', // ˛ ogonek
};
const SPACING_ACCENT =
  /([\u00b4\u0060\u02c6\u00a8\u02dc\u00af\u02d8\u02d9\u02da\u02dd\u02c7\u00b8\u02db])(\p{L})/gu;

/**
 * "Teˇsanovi´c" as "Tešanović": a spacing accent before a letter goes on the letter, where Unicode has the
 * accented letter (so a stray backtick or acute before a letter that takes no such accent stays as it is).
 */
export function placeAccents(line: string): string {
  return line.replace(SPACING_ACCENT, (pair, accent: string, letter: string) => {
    const composed = `${letter}${SPACING_ACCENTS[accent]}`.normalize('NFC');
    return [...composed].length === 1 ? composed : pair;
  });
}

/** A REVTeX-style date line, the last line of a title page before its abstract: "(Dated: April 3, 2012)". */
const DATE_LINE = /^\(?\s*(dated|received|revised|accepted|published|submitted)\b/i;
/** Lines that follow an abstract on a title page and are not part of it. */
const AFTER_ABSTRACT =
  /^(pacs( numbers)?|keywords?|key words|index terms|msc|mathematics subject classification|doi|arxiv:)\b/i;
/** An abstract found on a title page without a heading is at least this long. */
const MIN_ABSTRACT = 100;

/**
 * The title page (the lines before the first heading) of a paper that prints its abstract without a heading:
 * the title, authors, addresses and date as front matter, then the abstract, then what follows it there
 * (PACS numbers, keywords) as front matter again. The abstract is what follows a date line (REVTeX), else
 * the run of prose lines that ends the page. A title page without such a paragraph stays as it is.
 */
function splitTitlePage(front: RawSection): RawSection[] {
  const { lines } = front;
  let end = lines.length;
  while (end > 0 && AFTER_ABSTRACT.test(lines[end - 1] ?? '')) end--;
  const dated = lines.slice(0, end).findLastIndex((line) => DATE_LINE.test(line));
  let start = dated >= 0 ? dated + 1 : end;
  if (dated < 0) {
    while (start > 0 && isProse(lines[start - 1] ?? '', start === end)) start--;
    if (end - start < 2) start = end;
  }
  const abstract = lines.slice(start, end);
  if (abstract.join(' ').length < MIN_ABSTRACT) return [front];
  return [
    { heading: null, kind: 'front', lines: lines.slice(0, start) },
    { heading: null, kind: 'abstract', lines: abstract },
    { heading: null, kind: 'front', lines: lines.slice(end) },
  ];
}

/**
 * A line of running text rather than a title, a name or an address: no email, not an address line starting
 * with its affiliation mark, and mostly words in lower case. The last line of a paragraph may be a short one.
 */
function isProse(line: string, last: boolean): boolean {
  if (line.includes('@') || /^[\d*†‡§]+\s*\p{Lu}/u.test(line)) return false;
  const words = line.split(/\s+/).filter((word) => /^\p{L}/u.test(word));
  const lower = words.filter((word) => /^\p{Ll}/u.test(word)).length;
  if (last && words.length < 4) return /^\p{Ll}/u.test(line) && /[.!?]$/.test(line);
  return words.length >= 4 && lower * 2 >= words.length;
}
