import type { AnnounceType, Paper } from './paper.ts';

/** Which announcement wins when one paper is listed twice: its own listing beats a cross-listing. */
const PRECEDENCE: Readonly<Record<AnnounceType, number>> = {
  new: 0,
  replace: 1,
  cross: 2,
  'replace-cross': 3,
};

function rank(paper: Paper): number {
  return paper.announceType === null ? 4 : PRECEDENCE[paper.announceType];
}

/**
 * Merges the announcements of one paper into one Paper: a paper that arrives as `cross` under one category and
 * as `new` under another (two feeds, or one combined feed) is kept once, as `new`, with every category.
 * The winning announcement gives the fields and the primary category; order is that of first appearance.
 */
export function mergeAnnouncements(papers: readonly Paper[]): Paper[] {
  const byId = new Map<string, Paper>();
  for (const paper of papers) {
    const seen = byId.get(paper.id);
    byId.set(paper.id, seen === undefined ? paper : mergePair(seen, paper));
  }
  return [...byId.values()];
}

function mergePair(seen: Paper, next: Paper): Paper {
  const [main, other] = rank(next) < rank(seen) ? [next, seen] : [seen, next];
  const categories = [...new Set([...main.categories, ...other.categories])];
  // The winner's primary category, which leads its categories; the other's when the winner listed none.
  return { ...main, categories, primaryCategory: categories[0] ?? '' };
}

/** The papers whose announce type is one of `types` (search results, which have none, are left out). */
export function filterAnnounceTypes(papers: readonly Paper[], types: readonly AnnounceType[]): Paper[] {
  const wanted = new Set<AnnounceType>(types);
  return papers.filter((paper) => paper.announceType !== null && wanted.has(paper.announceType));
}
