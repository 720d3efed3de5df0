/**
 * A paper's text as sections, whichever rendering it came from (arXiv HTML, PDF, or only the abstract).
 * The kind decides what the token budget drops first; the heading is kept as the paper wrote it.
 */
export type SectionKind =
  /** Title, authors and affiliations (and, in PDFs, often the abstract) before the first heading. */
  | 'front'
  | 'abstract'
  /** Introduction, method, experiments, results, discussion, conclusion, related work... */
  | 'body'
  /** Acknowledgments, funding, author contributions, checklists: nothing a summary needs. */
  | 'ancillary'
  | 'appendix'
  | 'references';

export interface Section {
  heading: string | null;
  kind: SectionKind;
  text: string;
}

export type FullTextSource = 'html' | 'pdf' | 'abstract';

export interface FullText {
  source: FullTextSource;
  /** The title found in the document, or null (PDFs rarely say it in a findable way). */
  title: string | null;
  sections: Section[];
}

const HEADING_KINDS: ReadonlyArray<readonly [SectionKind, RegExp]> = [
  ['abstract', /^abstract\b/i],
  ['references', /^(references|bibliography|works cited|literature cited|citations)\b/i],
  ['appendix', /^(appendix|appendices|supplementary|supplemental|technical appendix)/i],
  [
    'ancillary',
    /^(acknowledg|funding|author contributions?|contributions of the authors|competing interests?|conflicts? of interest|declaration of|data availability|code availability|ethics statement|reproducibility statement|impact statement|broader impacts?|(neurips )?paper checklist)/i,
  ],
];

/** The kind of a section from its heading, ignoring numbering such as "5", "V." or "Appendix A". */
export function classifyHeading(heading: string): SectionKind {
  const bare = heading
    .replace(/^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[A-Z]\.)\s+/, '')
    .replace(/[.:]\s*$/, '')
    .trim();
  for (const [kind, pattern] of HEADING_KINDS) if (pattern.test(bare)) return kind;
  return 'body';
}

/** The total length of the text in sections of the given kinds. */
export function textLength(sections: readonly Section[], kinds: readonly SectionKind[]): number {
  return sections.filter((s) => kinds.includes(s.kind)).reduce((sum, s) => sum + s.text.length, 0);
}
