import { describe, expect, it } from 'vitest';
import {
  estimateTokens,
  fitToBudget,
  sectionsTokens,
  sectionTokens,
  trimToTokens,
} from '../../../src/summarize/budget.ts';
import type { Section, SectionKind } from '../../../src/summarize/document.ts';

const words = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}.`).join(' ');
const section = (kind: SectionKind, heading: string, text: string): Section => ({ heading, kind, text });

describe('estimateTokens', () => {
  it('counts about four characters a token in English, one a character in CJK text', () => {
    expect(estimateTokens('abcd'.repeat(100))).toBe(100);
    expect(estimateTokens('稀疏路由')).toBe(4);
    expect(estimateTokens('ab稀疏')).toBe(3);
    expect(estimateTokens('')).toBe(0);
  });
});

describe('trimToTokens', () => {
  it('keeps the text when it fits', () => {
    expect(trimToTokens('Short text.', 100)).toBe('Short text.');
  });

  it('keeps the beginning, cut after a sentence, and marks the cut', () => {
    const text = 'First sentence here. Second sentence follows. Third sentence is long enough to be cut.';
    const trimmed = trimToTokens(text, 14);
    expect(trimmed).toBe('First sentence here. Second sentence follows. […]');
    expect(estimateTokens(trimmed)).toBeLessThanOrEqual(14);
  });

  it('counts CJK text as estimateTokens does, a token a character', () => {
    const trimmed = trimToTokens('稀疏路由的方法。'.repeat(50), 100);
    expect(trimmed.endsWith('。 […]')).toBe(true);
    expect(estimateTokens(trimmed)).toBeLessThanOrEqual(100);
    expect(estimateTokens(trimmed)).toBeGreaterThan(90);
  });
});

describe('fitToBudget', () => {
  const front = section('front', 'Title', 'A Paper Title');
  const abstract = section('abstract', 'Abstract', words(50, 'abstract'));
  const intro = section('body', '1 Introduction', words(300, 'intro'));
  const method = section('body', '2 Method', words(600, 'method'));
  const conclusion = section('body', '3 Conclusion', words(80, 'conclusion'));
  const thanks = section('ancillary', 'Acknowledgments', words(40, 'thanks'));
  const references = section('references', 'References', words(400, 'ref'));
  const appendixA = section('appendix', 'Appendix A', words(200, 'appA'));
  const appendixB = section('appendix', 'Appendix B', words(200, 'appB'));
  const paper = [front, abstract, intro, method, conclusion, thanks, references, appendixA, appendixB];
  const core = [front, abstract, intro, method, conclusion];

  it('returns everything when it fits', () => {
    expect(fitToBudget(paper, sectionsTokens(paper))).toEqual(paper);
  });

  it('drops the references first', () => {
    const fitted = fitToBudget(paper, sectionsTokens(paper) - 1);
    expect(fitted).toEqual([front, abstract, intro, method, conclusion, thanks, appendixA, appendixB]);
  });

  it('drops appendices next, the last first, then the acknowledgments, before cutting the body', () => {
    const withoutRefs = sectionsTokens(paper) - sectionTokens(references);
    expect(fitToBudget(paper, withoutRefs - 1)).toEqual([
      front,
      abstract,
      intro,
      method,
      conclusion,
      thanks,
      appendixA,
    ]);
    expect(fitToBudget(paper, sectionsTokens([...core, thanks]))).toEqual([...core, thanks]);
    expect(fitToBudget(paper, sectionsTokens(core))).toEqual(core);
  });

  it('then trims the longest sections to a common length, keeping short ones and the abstract whole', () => {
    const budget = sectionsTokens(core) - 1000;
    const fitted = fitToBudget(paper, budget);
    expect(sectionsTokens(fitted)).toBeLessThanOrEqual(budget);
    expect(fitted.map((s) => s.heading)).toEqual(core.map((s) => s.heading));
    expect(fitted[0]).toEqual(front);
    expect(fitted[1]).toEqual(abstract);
    expect(fitted[4]).toEqual(conclusion);
    const [, , trimmedIntro, trimmedMethod] = fitted;
    expect(trimmedIntro?.text.endsWith('[…]')).toBe(true);
    expect(trimmedMethod?.text.endsWith('[…]')).toBe(true);
    expect(intro.text.startsWith(trimmedIntro?.text.replace(' […]', '') ?? 'x')).toBe(true);
    expect(method.text.startsWith(trimmedMethod?.text.replace(' […]', '') ?? 'x')).toBe(true);
    // Common length: the longer original lost more.
    const introTokens = estimateTokens(trimmedIntro?.text ?? '');
    const methodTokens = estimateTokens(trimmedMethod?.text ?? '');
    expect(Math.abs(introTokens - methodTokens)).toBeLessThanOrEqual(10);
  });

  it('cuts the abstract only when it alone does not fit', () => {
    const fitted = fitToBudget(paper, 60);
    expect(sectionsTokens(fitted)).toBeLessThanOrEqual(60);
    expect(fitted.map((s) => s.kind)).toEqual(['front', 'abstract']);
    expect(fitted[1]?.text.startsWith('abstract0. abstract1.')).toBe(true);
  });
});
