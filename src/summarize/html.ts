import { classifyHeading, type FullText, type Section } from './document.ts';

/*
 * Text from arXiv's HTML rendering (https://arxiv.org/html/<id>v<N>), which LaTeXML writes: an
 * <article class="ltx_document"> with an ltx_title_document heading, a div.ltx_abstract, and
 * section.ltx_section / ltx_appendix / ltx_bibliography elements, each titled by an h2.ltx_title.
 * LaTeXML's output is well-formed, so a small tolerant parser is enough; math is read from its `alttext`
 * (the TeX source) rather than from the MathML tree, and tables become one " | "-separated line per row.
 */

interface Element {
  tag: string;
  classes: string[];
  attrs: Map<string, string>;
  children: Node[];
}
type Node = Element | string;

const VOID_TAGS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'wbr',
]);
const RAW_TEXT_TAGS = new Set(['script', 'style', 'textarea', 'title']);
const SKIPPED_TAGS = new Set([
  'script',
  'style',
  'nav',
  'header',
  'footer',
  'button',
  'svg',
  'img',
  'noscript',
]);
const SKIPPED_CLASSES = [
  'ltx_page_navbar',
  'ltx_page_header',
  'ltx_page_footer',
  'ltx_note',
  'ltx_authors',
  'ltx_dates',
  'ltx_keywords',
  'ltx_classification',
  'ltx_TOC',
];
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'table',
  'tr',
  'figure',
  'figcaption',
  'blockquote',
  'pre',
  'br',
]);
const TOP_SECTION_CLASSES = ['ltx_section', 'ltx_appendix', 'ltx_bibliography', 'ltx_chapter', 'ltx_part'];

/** Sections of a LaTeXML document, or null when the page is not one (arXiv's "no HTML" page, say). */
export function extractHtml(html: string): FullText | null {
  const root = parseHtml(html);
  const article =
    findFirst(root, (e) => e.tag === 'article' && e.classes.includes('ltx_document')) ??
    findFirst(root, (e) => e.classes.includes('ltx_page_content'));
  if (!article) return null;

  const titleElement = findFirst(article, (e) => e.classes.includes('ltx_title_document'));
  const title = titleElement ? inlineText(titleElement) : null;
  const sections: Section[] = [];

  const abstract = findFirst(article, (e) => e.classes.includes('ltx_abstract'));
  if (abstract) {
    const text = blockText(abstract, { skipTitle: true });
    if (text) sections.push({ heading: 'Abstract', kind: 'abstract', text });
  }
  const taken = new Set([abstract, titleElement].filter((e) => e !== null));

  // Paragraphs outside any section (short papers without \section) form one untitled body section.
  const loose: Element = { tag: 'div', classes: [], attrs: new Map(), children: [] };
  const acknowledgments: Element[] = [];
  const visit = (element: Element): void => {
    for (const child of element.children) {
      if (typeof child === 'string') {
        loose.children.push(child);
        continue;
      }
      if (taken.has(child) || isSkipped(child)) continue;
      if (child.classes.includes('ltx_acknowledgements')) {
        acknowledgments.push(child);
      } else if (TOP_SECTION_CLASSES.some((c) => child.classes.includes(c))) {
        sections.push(sectionOf(child, acknowledgments));
      } else if (containsTopSection(child)) {
        visit(child);
      } else {
        loose.children.push(child);
      }
    }
  };
  visit(article);

  const looseText = blockText(loose, { skipTitle: false, skip: taken });
  if (looseText) {
    const firstBody = sections.findIndex((s) => s.kind !== 'abstract');
    sections.splice(firstBody < 0 ? sections.length : firstBody, 0, {
      heading: null,
      kind: 'body',
      text: looseText,
    });
  }
  for (const ack of acknowledgments) {
    const text = blockText(ack, { skipTitle: true });
    if (text) sections.push({ heading: 'Acknowledgments', kind: 'ancillary', text });
  }
  return sections.length > 0 ? { source: 'html', title, sections } : null;
}

function sectionOf(element: Element, acknowledgments: Element[]): Section {
  const titleElement = element.children.find(
    (c): c is Element => typeof c !== 'string' && c.classes.includes('ltx_title'),
  );
  const heading = titleElement ? inlineText(titleElement) : null;
  const kind = element.classes.includes('ltx_bibliography')
    ? 'references'
    : element.classes.includes('ltx_appendix')
      ? 'appendix'
      : heading
        ? classifyHeading(heading)
        : 'body';
  const body: Element = {
    ...element,
    children: element.children.filter((c) => {
      if (c === titleElement) return false;
      if (typeof c !== 'string' && c.classes.includes('ltx_acknowledgements')) {
        acknowledgments.push(c);
        return false;
      }
      return true;
    }),
  };
  return { heading, kind, text: blockText(body, { skipTitle: false }) };
}

function containsTopSection(element: Element): boolean {
  return findFirst(element, (e) => TOP_SECTION_CLASSES.some((c) => e.classes.includes(c))) !== null;
}

