import type { ShownLink } from './driver.ts';

/**
 * The links in plain text, as a terminal or a chat client finds them: each bare address is a link whose
 * text is the address itself. Trailing punctuation is not part of it.
 */
export function linksInPlainText(text: string): ShownLink[] {
  return [...text.matchAll(/https?:\/\/[^\s<>]+/g)].map((match) => {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    return { text: url, url };
  });
}
