import type { Section, SectionKind } from './document.ts';

/*
 * Fitting a paper into the model's input budget. Tokens are estimated, not counted: no tokenizer matches
 * every OpenAI-compatible model, and a context-length error gets one retry with half the budget anyway.
 * About 4 characters make a token in English text; a CJK character is about one token.
 */

/** CJK ideographs, Hangul syllables and full-width forms: about a token each. */
const WIDE_CHARACTER = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;
const WIDE_CHARACTERS = new RegExp(WIDE_CHARACTER.source, 'g');

export function estimateTokens(text: string): number {
  const wide = text.match(WIDE_CHARACTERS)?.length ?? 0;
  return Math.ceil((text.length - wide) / 4 + wide);
}

/** The same estimate for one character (a code point, so one or two UTF-16 units). */
function charTokens(char: string): number {
  return WIDE_CHARACTER.test(char) ? 1 : char.length / 4;
}

/** Dropped whole, in this order, before anything a summary needs is cut. */
const DROP_ORDER: readonly SectionKind[] = ['references', 'appendix', 'ancillary'];
/** Cut only when the body alone cannot make room for them. */
const PROTECTED: readonly SectionKind[] = ['front', 'abstract'];

const TRIM_MARK = ' […]';

/** What a section costs in the rendered input: its heading line, its text and the blank line after. */
export function sectionTokens(section: Section): number {
  return estimateTokens(section.heading ?? '') + estimateTokens(section.text) + 2;
}

export function sectionsTokens(sections: readonly Section[]): number {
  return sections.reduce((sum, s) => sum + sectionTokens(s), 0);
}

/**
 * Keeps the sections within `budget` tokens: drops references, then appendices, then acknowledgments and the
 * like (the last of each kind first); then trims the longest remaining sections to a common length, keeping
 * each one's beginning. Title-page matter and the abstract are cut only if they alone exceed the budget.
 */
export function fitToBudget(sections: readonly Section[], budget: number): Section[] {
  let kept = [...sections];
  for (const kind of DROP_ORDER) {
    while (sectionsTokens(kept) > budget) {
      const last = kept.findLastIndex((s) => s.kind === kind);
      if (last < 0) break;
      kept.splice(last, 1);
    }
  }
  if (sectionsTokens(kept) <= budget) return kept;

  const protectedTokens = sectionsTokens(kept.filter((s) => PROTECTED.includes(s.kind)));
  const bodyRoom = budget - protectedTokens;
  if (bodyRoom > 0) return trimToCommonLength(kept, bodyRoom, (s) => !PROTECTED.includes(s.kind));
  kept = kept.filter((s) => PROTECTED.includes(s.kind));
  return trimToCommonLength(kept, budget, () => true);
}

/**
 * Water-filling: finds the largest per-section size `cap` such that the trimmable sections, each cut to at most
 * `cap` tokens, fit in `room`. Short sections (often the conclusion) stay whole; long ones lose their tails.
 */
function trimToCommonLength(
  sections: Section[],
  room: number,
  trimmable: (s: Section) => boolean,
): Section[] {
  const sizes = sections
    .filter(trimmable)
    .map((s) => estimateTokens(s.text))
    .sort((a, b) => a - b);
  const overheads = sections
    .filter(trimmable)
    .reduce((sum, s) => sum + sectionTokens(s) - estimateTokens(s.text), 0);
  let textRoom = room - overheads;
  let cap = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i] ?? 0;
    const remaining = sizes.length - i;
    if (size * remaining <= textRoom) {
      textRoom -= size;
      cap = size;
    } else {
      cap = Math.floor(textRoom / remaining);
      break;
    }
  }
  return sections
    .map((s) => (trimmable(s) ? { ...s, text: trimToTokens(s.text, cap) } : s))
    .filter((s) => s.text.length > 0);
}

/** The beginning of `text` within `maxTokens`, cut after a sentence (or at least a word) and marked as cut. */
export function trimToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  const markTokens = estimateTokens(TRIM_MARK);
  if (maxTokens <= markTokens) return '';
  let weight = 0;
  let end = 0;
  const limit = maxTokens - markTokens;
  for (const char of text) {
    weight += charTokens(char);
    if (weight > limit) break;
    end += char.length;
  }
  const head = text.slice(0, end);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('。'), head.lastIndexOf('\n'));
  const wordEnd = head.lastIndexOf(' ');
  const cut = sentenceEnd > end * 0.7 ? sentenceEnd + 1 : wordEnd > end * 0.7 ? wordEnd : end;
  return `${head.slice(0, cut).trimEnd()}${TRIM_MARK}`;
}
