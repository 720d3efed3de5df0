/**
 * Orders arXiv ids by age, newest first, for ranking ties. New-style ids (`YYMM.NNNNN`, from April 2007) are
 * newer than every old-style id (`archive/YYMMNNN`, 1991 to March 2007); within a style, the month and
 * then the sequence number decide. Ids that tie on both (old-style ids of two archives) fall back to text
 * order so the result never depends on input order.
 */

const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})$/;
const OLD_STYLE = /^[a-z][a-z-]*(?:\.[A-Z]{2})?\/(\d{2})(\d{2})(\d{3})$/;

/** A number that grows with the id's submission month and sequence, or -1 for text that is not an id. */
function ageKey(id: string): number {
  const modern = NEW_STYLE.exec(id);
  if (modern)
    return (2000 + Number(modern[1])) * 1_000_000_00 + Number(modern[2]) * 1_000_000 + Number(modern[3]);
  const old = OLD_STYLE.exec(id);
  if (old) {
    const yy = Number(old[1]);
    const year = yy >= 91 ? 1900 + yy : 2000 + yy;
    return year * 1_000_000_00 + Number(old[2]) * 1_000_000 + Number(old[3]);
  }
  return -1;
}

/** Comparator: negative when `a` is newer than `b`. */
export function compareIdsNewestFirst(a: string, b: string): number {
  const difference = ageKey(b) - ageKey(a);
  if (difference !== 0) return difference;
  return a < b ? 1 : a > b ? -1 : 0;
}
