import { canonicalCategory, closestCategories } from '../../arxiv/taxonomy.ts';
import { UserError } from '../../errors.ts';
import { clip } from './input.ts';

/** How many unknown categories one message names, so that a long list of typos gets a short reply. */
const UNKNOWN_SHOWN = 3;

/**
 * arXiv categories separated by commas and/or spaces (semicolons and the quotes and brackets of a pasted
 * JSON list tolerated), in any case; returned in arXiv's spelling, without duplicates, in the order given.
 */
export function parseCategoryList(text: string): string[] {
  const codes = text
    .normalize('NFKC')
    .split(/[\s,;]+/u)
    .map((code) => code.replace(/^[[("']+|[\])"']+$/g, ''))
    .filter((code) => code !== '');
  if (codes.length === 0) {
    throw new UserError('INPUT_INVALID', 'Name at least one arXiv category, such as cs.AI or cs.LG.');
  }
  const checked = codes.map((code) => ({ code, canonical: canonicalCategory(code) }));
  const unknown = [...new Set(checked.filter(({ canonical }) => canonical === null).map(({ code }) => code))];
  if (unknown.length > 0) {
    const problems = unknown
      .slice(0, UNKNOWN_SHOWN)
      .map(
        (code) =>
          `"${clip(code, 30)}" is not an arXiv category (closest: ${closestCategories(code.slice(0, 30)).join(', ')})`,
      );
    const more = unknown.length > UNKNOWN_SHOWN ? `, and ${unknown.length - UNKNOWN_SHOWN} more` : '';
    throw new UserError(
      'INPUT_INVALID',
      `${problems.join('; ')}${more}. Codes are listed at arxiv.org/category_taxonomy.`,
    );
  }
  return [...new Set(checked.flatMap(({ canonical }) => canonical ?? []))];
}
