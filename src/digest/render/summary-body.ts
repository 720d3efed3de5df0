/**
 * A model's structured summary is Markdown, but untrusted. Renderers do not pass it through: they read it
 * into this small block structure (headings, paragraphs, bullet and numbered lists, **bold** spans) and
 * write that out with their own escaping. Links, images, HTML, code and tables from the model are kept as
 * plain text.
 *
 * The chat adapters read Markdown with src/markup/markdown.ts; this reader keeps its own, narrower grammar on
 * purpose, as the Markdown and RSS digests have always read it: bold may contain `*` and run across the lines
 * of a paragraph, `•` starts a bullet, list numbers have up to 3 digits, and `>` quotes, fences and `---` are
 * paragraph text.
 */

export interface Span {
  text: string;
  bold: boolean;
}

export type Block =
  | { kind: 'heading'; spans: Span[] }
  | { kind: 'paragraph'; spans: Span[] }
  | { kind: 'bullets'; items: Span[][] }
  | { kind: 'numbered'; items: Span[][] };

const HEADING = /^#{1,6}\s+(.*?)(?:\s+#+)?$/;
const BULLET = /^[-*+•]\s+(.*)$/;
const NUMBERED = /^\d{1,3}[.)]\s+(.*)$/;

/** Splits a line into plain and **bold** spans; unpaired asterisks stay text. */
function parseSpans(line: string): Span[] {
  const spans: Span[] = [];
  let rest = line;
  for (let match = /\*\*(.+?)\*\*/.exec(rest); match; match = /\*\*(.+?)\*\*/.exec(rest)) {
    if (match.index > 0) spans.push({ text: rest.slice(0, match.index), bold: false });
    spans.push({ text: match[1] as string, bold: true });
    rest = rest.slice(match.index + match[0].length);
  }
  if (rest !== '') spans.push({ text: rest, bold: false });
  return spans;
}

export function parseSummaryBody(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', spans: parseSpans(paragraph.join(' ')) });
    paragraph = [];
  };
  const addItem = (kind: 'bullets' | 'numbered', text: string) => {
    endParagraph();
    const last = blocks.at(-1);
    if (last?.kind === kind) last.items.push(parseSpans(text));
    else blocks.push({ kind, items: [parseSpans(text)] });
  };
  for (const rawLine of markdown.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    if (line === '') endParagraph();
    else if (heading) {
      endParagraph();
      blocks.push({ kind: 'heading', spans: parseSpans(heading[1] as string) });
    } else if (bullet) addItem('bullets', bullet[1] as string);
    else if (numbered) addItem('numbered', numbered[1] as string);
    else paragraph.push(line);
  }
  endParagraph();
  return blocks;
}
