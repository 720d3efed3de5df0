/**
 * Cutting mrkdwn into pieces that fit a Slack limit without breaking what it means: never inside a
 * `<url|label>` link or an `&amp;` entity, preferably at a paragraph, then a line, then a word; a code
 * fence cut in two is closed at the end of the first piece and reopened in the next.
 */

/** Links, mentions and entities: the runs a cut must not fall inside. */
const ATOMIC = /<[^<>\n]*>|&(?:amp|lt|gt);/g;
const FENCE = '```';

function atomicRanges(text: string): Array<[number, number]> {
  return [...text.matchAll(ATOMIC)].map((match) => [match.index, match.index + match[0].length]);
}

function insideAtomic(ranges: Array<[number, number]>, at: number): boolean {
  return ranges.some(([start, end]) => at > start && at < end);
}

/**
 * The best place at or before `max` to cut `text`, so that the first piece is `text.slice(0, cut)`; always
 * after `floor`, so that the piece holds more than a fence reopened at its start (else the cut makes no
 * progress: the piece is that fence alone, and closing and reopening it gives back the same text).
 */
function cutPoint(text: string, max: number, floor: number): number {
  const ranges = atomicRanges(text.slice(0, max + 1));
  for (const separator of ['\n\n', '\n', ' ']) {
    let at = text.lastIndexOf(separator, max);
    while (at > floor) {
      if (!insideAtomic(ranges, at)) return at;
      at = text.lastIndexOf(separator, at - 1);
    }
  }
  // No separator: a hard cut, moved back to the start of a link or entity it would split.
  let at = max;
  for (const [start, end] of ranges) if (at > start && at < end) at = start;
  return at > floor ? at : max;
}

function openFence(text: string): boolean {
  return text.split(FENCE).length % 2 === 0;
}

/** Splits mrkdwn into pieces of at most `max` characters each. */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    // Room for a closing fence, should the piece end inside one.
    const budget = rest.includes(FENCE) ? max - FENCE.length - 1 : max;
    const reopened = `${FENCE}\n`;
    const cut = cutPoint(rest, budget, rest.startsWith(reopened) ? reopened.length : 0);
    let piece = rest.slice(0, cut).trimEnd();
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
    if (openFence(piece)) {
      piece += `\n${FENCE}`;
      rest = `${FENCE}\n${rest}`;
    }
    if (piece !== '') pieces.push(piece);
  }
  if (rest.trim() !== '') pieces.push(rest);
  return pieces;
}

/** The first `max` characters' worth of mrkdwn, cut cleanly and marked with an ellipsis when cut. */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const [first = ''] = splitMrkdwn(text, max - 1);
  return `${first}…`;
}

/** Plain text cut to `max` characters, with an ellipsis when cut; never splits a surrogate pair. */
export function clipPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  let out = '';
  for (const char of chars) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
