/**
 * A Slack message read back as plain text: its fallback `text` and the text of its blocks, with mrkdwn
 * links shown as `label (url)`, mentions as `@name`, entities decoded. Used to find arXiv links in a message
 * someone reacted to.
 */

interface TextObject {
  text?: unknown;
}

export interface StoredMessage {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
}

function mrkdwnToPlain(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_whole, target: string, label: string | undefined) => {
      if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
      if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^subteam\^/, '')}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(object: unknown): string[] {
  const text = (object as TextObject | null)?.text;
  return typeof text === 'string' ? [text] : [];
}

/** The text fields of the blocks the adapter posts and that people's messages carry. */
function blockTexts(block: unknown): string[] {
  if (typeof block !== 'object' || block === null) return [];
  const { type, text, elements, fields } = block as {
    type?: string;
    text?: unknown;
    elements?: unknown[];
    fields?: unknown[];
  };
  if (type === 'header' || type === 'section') {
    return [...textOf(text), ...(fields ?? []).flatMap(textOf)];
  }
  if (type === 'context') return (elements ?? []).flatMap(textOf);
  return [];
}

export function storedMessageText(message: StoredMessage): string {
  const parts = [message.text ?? '', ...(message.blocks ?? []).flatMap(blockTexts)];
  return parts
    .filter((part) => part.trim() !== '')
    .map(mrkdwnToPlain)
    .join('\n');
}
