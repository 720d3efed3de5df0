/**
 * How a Discord client shows a message, for tests: Discord's Markdown read the way the client reads it, and
 * the mentions that would notify someone, the way Discord's server weighs them against `allowed_mentions`.
 *
 * What is read where (as the client renders it):
 * - `content`, an embed's `description` and its fields' values: full Markdown: `\` escapes (before any
 *   character that is not a letter, digit or space), code spans and fences (shown as written), `**bold**`,
 *   `*em*` / `_em_`, `__underline__`, `~~strike~~`, `||spoiler||`, `[label](url)` masked links (http and
 *   https only), `<https://…>` and bare addresses (Discord's rule: up to a space or `<`, not ending in
 *   `.,:;"')]`) as links, `<@id>` `<@&id>` `<#id>` `</cmd:id>` `<:emoji:id>` `<t:…>` as what they stand
 *   for, and at the start of a line `#`/`##`/`###` headings, `-#` subtext, `>`/`>>>` quotes, `-`/`*` lists.
 * - an embed's `title` and fields' names: the inline styles, no links inside (a title with `url` is itself a
 *   link to it) and no line forms.
 * - an embed's `footer.text` and `author.name`: plain text, shown as written (`author.url` links the name).
 *
 * Mentions notify only from `content` (embeds never ping): `@everyone`, `@here`, `<@id>`, `<@!id>` and
 * `<@&id>`. A backslash before the `<` or `@` makes one text. Which of the rest notify is `allowed_mentions`'
 * to say: left out, everything in the content is parsed (and a reply pings the author of the message it
 * answers); given, only the kinds its `parse` lists (`everyone` covers `@here`), the ids in its `users` and
 * `roles`, and the replied-to author only with `replied_user`. Code spans are not taken to protect a
 * mention: a reader that errs, errs toward "it pings".
 */

export interface ShownLink {
  text: string;
  url: string;
}

export interface ReadText {
  text: string;
  links: ShownLink[];
}

interface Context {
  /** Masked links, `<url>` and bare addresses are links here. */
  links: boolean;
}

const URL_AT = /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/y;
const ESCAPABLE = /[^0-9A-Za-z\s]/;
const WORD = /[0-9A-Za-z]/;
const MARKERS = ['**', '__', '~~', '||', '*', '_'] as const;
type Marker = (typeof MARKERS)[number];

function empty(): ReadText {
  return { text: '', links: [] };
}

/** The code span that opens at `at` (a run of backticks closed by a run as long), or null. */
function codeSpanAt(src: string, at: number): { text: string; end: number } | null {
  let run = 0;
  while (src[at + run] === '`') run++;
  const fence = '`'.repeat(run);
  let close = src.indexOf(fence, at + run);
  while (close !== -1 && src[close + run] === '`') close = src.indexOf(fence, close + run + 1);
  if (close === -1 || close === at + run) return null;
  const inner = src.slice(at + run, close);
  const trimmed = /^ .* $/s.test(inner) && inner.trim() !== '' ? inner.slice(1, -1) : inner;
  return { text: trimmed, end: close + run };
}

/** A `[label](url)` masked link at `at`: http(s) only, brackets in the label balanced or escaped. */
function maskedLinkAt(src: string, at: number): { label: string; url: string; end: number } | null {
  let i = at + 1;
  let depth = 0;
  while (i < src.length) {
    const char = src[i];
    if (char === '\\') i += 2;
    else if (char === '[') {
      depth++;
      i++;
    } else if (char === ']') {
      if (depth === 0) break;
      depth--;
      i++;
    } else i++;
  }
  if (src[i] !== ']' || src[i + 1] !== '(') return null;
  const label = src.slice(at + 1, i);
  const target = /^\(\s*<?(https?:\/\/(?:\([^)\s]*\)|[^\s\\()>]|\\.)+)>?(?:\s+"[^"]*")?\s*\)/i.exec(
    src.slice(i + 1),
  );
  if (!target || label.trim() === '') return null;
  return { label, url: target[1] ?? '', end: i + 1 + target[0].length };
}

