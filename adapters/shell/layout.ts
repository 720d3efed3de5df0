/**
 * How the shell lays out its transcript. Every message gets a header line with its number, which `:react`
 * refers to, and its body below, indented. Thread replies are indented one step further under their root and
 * marked `↳`; labels on the header say what is not obvious (a DM, an answer only you see, a reply whose root
 * is further up). Content lines are always indented more than any header, so message text cannot pose as a
 * header of its own.
 *
 *   [1] arxiv-digest
 *       arXiv digest · 2026-02-10
 *     ↳ [2] arxiv-digest
 *         1. A paper title
 *   [3] arxiv-digest · only visible to you · answer to /arxiv list
 *       This channel follows: transformer
 */
import type { Style } from './style.ts';

const ROOT_BODY_INDENT = '    ';
const REPLY_HEAD_INDENT = '  ↳ ';
const REPLY_BODY_INDENT = '      ';

export interface EntryHeader {
  number: string;
  author: string;
  reply: boolean;
  labels: string[];
}

export function formatEntry(header: EntryHeader, lines: string[], style: Style): string {
  const head = [
    `${header.reply ? REPLY_HEAD_INDENT : ''}${style.number(`[${header.number}]`)} ${style.bold(header.author)}`,
    ...header.labels.map((label) => style.notice(label)),
  ].join(' · ');
  const indent = header.reply ? REPLY_BODY_INDENT : ROOT_BODY_INDENT;
  const body = lines.map((line) => (line.trim() === '' ? '' : indent + line));
  return `${[head, ...body].join('\n')}\n`;
}

/** Lines from the shell itself (help, hints, errors): never indented as far as a message body. */
export function formatNotice(lines: string[], style: Style): string {
  return `${lines.map((line) => style.dim(line)).join('\n')}\n`;
}
