/**
 * Text for Slack. Slack parses `&`, `<` and `>` in every mrkdwn field and in a message's fallback `text`:
 * `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>`, `<!subteam^…>` notify people and `<url|label>` is a link.
 * Untrusted text (from arXiv, a user or a model) therefore has these three characters escaped as entities,
 * which Slack shows as the characters themselves, so such text can never ping anyone or forge a link.
 * Control characters and bidirectional overrides are removed too: a client may act on them rather than show
 * them. `plain_text` fields (headers) are not parsed by Slack, so they are only cleaned, not escaped.
 *
 * Slack has no escape for its formatting characters (`*`, `_`, `~`, `` ` ``): a title such as `*Bold* claim`
 * shows in bold. That changes how text looks, never whom it reaches or where a link goes.
 */
import { stripControls } from '../../src/text/control.ts';

/**
 * Removes what a reader's client could act on rather than show (control characters, escape sequences whole,
 * bidirectional overrides: the core's rule in src/text/control.ts); tabs become spaces, CR LF becomes LF.
 */
export function cleanText(text: string): string {
  return stripControls(text);
}

/** Cleaned, on one line. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** `&`, `<` and `>` as the entities Slack shows as the characters themselves. */
function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Untrusted text for a mrkdwn field or a fallback `text`: cleaned and `&`, `<`, `>` escaped. */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(cleanText(text));
}

/**
 * A URL as the target of a `<url|label>` link, or null when it is not an http(s) URL. `|` would end the URL
 * inside the link, so it is percent-encoded; `&`, `<`, `>` are escaped like any text.
 */
export function linkTarget(url: string): string | null {
  const trimmed = cleanLine(url);
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return escapeEntities(parsed.href.replace(/\|/g, '%7C'));
}

/** Top-level domains common enough that `name.tld` in a label reads as a web address. */
const COMMON_TLDS =
  'com|org|net|edu|gov|mil|int|io|ai|app|dev|co|me|info|biz|xyz|uk|us|de|fr|jp|cn|ru|in|eu|ca|au|ch|nl|se|it|es|br|kr';
const HOST_IN_TEXT = new RegExp(
  `(?:https?://([a-z0-9.-]+))|\\b((?:www\\.)?(?:[a-z0-9-]+\\.)+(?:${COMMON_TLDS}))\\b`,
  'gi',
);

function hostsNamedIn(text: string): string[] {
  return [...text.matchAll(HOST_IN_TEXT)].map((match) =>
    (match[1] ?? match[2] ?? '').toLowerCase().replace(/^www\./, ''),
  );
}

function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
}

/**
 * A link whose address is always shown: `label (<url>)`, the address a bare link that Slack shows as itself;
 * just `<url>` when the label is empty or is the address. This is how a link someone else wrote (a model's
 * summary, which a paper's text can steer) is shown: a reader always sees where it goes. A URL that is not
 * http(s) is shown as text, never linked.
 */
export function mrkdwnShownLink(label: string, url: string): string {
  const target = linkTarget(url);
  const shownLabel = cleanLine(label);
  const shownUrl = target === null ? escapeMrkdwn(cleanLine(url)) : `<${target}>`;
  if (
    shownLabel === '' ||
    shownLabel === cleanLine(url) ||
    (target !== null && sameAddress(shownLabel, url))
  ) {
    return shownUrl;
  }
  return `${escapeMrkdwn(shownLabel)} (${shownUrl})`;
}

/** Whether a label is the URL itself, written slightly differently (`https://x.example` for `https://x.example/`). */
function sameAddress(label: string, url: string): boolean {
  try {
    return new URL(label).href === new URL(cleanLine(url)).href;
  } catch {
    return false;
  }
}

/**
 * A link the bot builds itself (a paper's abstract or PDF page on arXiv, from the core's Span `link`) as a
 * mrkdwn `<url|label>` link. Only such links get a label: a link from untrusted text goes through
 * `mrkdwnShownLink`. As a second guard, a label that names a web address other than the link's own host
 * (`arxiv.org/abs/…` going to another site) is shown followed by the real address, so a label can never pose
 * as another destination. A URL that is not http(s) is shown as text.
 */
export function mrkdwnLink(label: string, url: string): string {
  const target = linkTarget(url);
  const shownLabel = cleanLine(label);
  if (target === null || shownLabel === '' || shownLabel === cleanLine(url)) {
    return mrkdwnShownLink(label, url);
  }
  const host = hostOf(cleanLine(url));
  const named = hostsNamedIn(shownLabel);
  if (named.some((name) => name !== host && !host.endsWith(`.${name}`))) {
    return mrkdwnShownLink(label, url);
  }
  return `<${target}|${escapeMrkdwn(shownLabel)}>`;
}