function isSkipped(element: Element): boolean {
  return SKIPPED_TAGS.has(element.tag) || SKIPPED_CLASSES.some((c) => element.classes.includes(c));
}

function findFirst(node: Element, test: (e: Element) => boolean): Element | null {
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (test(child)) return child;
    const found = findFirst(child, test);
    if (found) return found;
  }
  return null;
}

/**
 * Text with one line per block; nested section titles become "### " lines. `skipTitle` drops the element's own
 * title; `skip` leaves out elements already taken elsewhere (the abstract, the document title).
 */
function blockText(element: Element, options: { skipTitle: boolean; skip?: ReadonlySet<Element> }): string {
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    const text = tidy(line);
    if (text) lines.push(text);
    line = '';
  };
  const walk = (node: Node, top: boolean): void => {
    if (typeof node === 'string') {
      line += node;
      return;
    }
    if (isSkipped(node) || options.skip?.has(node)) return;
    if (top && options.skipTitle && node.classes.includes('ltx_title')) return;
    if (node.tag === 'math') {
      line += ` ${mathText(node)} `;
      return;
    }
    if (node.tag === 'tr') {
      flush();
      line = node.children
        .filter((c): c is Element => typeof c !== 'string' && (c.tag === 'td' || c.tag === 'th'))
        .map((cell) => inlineText(cell))
        .filter(Boolean)
        .join(' | ');
      flush();
      return;
    }
    if (/^h[1-6]$/.test(node.tag) && node.classes.includes('ltx_title')) {
      flush();
      line = `### ${inlineText(node)}`;
      flush();
      return;
    }
    const block = BLOCK_TAGS.has(node.tag);
    if (block) flush();
    for (const child of node.children) walk(child, false);
    if (block) flush();
  };
  for (const child of element.children) walk(child, true);
  flush();
  return lines.join('\n');
}

function inlineText(element: Element): string {
  let text = '';
  const walk = (node: Node): void => {
    if (typeof node === 'string') text += node;
    else if (node.tag === 'math') text += ` ${mathText(node)} `;
    else if (!isSkipped(node)) for (const child of node.children) walk(child);
  };
  walk(element);
  return tidy(text);
}

/** Collapses whitespace, and the spaces left around inline math before punctuation and inside brackets. */
function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?)\]])/g, '$1')
    .replace(/([([]) /g, '$1')
    .trim();
}

function mathText(math: Element): string {
  const alt = math.attrs.get('alttext');
  if (alt) return alt;
  const tex = findFirst(
    math,
    (e) => e.tag === 'annotation' && e.attrs.get('encoding') === 'application/x-tex',
  );
  return tex ? inlineText(tex) : '';
}

/** Deeper elements are flattened into their ancestor at this depth, so the recursive walks stay shallow. */
const MAX_DEPTH = 200;

/** A tolerant HTML parser: tags, attributes, text and entities; comments, doctypes and raw text skipped. */
function parseHtml(html: string): Element {
  const root: Element = { tag: '#root', classes: [], attrs: new Map(), children: [] };
  const stack: Element[] = [root];
  // No part of a tag may contain "<", so a stray "<" or an unclosed tag fails fast instead of scanning on.
  const token =
    /<!--[\s\S]*?-->|<[!?][^<>]*>|<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'<>]+))?)*)\s*(\/?)>/g;
  let position = 0;
  const addText = (text: string) => {
    if (text) stack.at(-1)?.children.push(decodeEntities(text));
  };
  for (let match = token.exec(html); match; match = token.exec(html)) {
    addText(html.slice(position, match.index));
    position = token.lastIndex;
    const [, closing, opening, attributes, selfClosing] = match;
    if (closing) {
      const tag = closing.toLowerCase();
      const open = stack.findLastIndex((e) => e.tag === tag);
      if (open > 0) stack.length = open;
    } else if (opening) {
      const tag = opening.toLowerCase();
      const attrs = parseAttributes(attributes ?? '');
      const element: Element = {
        tag,
        classes: (attrs.get('class') ?? '').split(/\s+/).filter(Boolean),
        attrs,
        children: [],
      };
      stack.at(-1)?.children.push(element);
      if (RAW_TEXT_TAGS.has(tag)) {
        const end = new RegExp(`</${tag}`, 'ig');
        end.lastIndex = position;
        position = end.exec(html)?.index ?? html.length;
        token.lastIndex = position;
      } else if (!selfClosing && !VOID_TAGS.has(tag) && stack.length < MAX_DEPTH) {
        stack.push(element);
      }
    }
  }
  addText(html.slice(position));
  return root;
}

function parseAttributes(source: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const match of source.matchAll(attribute)) {
    const name = match[1];
    if (name) attrs.set(name.toLowerCase(), decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attrs;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  times: '×',
  minus: '−',
  plusmn: '±',
  deg: '°',
  middot: '·',
  thinsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}
