/**
 * Emoji as platforms name them: Slack sends `memo`, Discord sends `📝` (or a custom emoji's name). The
 * summary emoji of config.json may be written either way; these helpers compare them.
 */
const UNICODE: Readonly<Record<string, string>> = {
  memo: '📝',
  pencil: '📝',
  page_facing_up: '📄',
  bookmark_tabs: '📑',
  scroll: '📜',
  books: '📚',
  book: '📖',
  open_book: '📖',
  eyes: '👀',
  mag: '🔍',
  brain: '🧠',
  robot_face: '🤖',
  robot: '🤖',
  bulb: '💡',
  star: '⭐',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
};

/** Without variation selectors and skin tones, which some clients add. */
function bare(emoji: string): string {
  return emoji.replace(/[\uFE0E\uFE0F]|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}/gu, '');
}

function normalize(emoji: string): string {
  // Slack names a skin tone after the emoji: `+1::skin-tone-3`.
  const name = emoji
    .trim()
    .replace(/::skin-tone-\d$/, '')
    .replace(/^:|:$/g, '')
    .toLowerCase();
  return bare(UNICODE[name] ?? name);
}

/** Whether a reaction's emoji is the configured one, whichever way each is written. */
export function emojiMatches(configured: string, received: string): boolean {
  return normalize(configured) === normalize(received);
}

/** How to show the configured emoji in a message: the character where known, `:name:` otherwise. */
export function emojiText(configured: string): string {
  const name = configured.trim().replace(/^:|:$/g, '');
  return UNICODE[name.toLowerCase()] ?? (/^[\w+-]+$/.test(name) ? `:${name}:` : name);
}
