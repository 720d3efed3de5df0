import type { Paper } from './paper.ts';

/*
 * A paper's citation, as BibTeX or RIS.
 *
 * BibTeX follows arXiv's own "Export BibTeX citation" (the abs page): an @misc entry with title, author,
 * year, eprint, archivePrefix, primaryClass and url, keyed like arXiv's keys: the first author's surname,
 * the year and the first two significant words of the title, lowercase ASCII (`vaswani2017attentionneed`).
 * Two fields arXiv leaves out are added when the paper has them: `doi`, and the journal reference as `note`
 * (a free-text reference such as "Phys. Rev. D 52 (1995) 123", not a journal's name, so not `journal`).
 * The year is the first version's (the paper's date as cited), else the announcement's, else the id's.
 *
 * Text is arXiv's, which is TeX-ish: `$...$` math is kept as it is (when its braces balance), and so are TeX
 * commands and accents outside it (`\emph`, `\"o`, `\'{e}`); braces are kept when they balance (they protect
 * case in BibTeX) and escaped otherwise. Every other special character is escaped (`&`, `%`, `#`, `_`, a
 * lone `$`, `~`, `^`, a lone `\`). Unicode (accents as arXiv gives them) stays Unicode: BibTeX tools read
 * UTF-8.
 *
 * RIS: TY GEN, one AU per author, TI, PY, UR, DO, N1 for the journal reference and one for the arXiv id,
 * ER; values are the plain text on one line.
 */

export type CitationFormat = 'bibtex' | 'ris';

export const CITATION_FORMATS: readonly CitationFormat[] = ['bibtex', 'ris'];

export function isCitationFormat(word: string): word is CitationFormat {
  return (CITATION_FORMATS as readonly string[]).includes(word);
}

export function citation(paper: Paper, format: CitationFormat): string {
  return format === 'ris' ? toRis(paper) : toBibtex(paper);
}

/** Words that do not make a key (arXiv: "Attention Is All You Need" gives `attentionneed`). */
const STOP_WORDS = new Set(
  (
    'a an the of on in for to and or with without is are be been being all you your we our us it its this that ' +
    'these those from by at as via into onto over under about what when where which who how why do does can ' +
    'not no towards toward than then there their they them i my me he she his her'
  ).split(' '),
);

/** Latin letters NFD does not take apart. */
const FOLDED: Readonly<Record<string, string>> = {
  ł: 'l',
  Ł: 'L',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ı: 'i',
  þ: 'th',
};

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁøØđĐßæÆœŒıþ]/g, (letter) => FOLDED[letter] ?? letter);
}

/** The words of a TeX-ish text for a key: math and commands dropped, letters and digits only, lowercase. */
function keyWords(text: string): string[] {
  const plain = text
    .replace(/\$[^$]*\$/g, ' ')
    .replace(/\\['"`^~=.]\{?\\?([a-zA-Z])\}?/g, '$1')
    .replace(/\\[a-zA-Z]+/g, ' ');
  return ascii(plain)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** The surname for a key: after the last space (before a comma, if any), letters only (`Müller-Łukasiewicz`: `mullerlukasiewicz`). */
function surname(author: string): string {
  const name = author.replace(/,?\s+(?:jr|sr|ii|iii|iv)\.?\s*$/i, '').replace(/\\[a-zA-Z]+|[\\{}'"`^~]/g, '');
  const last = name.includes(',') ? (name.split(',')[0] ?? '') : (name.trim().split(/\s+/).at(-1) ?? '');
  return (
    ascii(last)
      .toLowerCase()
      .replace(/[^a-z]/g, '') || 'anonymous'
  );
}

/** The year cited: the first version's, else the announcement's, else the id's (`2401.01234`, `hep-th/9504118`). */
export function citationYear(paper: Paper): string {
  const dated = paper.published ?? paper.updated ?? paper.announced;
  if (dated && /^\d{4}/.test(dated)) return dated.slice(0, 4);
  const yymm = /^(\d{2})\d{2}\./.exec(paper.id)?.[1] ?? /\/(\d{2})\d{5}$/.exec(paper.id)?.[1];
  if (yymm) return `${Number(yymm) >= 91 ? '19' : '20'}${yymm}`;
  return '';
}

export function citationKey(paper: Paper): string {
  const first = paper.authors[0];
  const words = keyWords(paper.title).filter((word) => !STOP_WORDS.has(word) && !/^\d+$/.test(word));
  return `${first ? surname(first) : 'anonymous'}${citationYear(paper)}${words.slice(0, 2).join('')}`;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text.replace(/\\[{}]/g, '')) {
    if (char === '{') depth += 1;
    else if (char === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

const TEXT_SPECIAL = /\\(?:[a-zA-Z]+|['"`^~=.](?:\{\\?[a-zA-Z]\}|\\?[a-zA-Z])|[&%#_${}])|[&%#_$~^\\{}]/g;

function escapeText(text: string, keepBraces: boolean): string {
  return text.replace(TEXT_SPECIAL, (found) => {
    if (found.length > 1) return found;
    switch (found) {
      case '~':
        return '\\textasciitilde{}';
      case '^':
        return '\\textasciicircum{}';
      case '\\':
        return '\\textbackslash{}';
      case '{':
      case '}':
        return keepBraces ? found : `\\${found}`;
      default:
        return `\\${found}`;
    }
  });
}

/** A field's value for BibTeX braces: math kept, TeX commands kept, other specials escaped (see above). */
export function bibtexText(text: string): string {
  const parts = text.split(/(\$[^$]+\$)/);
  const outside = parts.filter((_, index) => index % 2 === 0).join('');
  const keepBraces = balanced(outside);
  return parts
    .map((part, index) => {
      if (index % 2 === 1 && balanced(part)) return part;
      return escapeText(part, keepBraces && index % 2 === 0);
    })
    .join('');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function toBibtex(paper: Paper): string {
  const fields: Array<[string, string]> = [
    ['title', bibtexText(oneLine(paper.title))],
    ['author', paper.authors.map((author) => bibtexText(oneLine(author))).join(' and ')],
    ['year', citationYear(paper)],
    ['eprint', paper.id],
    ['archivePrefix', 'arXiv'],
    ['primaryClass', paper.primaryCategory],
    ['url', `https://arxiv.org/abs/${paper.id}`],
  ];
  if (paper.doi) fields.push(['doi', bibtexText(oneLine(paper.doi))]);
  if (paper.journalRef) fields.push(['note', bibtexText(oneLine(paper.journalRef))]);
  const lines = fields.filter(([, value]) => value !== '').map(([name, value]) => `  ${name}={${value}},`);
  return [`@misc{${citationKey(paper)},`, ...lines, '}'].join('\n');
}

export function toRis(paper: Paper): string {
  const lines: Array<[string, string]> = [
    ['TY', 'GEN'],
    ['TI', paper.title],
    ...paper.authors.map((author): [string, string] => ['AU', author]),
    ['PY', citationYear(paper)],
    ['UR', `https://arxiv.org/abs/${paper.id}`],
    ['N1', `arXiv:${paper.id} [${paper.primaryCategory}]`],
  ];
  if (paper.doi) lines.push(['DO', paper.doi]);
  if (paper.journalRef) lines.push(['N1', `Journal reference: ${paper.journalRef}`]);
  return [
    ...lines
      .filter(([, value]) => oneLine(value) !== '')
      .map(([tag, value]) => `${tag}  - ${oneLine(value)}`),
    'ER  - ',
  ].join('\n');
}
