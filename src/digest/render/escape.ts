/**
 * Escaping for text that comes from arXiv or a model, so it shows as text whatever it holds. Each function
 * escapes for one markup, once; nesting (HTML inside an XML element) calls one after the other.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Characters XML 1.0 cannot hold at all, escaped or not (controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] as string);
}

/** Text for an XML element or attribute; characters XML cannot carry are dropped. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(NOT_XML, ''));
}

/**
 * Breaks `@everyone`, `@here`, `@channel` and `@user` mentions (Discord, Slack, GitHub) with a zero-width
 * space after the `@`: the text reads the same and notifies nobody.
 */
export function neutralizeMentions(text: string): string {
  return text.replaceAll('@', '@\u200b');
}

/**
 * Text placed inside a Markdown line: one line (whitespace runs become one space), HTML metacharacters as entities (so
 * `<script>` and Slack's `<!channel>` are text), Markdown punctuation backslash-escaped (so `](` cannot open
 * a link and `*`, `_`, `` ` ``, `|`, `~`, `$` cannot format), mentions broken.
 */
export function escapeMarkdownInline(text: string): string {
  const escaped = text.replace(/\s+/g, ' ').replace(/[\\`*_[\]|~$&<>]/g, (char) => {
    if (char === '&' || char === '<' || char === '>') return HTML_ENTITIES[char] as string;
    return `\\${char}`;
  });
  return neutralizeMentions(escaped);
}

/**
 * For escaped Markdown that starts a line: a leading `#`, `-`, `+`, `=` or `1.` is escaped too, so the
 * line cannot become a heading, a list item or a heading underline.
 */
export function guardLineStart(markdown: string): string {
  return markdown.replace(/^(?:([#+=-])|(\d+)([.)]))/, (_, mark, digits, dot) =>
    mark ? `\\${mark}` : `${digits}\\${dot}`,
  );
}