/** What a `<…>` form at `at` shows, and the link it makes; null when it is no form Discord knows. */
function angleFormAt(
  src: string,
  at: number,
  context: Context,
): { shown: string; end: number; link?: ShownLink } | null {
  const rest = src.slice(at);
  const autolink = /^<(https?:\/\/[^\s>]+)>/.exec(rest);
  if (autolink && context.links) {
    const url = autolink[1] ?? '';
    return { shown: url, end: at + autolink[0].length, link: { text: url, url } };
  }
  const forms: Array<[RegExp, (match: RegExpExecArray) => string]> = [
    [/^<@!?(\d+)>/, (m) => `@${m[1]}`],
    [/^<@&(\d+)>/, (m) => `@role-${m[1]}`],
    [/^<#(\d+)>/, (m) => `#channel-${m[1]}`],
    [/^<\/([\w-]+(?: [\w-]+){0,2}):(\d+)>/, (m) => `/${m[1]}`],
    [/^<a?:(\w+):(\d+)>/, (m) => `:${m[1]}:`],
    [/^<t:(-?\d+)(?::[tTdDfFR])?>/, (m) => new Date(Number(m[1]) * 1000).toISOString()],
  ];
  for (const [pattern, show] of forms) {
    const match = pattern.exec(rest);
    if (match) return { shown: show(match), end: at + match[0].length };
  }
  return null;
}

/** Where the marker opened before `from` closes on the same line, or -1. */
function closingMarker(src: string, from: number, marker: Marker): number {
  let j = from;
  while (j < src.length) {
    const char = src[j];
    if (char === '\n') return -1;
    if (char === '\\') {
      j += 2;
      continue;
    }
    if (char === '`') {
      const code = codeSpanAt(src, j);
      if (code) {
        j = code.end;
        continue;
      }
    }
    if (src.startsWith(marker, j) && j > from) {
      if (marker === '**') {
        // `***x***`: the bold closes with the last two stars of the run.
        let end = j;
        while (src[end] === '*') end++;
        return end - 2;
      }
      if (marker === '*' && src[j + 1] === '*') {
        j += 2;
        continue;
      }
      if (marker === '_' && WORD.test(src[j + 1] ?? '')) {
        j++;
        continue;
      }
      return j;
    }
    j++;
  }
  return -1;
}

/** A styled run opening at `at`: its marker's length, its inside, and where it ends. */
function styleAt(src: string, at: number): { inner: string; end: number } | null {
  for (const marker of MARKERS) {
    if (!src.startsWith(marker, at)) continue;
    if ((marker === '_' || marker === '__') && at > 0 && WORD.test(src[at - 1] ?? '')) continue;
    const close = closingMarker(src, at + marker.length, marker);
    if (close === -1) continue;
    const inner = src.slice(at + marker.length, close);
    if (inner === '' || (marker === '*' && /^\s/.test(inner))) continue;
    return { inner, end: close + marker.length };
  }
  return null;
}

/** Inline Markdown on its own: styles, escapes, code, forms, and links when the context has them. */
function readInlineInto(src: string, context: Context, out: ReadText): void {
  let i = 0;
  while (i < src.length) {
    const char = src[i] as string;
    if (char === '\\') {
      const next = src[i + 1];
      if (next !== undefined && ESCAPABLE.test(next)) {
        out.text += next;
        i += 2;
      } else {
        out.text += char;
        i++;
      }
      continue;
    }
    if (char === '`') {
      const code = codeSpanAt(src, i);
      if (code) {
        out.text += code.text;
        i = code.end;
        continue;
      }
      let run = 0;
      while (src[i + run] === '`') run++;
      out.text += src.slice(i, i + run);
      i += run;
      continue;
    }
    if (char === '<') {
      const form = angleFormAt(src, i, context);
      if (form) {
        out.text += form.shown;
        if (form.link) out.links.push(form.link);
        i = form.end;
        continue;
      }
    }
    if (char === '[' && context.links) {
      const link = maskedLinkAt(src, i);
      if (link) {
        const label = readInline(link.label, { links: false });
        out.links.push({ text: label.text, url: link.url });
        out.text += label.text;
        i = link.end;
        continue;
      }
    }
    if (context.links && (char === 'h' || char === 'H') && (i === 0 || !WORD.test(src[i - 1] ?? ''))) {
      URL_AT.lastIndex = i;
      const url = URL_AT.exec(src)?.[0];
      if (url) {
        out.links.push({ text: url, url });
        out.text += url;
        i += url.length;
        continue;
      }
    }
    const style = styleAt(src, i);
    if (style) {
      readInlineInto(style.inner, context, out);
      i = style.end;
      continue;
    }
    out.text += char;
    i++;
  }
}

/** Inline Markdown (an embed title, a field name, a link's label): no line forms. */
export function readInline(src: string, context: Context = { links: false }): ReadText {
  const out = empty();
  readInlineInto(src, context, out);
  return out;
}

/** A line without its line form: heading, subtext, quote, list bullet. */
function lineBody(line: string): string {
  const heading = /^#{1,3} (.*)$/.exec(line);
  if (heading) return heading[1] ?? '';
  const subtext = /^-# (.*)$/.exec(line);
  if (subtext) return subtext[1] ?? '';
  const quote = /^>(?:>>)? (.*)$/.exec(line);
  if (quote) return quote[1] ?? '';
  const bullet = /^(\s*)[-*] (.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${bullet[2]}`;
  return line;
}

/** Full Markdown (content, a description, a field's value): fences, line forms and inline Markdown. */
export function readMarkdown(src: string): ReadText {
  const out = empty();
  const context: Context = { links: true };
  const lines = (text: string) => {
    text.split('\n').forEach((line, index) => {
      if (index > 0) out.text += '\n';
      readInlineInto(lineBody(line), context, out);
    });
  };
  let last = 0;
  for (const fence of src.matchAll(/```(?:[\w+.#-]*\n)?([\s\S]*?)```/g)) {
    lines(src.slice(last, fence.index));
    out.text += (fence[1] ?? '').replace(/\n$/, '');
    last = fence.index + fence[0].length;
  }
  lines(src.slice(last));
  return out;
}

export interface EmbedPayload {
  title?: string | null | undefined;
  url?: string | null | undefined;
  description?: string | null | undefined;
  fields?: Array<{ name?: string | null; value?: string | null }> | null | undefined;
  footer?: { text?: string | null } | null | undefined;
  author?: { name?: string | null; url?: string | null } | null | undefined;
}

export interface AllowedMentions {
  parse?: string[] | undefined;
  users?: string[] | undefined;
  roles?: string[] | undefined;
  replied_user?: boolean | undefined;
}

/** The parts of a message payload a reader sees or that decide who is notified. */
export interface MessagePayload {
  content?: string | null | undefined;
  embeds?: EmbedPayload[] | null | undefined;
  allowed_mentions?: AllowedMentions | null | undefined;
  /** Set on a reply: the author of the message it answers may be pinged. */
  message_reference?: unknown;
}

function merge(parts: ReadText[]): ReadText {
  const shown = parts.filter((part) => part.text.trim() !== '' || part.links.length > 0);
  return { text: shown.map((part) => part.text).join('\n'), links: shown.flatMap((part) => part.links) };
}

function readEmbed(embed: EmbedPayload): ReadText {
  const parts: ReadText[] = [];
  if (embed.author?.name) {
    const name = embed.author.name;
    parts.push({ text: name, links: embed.author.url ? [{ text: name, url: embed.author.url }] : [] });
  }
  if (embed.title) {
    const title = readInline(embed.title);
    if (embed.url) title.links.push({ text: title.text, url: embed.url });
    parts.push(title);
  }
  if (embed.description) parts.push(readMarkdown(embed.description));
  for (const field of embed.fields ?? []) {
    parts.push(readInline(field.name ?? ''));
    parts.push(readMarkdown(field.value ?? ''));
  }
  if (embed.footer?.text) parts.push({ text: embed.footer.text, links: [] });
  return merge(parts);
}

/** A message as the channel shows it: its content, then each embed (author, title, description, fields, footer). */
export function readMessage(message: MessagePayload): ReadText {
  return merge([
    ...(message.content ? [readMarkdown(message.content)] : []),
    ...(message.embeds ?? []).map(readEmbed),
  ]);
}

export interface Mentions {
  everyone: boolean;
  here: boolean;
  users: string[];
  roles: string[];
}

/** The mentions Discord parses in a message's content; a backslash before the `<` or `@` makes one text. */
export function mentionsIn(content: string): Mentions {
  const unescaped = content.replace(/\\[^0-9A-Za-z\s]/g, '\u0000');
  const unique = (items: string[]) => [...new Set(items)];
  return {
    everyone: /@everyone/.test(unescaped),
    here: /@here/.test(unescaped),
    users: unique([...unescaped.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? '')),
    roles: unique([...unescaped.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? '')),
  };
}

/** Who the message would notify: `everyone`, `here`, `user <id>`, `role <id>`, `replied user`. */
export function pingsOf(message: MessagePayload): string[] {
  const mentions = mentionsIn(message.content ?? '');
  const allowed = message.allowed_mentions;
  const isReply = message.message_reference !== undefined && message.message_reference !== null;
  const all = allowed === undefined || allowed === null;
  const parse = all ? ['everyone', 'users', 'roles'] : (allowed.parse ?? []);
  const pings: string[] = [];
  if (mentions.everyone && parse.includes('everyone')) pings.push('everyone');
  if (mentions.here && parse.includes('everyone')) pings.push('here');
  for (const user of mentions.users)
    if (parse.includes('users') || (allowed?.users ?? []).includes(user)) pings.push(`user ${user}`);
  for (const role of mentions.roles)
    if (parse.includes('roles') || (allowed?.roles ?? []).includes(role)) pings.push(`role ${role}`);
  if (isReply && (all || allowed?.replied_user === true)) pings.push('replied user');
  return pings;
}
