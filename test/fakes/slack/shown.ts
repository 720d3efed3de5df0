/**
 * How a Slack client shows a message, for tests: mrkdwn read the way Slack reads it. `<!channel>`,
 * `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>` notify people; `<url|label>` is a link showing its
 * label, `<url>` a link showing the address, a bare address is linked by the client; `&amp;` `&lt;` `&gt;`
 * show as `&` `<` `>`. `plain_text` fields are shown as they are, never parsed. With `link_names` (or
 * `parse: full`) a plain `@channel`, `@here` or `@everyone` notifies too.
 */

export interface ShownLink {
  text: string;
  url: string;
}

export interface ReadText {
  text: string;
  links: ShownLink[];
  /** The notifications this text would send: `channel`, `here`, `everyone`, `@U123`, `subteam S1`. */
  pings: string[];
}

export interface ReadOptions {
  /** The message was sent with `link_names: true` or `parse: "full"`. */
  linkNames?: boolean;
}

const decode = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const BARE_URL = /https?:\/\/[^\s<>|]+/g;
const PLAIN_PINGS = /(^|[^\w@])@(channel|here|everyone)\b/g;

function plainSegment(text: string, options: ReadOptions, out: ReadText): void {
  const shown = decode(text);
  for (const match of shown.matchAll(BARE_URL)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    out.links.push({ text: url, url });
  }
  if (options.linkNames) for (const match of shown.matchAll(PLAIN_PINGS)) out.pings.push(match[2] ?? '');
  out.text += shown;
}

/** Reads one mrkdwn text. */
export function readMrkdwn(mrkdwn: string, options: ReadOptions = {}): ReadText {
  const out: ReadText = { text: '', links: [], pings: [] };
  let last = 0;
  for (const match of mrkdwn.matchAll(/<([^<>]*)>/g)) {
    plainSegment(mrkdwn.slice(last, match.index), options, out);
    last = match.index + match[0].length;
    const inner = match[1] ?? '';
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? null : decode(inner.slice(bar + 1));
    if (/^!(channel|here|everyone)$/.test(target)) {
      out.pings.push(target.slice(1));
      out.text += `@${target.slice(1)}`;
    } else if (target.startsWith('!subteam^')) {
      out.pings.push(`subteam ${target.slice('!subteam^'.length)}`);
      out.text += label ?? `@${target.slice('!subteam^'.length)}`;
    } else if (target.startsWith('@')) {
      out.pings.push(target);
      out.text += label ? `@${label}` : target;
    } else if (target.startsWith('#')) {
      out.text += label ? `#${label}` : target;
    } else if (target.startsWith('!date^')) {
      out.text += label ?? '';
    } else if (/^(https?|mailto):/i.test(target)) {
      const url = decode(target);
      out.links.push({ text: label ?? url, url });
      out.text += label ?? url;
    } else {
      // Not a construct Slack knows: it shows what was sent.
      plainSegment(match[0], options, out);
    }
  }
  plainSegment(mrkdwn.slice(last), options, out);
  return out;
}

interface TextObject {
  type?: string;
  text?: string;
}

function readTextObject(object: TextObject | undefined, options: ReadOptions): ReadText {
  const text = object?.text ?? '';
  if (object?.type === 'plain_text') return { text, links: [], pings: [] };
  return readMrkdwn(text, options);
}

function merge(parts: ReadText[], separator: string): ReadText {
  return {
    text: parts.map((part) => part.text).join(separator),
    links: parts.flatMap((part) => part.links),
    pings: parts.flatMap((part) => part.pings),
  };
}

/** The rich_text elements a person's message carries; mentions in them notify, as in the client. */
function readRichText(elements: unknown[]): ReadText {
  const out: ReadText = { text: '', links: [], pings: [] };
  const walk = (items: unknown[]): void => {
    for (const item of items as Array<Record<string, unknown>>) {
      if (Array.isArray(item.elements)) walk(item.elements);
      else if (item.type === 'text') out.text += String(item.text ?? '');
      else if (item.type === 'link') {
        const url = String(item.url ?? '');
        out.links.push({ text: String(item.text ?? url), url });
        out.text += String(item.text ?? url);
      } else if (item.type === 'user') out.pings.push(`@${String(item.user_id)}`);
      else if (item.type === 'broadcast') out.pings.push(String(item.range));
      else if (item.type === 'usergroup') out.pings.push(`subteam ${String(item.usergroup_id)}`);
    }
  };
  walk(elements);
  return out;
}

function readBlock(block: Record<string, unknown>, options: ReadOptions): ReadText {
  switch (block.type) {
    case 'header':
      return readTextObject(block.text as TextObject, options);
    case 'section':
      return merge(
        [
          readTextObject(block.text as TextObject | undefined, options),
          ...((block.fields as TextObject[] | undefined) ?? []).map((field) =>
            readTextObject(field, options),
          ),
        ].filter((part) => part.text !== ''),
        '\n',
      );
    case 'context':
      return merge(
        ((block.elements as TextObject[] | undefined) ?? []).map((element) =>
          readTextObject(element, options),
        ),
        ' ',
      );
    case 'rich_text':
      return readRichText((block.elements as unknown[]) ?? []);
    default:
      return { text: '', links: [], pings: [] };
  }
}

export interface MessagePayload {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  link_names?: boolean | undefined;
  parse?: string | undefined;
}

/**
 * A message as the channel shows it: the blocks when there are any (the fallback `text` then appears only in
 * notifications), else the text. `pings` counts both, since a notification is sent either way.
 */
export function readMessage(message: MessagePayload): ReadText {
  const options: ReadOptions = { linkNames: message.link_names === true || message.parse === 'full' };
  const fallback = readMrkdwn(message.text ?? '', options);
  const blocks = (message.blocks ?? []) as Array<Record<string, unknown>>;
  if (blocks.length === 0) return fallback;
  const shown = merge(
    blocks.map((block) => readBlock(block, options)).filter((part) => part.text !== ''),
    '\n',
  );
  return { ...shown, pings: [...fallback.pings, ...shown.pings] };
}
