/**
 * TeX in arXiv metadata as text. arXiv keeps titles and author names as their authors typed them, in TeX:
 * `Labb\'e`, `Te\v{s}anovi\'c`, `M\"uller`, `Przemys{\l}aw`, `50\%`. This turns the accent commands, the
 * letter commands and the escaped characters into the characters they stand for (an accent as a Unicode
 * combining mark on its letter, then NFC, so `\'e` is the one character `é`), outside math only: `$...$`,
 * `$$...$$`, `\(...\)` and `\[...\]` are left exactly as they are, and so is any command not in the tables
 * below (`\Lambda`, `\textbf{x}`), and any accent it cannot place on one letter (`\'{}`, `\'{ab}`).
 *
 * The Paper keeps arXiv's text (src/arxiv/paper.ts); this is for presentation (src/chat/present.ts). It is a
 * scanner, linear in the text, and idempotent: what it returns has nothing left for it to convert.
 */

/** Accent commands and the combining mark each puts on its letter. */
const ACCENTS: Readonly<Record<string, string>> = {
  "'": '\u0301', // acute: é
  '`': '\u0300', // grave: è
  '^': '\u0302', // circumflex: ê
  '"': '\u0308', // diaeresis: ë
  '~': '\u0303', // tilde: ñ
  '=': '\u0304', // macron: ā
  '.': '\u0307', // dot above: ż
  u: '\u0306', // breve: ğ
  v: '\u030c', // caron: š
  H: '\u030b', // double acute: ő
  c: '\u0327', // cedilla: ç
  k: '\u0328', // ogonek: ą
  r: '\u030a', // ring above: å
};

/** Letter commands: `\o` is ø. `\i` and `\j` are the dotless letters (and the i and j an accent goes on). */
const LETTERS: Readonly<Record<string, string>> = {
  o: 'ø',
  O: 'Ø',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  ss: 'ß',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

/** `\%` is %: characters TeX reserves, escaped to be shown. */
const ESCAPED = new Set(['%', '&', '_', '#', '$']);

const SYMBOL_ACCENTS = new Set(["'", '`', '^', '"', '~', '=', '.']);
const WORD_ACCENTS = new Set(['u', 'v', 'H', 'c', 'k', 'r']);
const ASCII_LETTER = /[A-Za-z]/;
const LETTER = /\p{L}/u;
/** The longest brace group read as one converted character: `{\'{\i}}` and the like, with some room. */
const MAX_GROUP = 16;

/** Text with TeX accents, letter commands and escapes as characters; math left as it is. */
export function texToText(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (const part of splitMath(text)) out += part.math ? part.text : convert(part.text);
  return out;
}

interface Part {
  math: boolean;
  text: string;
}

/** The text cut into math and the rest; an opening `$`, `\(` or `\[` never closed is text. */
function splitMath(text: string): Part[] {
  const parts: Part[] = [];
  let start = 0;
  let i = 0;
  const push = (math: boolean, from: number, to: number) => {
    if (to > from) parts.push({ math, text: text.slice(from, to) });
  };
  while (i < text.length) {
    const char = text[i];
    let end = -1;
    if (char === '\\') {
      const next = text[i + 1];
      if (next === '(') end = closing(text, i + 2, '\\)');
      else if (next === '[') end = closing(text, i + 2, '\\]');
      if (end < 0) {
        i += 2;
        continue;
      }
    } else if (char === '$') {
      end = text[i + 1] === '$' ? closing(text, i + 2, '$$') : closing(text, i + 1, '$');
      if (end < 0) {
        i += 1;
        continue;
      }
    } else {
      i += 1;
      continue;
    }
    push(false, start, i);
    push(true, i, end);
    start = end;
    i = end;
  }
  push(false, start, text.length);
  return parts;
}

/** Where the math opened before `from` ends (just past `delimiter`), skipping escaped characters; -1 if never. */
function closing(text: string, from: number, delimiter: string): number {
  for (let j = from; j < text.length; j++) {
    if (text.startsWith(delimiter, j)) return j + delimiter.length;
    if (text[j] === '\\' && delimiter.startsWith('$')) j++;
  }
  return -1;
}

/** Converts text outside math. */
function convert(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '{') {
      const group = braceGroup(text, i);
      if (group) {
        out += group.text;
        i = group.end;
        continue;
      }
      out += char;
      i += 1;
      continue;
    }
    if (char !== '\\') {
      out += char;
      i += 1;
      continue;
    }
    const command = readCommand(text, i);
    out += command.text;
    i = command.end;
  }
  return out;
}

