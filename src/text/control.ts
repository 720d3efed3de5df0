/**
 * The one remover of control characters for untrusted text (from arXiv, a user or a model). Every use
 * removes the C0 controls (but line breaks and, optionally, tabs), DEL, the C1 controls and the
 * bidirectional overrides and isolates, which can make text read differently from what it is. Each use
 * then chooses, through the options, what its medium needs on top; the differences between uses are
 * deliberate and explained at each option.
 *
 * A scanner rather than regular expressions, so an unterminated escape sequence cannot cause backtracking,
 * and clean runs of text are copied as slices.
 */

export interface ControlOptions {
  /**
   * An escape sequence (CSI such as `ESC[2J`; OSC such as window titles and OSC 8 hyperlinks; DCS and the
   * other string sequences; nF sequences such as `ESC ( 0`; their 8-bit C1 forms):
   * - `remove` (default): the whole sequence goes, so its parameters do not linger as text. A string
   *   sequence that is never terminated runs to the end of the text, as a terminal would read it. For text
   *   shown on a terminal or in a chat client.
   * - `keep-text`: only the control characters go; the rest of the sequence stays as harmless text. For
   *   model output and command input, which are read rather than displayed as they are: a stray `ESC ]`
   *   there must not swallow the rest of a summary or of a command.
   */
  sequences?: 'remove' | 'keep-text';
  /**
   * Invisible format characters removed on top of the bidirectional overrides and isolates (U+202A–U+202E,
   * U+2066–U+2069), which always go:
   * - `bidi` (default): no others. What chat clients and terminals need; a zero-width space in a title is
   *   harmless there.
   * - `invisible`: also the zero-width space, the left-to-right and right-to-left marks and the BOM. For
   *   model output, which should carry no hidden characters at all.
   * - `all`: every format character (Unicode category Cf: soft hyphens, word joiners, tag characters, ...)
   *   except the zero-width joiner and non-joiner, which some scripts and emoji need. For command input:
   *   text pasted from a PDF or a web page carries them, and the user cannot see them to fix them.
   */
  format?: 'bidi' | 'invisible' | 'all';
  /** Tabs become a space (default), or are kept (Markdown indentation in model output). */
  tabs?: 'space' | 'keep';
  /**
   * Line breaks (LF, CR LF and a lone CR) become LF (default), or a space for text shown on one line.
   * Other line and page breaks (VT, FF, NEL) are controls and go.
   */
  lineBreaks?: 'keep' | 'space';
}

const BEL = 0x07;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
const DEL = 0x7f;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const ZWNJ = 0x200c;
const ZWJ = 0x200d;

/** Introducers (after ESC) of sequences that run until a string terminator: DCS P, SOS X, OSC ], PM ^, APC _. */
const STRING_INTRODUCERS = new Set(['P', 'X', ']', '^', '_'].map((c) => c.charCodeAt(0)));
/** The same sequences in their 8-bit C1 form. */
const C1_STRING_INTRODUCERS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** One format character (a whole code point, astral ones too) at the regex's lastIndex. */
const FORMAT_AT = /\p{Cf}/uy;

function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isInvisible(code: number): boolean {
  return code === 0x200b || code === 0x200e || code === 0x200f || code === 0xfeff;
}

/** How many UTF-16 code units of format characters to remove at `at` (0: none). */
function formatWidth(text: string, at: number, code: number, format: ControlOptions['format']): number {
  if (isBidiControl(code)) return 1;
  if (format === 'invisible') return isInvisible(code) ? 1 : 0;
  if (format !== 'all' || code === ZWNJ || code === ZWJ) return 0;
  FORMAT_AT.lastIndex = at;
  return FORMAT_AT.exec(text)?.[0].length ?? 0;
}

/** Index just past a CSI sequence whose parameters start at `from`. */
function skipCsi(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x3f) i++;
  if (i < text.length && text.charCodeAt(i) >= 0x40 && text.charCodeAt(i) <= 0x7e) i++;
  return i;
}

/** Index just past the terminator (BEL, ESC \ or C1 ST) of a string sequence whose body starts at `from`. */
function skipString(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === C1_ST) return i + 1;
    if (code === ESC && text.charCodeAt(i + 1) === 0x5c) return i + 2;
  }
  return text.length;
}

/** Index just past an escape sequence that starts with ESC at `at`. */
function skipEscape(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (Number.isNaN(next)) return at + 1;
  if (next === 0x5b) return skipCsi(text, at + 2);
  if (STRING_INTRODUCERS.has(next)) return skipString(text, at + 2);
  // nF sequences: intermediate bytes then one final byte (ESC ( B selects a character set).
  let i = at + 1;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  return i < text.length ? i + 1 : i;
}

/** The text without control characters, escape sequences and the chosen format characters (see above). */
export function stripControls(text: string, options: ControlOptions = {}): string {
  const removeSequences = options.sequences !== 'keep-text';
  const tab = options.tabs === 'keep' ? '\t' : ' ';
  const lineBreak = options.lineBreaks === 'space' ? ' ' : '\n';
  let out = '';
  // Clean runs are copied as slices; only the characters that need handling are looked at one by one.
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if ((code >= 0x20 && code < DEL) || code > 0x9f) {
      const width = code > 0x9f ? formatWidth(text, i, code, options.format) : 0;
      if (width === 0) {
        // A surrogate pair is stepped over whole: the regex would read its second half as the pair itself.
        i += code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
        continue;
      }
      out += text.slice(runStart, i);
      i += width;
    } else {
      out += text.slice(runStart, i);
      if (code === LF || code === CR) {
        out += lineBreak;
        i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      } else if (code === TAB) {
        out += tab;
        i++;
      } else if (removeSequences && code === ESC) {
        i = skipEscape(text, i);
      } else if (removeSequences && code === C1_CSI) {
        i = skipCsi(text, i + 1);
      } else if (removeSequences && C1_STRING_INTRODUCERS.has(code)) {
        i = skipString(text, i + 1);
      } else {
        i++;
      }
    }
    runStart = i;
  }
  return out + text.slice(runStart);
}
