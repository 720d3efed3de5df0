/**
 * Terminal styles. On a terminal they wrap text in ANSI SGR codes; anywhere else (a pipe, a file, CI) they
 * return the text unchanged. Styles are applied only to text that has already been sanitized, so the only
 * escape codes in the output are these.
 */
export interface Style {
  bold(text: string): string;
  italic(text: string): string;
  dim(text: string): string;
  code(text: string): string;
  url(text: string): string;
  /** Message numbers `[n]`. */
  number(text: string): string;
  /** Labels that change who sees a message: a direct message, a private answer. */
  notice(text: string): string;
}

function sgr(on: number, off: number): (text: string) => string {
  return (text) => (text === '' ? text : `\x1b[${on}m${text}\x1b[${off}m`);
}

const identity = (text: string): string => text;

export const plainStyle: Style = {
  bold: identity,
  italic: identity,
  dim: identity,
  code: identity,
  url: identity,
  number: identity,
  notice: identity,
};

export const ansiStyle: Style = {
  bold: sgr(1, 22),
  italic: sgr(3, 23),
  dim: sgr(2, 22),
  code: sgr(36, 39),
  url: sgr(4, 24),
  number: sgr(33, 39),
  notice: sgr(35, 39),
};

export function styleFor(color: boolean): Style {
  return color ? ansiStyle : plainStyle;
}

/**
 * A link as a terminal shows it: the text, then the destination in angle brackets, so a reader always sees
 * where a link goes (a link's text cannot pose as another address). Just the address when the text is empty
 * or is the address itself. `shownLabel` is the label as styled, when it is.
 */
export function formatLink(label: string, url: string, style: Style, shownLabel: string = label): string {
  if (label.trim() === '' || label.trim() === url) return style.url(url);
  return `${shownLabel} <${style.url(url)}>`;
}