/**
 * `{\'e}`, `{\o}`, `{\'{e}}`: a group holding only what converts to characters is those characters, without
 * the braces. Any other group (`{\Lambda}`, `{BERT}`) is left to be read as it is; null then.
 */
function braceGroup(text: string, open: number): { text: string; end: number } | null {
  if (text[open + 1] !== '\\') return null;
  let depth = 0;
  for (let j = open; j < text.length && j - open <= MAX_GROUP; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) {
      const inner = text.slice(open + 1, j);
      const converted = convert(inner);
      if (converted === inner || /[\\{}]/.test(converted)) return null;
      return { text: converted, end: j + 1 };
    }
  }
  return null;
}

/** The command at `at` (a backslash): what it shows and where it ends. Unknown commands stay as they are. */
function readCommand(text: string, at: number): { text: string; end: number } {
  const next = text[at + 1];
  if (next === undefined) return { text: '\\', end: at + 1 };
  if (ESCAPED.has(next)) return { text: next, end: at + 2 };
  if (SYMBOL_ACCENTS.has(next)) return accent(text, at, next, at + 2);
  if (!ASCII_LETTER.test(next)) return { text: text.slice(at, at + 2), end: at + 2 };

  let end = at + 1;
  while (end < text.length && ASCII_LETTER.test(text[end] as string)) end++;
  const name = text.slice(at + 1, end);
  if (WORD_ACCENTS.has(name)) return accent(text, at, name, end);
  const letter = LETTERS[name];
  if (letter === undefined) return { text: text.slice(at, end), end };
  // TeX takes the spaces after a control word (`J\o rgensen`), and `\o{}` is the usual way to stop it.
  if (text.startsWith('{}', end)) return { text: letter, end: end + 2 };
  return { text: letter, end: skipSpaces(text, end) };
}

/** An accent command and its argument as one character; the command alone, as it is, when it has none. */
function accent(text: string, at: number, name: string, end: number): { text: string; end: number } {
  const argument = accentArgument(text, skipSpaces(text, end));
  if (!argument) return { text: text.slice(at, end), end };
  return { text: `${argument.base}${ACCENTS[name]}`.normalize('NFC'), end: argument.end };
}

/** One letter, `{e}`, `\i`, `{\i}` (the dotless letters take the accent as i and j). */
function accentArgument(text: string, at: number): { base: string; end: number } | null {
  const char = text[at];
  if (char === undefined) return null;
  if (char === '{') {
    const close = text.indexOf('}', at + 1);
    if (close < 0) return null;
    const inner = text.slice(at + 1, close).trim();
    const base = dotless(inner) ?? (singleLetter(inner) ? inner : null);
    return base === null ? null : { base, end: close + 1 };
  }
  if (char === '\\') {
    const match = /^\\([ij])(?![A-Za-z])/.exec(text.slice(at, at + 3));
    if (!match) return null;
    return { base: match[1] as string, end: skipSpaces(text, at + 2) };
  }
  // A surrogate pair is one letter too.
  const letter = String.fromCodePoint(text.codePointAt(at) as number);
  return LETTER.test(letter) ? { base: letter, end: at + letter.length } : null;
}

function dotless(inner: string): string | null {
  const match = /^\\([ij])$/.exec(inner);
  return match ? (match[1] as string) : null;
}

function singleLetter(text: string): boolean {
  return [...text].length === 1 && LETTER.test(text);
}

function skipSpaces(text: string, at: number): number {
  let end = at;
  while (text[end] === ' ') end++;
  return end;
}
