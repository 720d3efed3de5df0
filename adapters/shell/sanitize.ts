/**
 * Makes untrusted text (from arXiv, a user or a model) safe to print on a terminal: whole escape sequences
 * (CSI such as `ESC[2J`, OSC such as window titles and OSC 8 hyperlinks, DCS and the other string
 * sequences, their 8-bit C1 forms) are removed, as are the remaining C0/C1 control characters, DEL and the
 * bidirectional overrides and isolates that can make text read differently from what it is. Tabs become
 * spaces. A scanner rather than regular expressions, so an unterminated sequence cannot cause backtracking.
 */

const BEL = 0x07;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
const DEL = 0x7f;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;

/** Introducers (after ESC) of sequences that run until a string terminator: DCS P, SOS X, OSC ], PM ^, APC _. */
const STRING_INTRODUCERS = new Set(['P', 'X', ']', '^', '_'].map((c) => c.charCodeAt(0)));
/** The same sequences in their 8-bit C1 form. */
const C1_STRING_INTRODUCERS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);

function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
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

export interface SanitizeOptions {
  /** Keep line breaks (CR LF and a lone CR become LF); otherwise every line break becomes a space. */
  multiline?: boolean;
}

export function sanitizeTerminalText(text: string, options: SanitizeOptions = {}): string {
  let out = '';
  // Clean runs are copied as slices; only the characters that need handling are looked at one by one.
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const clean = code >= 0x20 && code !== DEL && !(code > DEL && code <= 0x9f) && !isBidiControl(code);
    if (clean) {
      i++;
      continue;
    }
    out += text.slice(runStart, i);
    if (code === ESC) {
      i = skipEscape(text, i);
    } else if (code === C1_CSI) {
      i = skipCsi(text, i + 1);
    } else if (C1_STRING_INTRODUCERS.has(code)) {
      i = skipString(text, i + 1);
    } else if (code === LF || code === CR) {
      out += options.multiline ? '\n' : ' ';
      i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else {
      if (code === TAB) out += ' ';
      i++;
    }
    runStart = i;
  }
  return out + text.slice(runStart);
}
