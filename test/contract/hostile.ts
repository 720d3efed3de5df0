/**
 * Hostile content for the contract suite: text that would ping a workspace, drive a terminal or forge a
 * link if an adapter passed it through, placed in every kind of block; and the checks that it came out inert.
 * Each block also carries a marker word, so an adapter cannot pass by dropping the content altogether.
 */

import type { Paper } from '../../src/arxiv/paper.ts';
import type { OutboundMessage } from '../../src/chat/types.ts';
import type { Shown } from './driver.ts';

const EVIL_URL = 'https://evil.example/phish';
/** The address a forged link pretends to go to. */
const POSING_AS = 'https://arxiv.org/abs/2401.00001';

const MENTIONS = '<!channel> <!here> <!everyone> @everyone @here <@U123> <@&123> <#C123> <!subteam^S123>';
const TERMINAL_CONTROL = [
  '\u0000\u0007\b\r',
  '\u001b[2J\u001b[31m',
  '\u001b]0;pwned\u0007',
  `\u001b]8;;${EVIL_URL}\u0007osc-link\u001b]8;;\u0007`,
  '\u009b2J',
  '\u202eevil\u202c',
].join(' ');
const FORGED_LINKS = `<${EVIL_URL}|${POSING_AS}> [${POSING_AS}](${EVIL_URL})`;

const HOSTILE = `${MENTIONS} ${TERMINAL_CONTROL} ${FORGED_LINKS}`;

/** Marker words, one per kind of content, that must still be visible after rendering. */
const MARKERS = [
  'HEADERMARK',
  'SPANMARK',
  'MDMARK',
  'TITLEMARK',
  'AUTHORMARK',
  'TLDRMARK',
  'WHYMARK',
  'LIKEMARK',
  'CONTEXTMARK',
] as const;

const hostilePaper: Paper = {
  id: '2401.99999',
  version: 1,
  title: `TITLEMARK ${HOSTILE}`,
  authors: [`AUTHORMARK ${HOSTILE}`, 'Ada Lovelace'],
  abstract: `An abstract. ${HOSTILE}`,
  categories: ['cs.AI', 'cs.LG'],
  primaryCategory: 'cs.AI',
  announceType: 'new',
  published: null,
  updated: null,
  announced: '2024-01-02',
  absUrl: 'https://arxiv.org/abs/2401.99999',
  pdfUrl: 'https://arxiv.org/pdf/2401.99999',
  doi: null,
  journalRef: null,
  comment: HOSTILE,
};

/** A message with hostile text in its fallback and in every kind of block. */
export function hostileMessage(): OutboundMessage {
  return {
    text: `Fallback ${HOSTILE}`,
    blocks: [
      { kind: 'header', text: `HEADERMARK ${HOSTILE}` },
      {
        kind: 'text',
        spans: [
          { text: `SPANMARK ${HOSTILE} ` },
          { text: `bold ${HOSTILE} `, bold: true },
          { text: `code ${HOSTILE} `, code: true },
          { text: POSING_AS, link: EVIL_URL },
        ],
      },
      {
        kind: 'markdown',
        text: `# MDMARK ${HOSTILE}\n\n- an item ${HOSTILE}\n- **bold ${HOSTILE}**\n\n[${POSING_AS}](${EVIL_URL})`,
      },
      {
        kind: 'paper',
        paper: hostilePaper,
        rank: 1,
        score: 1.5,
        matchedTerms: [`term ${HOSTILE}`],
        tldr: `TLDRMARK ${HOSTILE}`,
        // The why line: a followed author's name from arXiv, a liked paper's title.
        followed: [`WHYMARK ${MENTIONS}`],
        reasons: { like: { id: '2401.00002', title: `LIKEMARK ${MENTIONS}` } },
      },
      { kind: 'context', spans: [{ text: `CONTEXTMARK ${HOSTILE} ` }, { text: POSING_AS, link: EVIL_URL }] },
      { kind: 'divider' },
    ],
  };
}

/** The first character a reader's client could act on rather than show: C0 (but tab and newline), DEL, C1, a bidi override. */
function firstControlCharacter(text: string): string | null {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const c0 = code < 0x20 && char !== '\n' && char !== '\t';
    const c1 = code >= 0x7f && code <= 0x9f;
    const bidi = (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    if (c0 || c1 || bidi) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

function hostsNamedIn(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((match) => (match[1] ?? '').toLowerCase()),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}

/**
 * What is wrong with how a message came out; empty when it is inert: it pings no one, holds no control
 * character, every link whose text names a web address goes to an address its text names, and every
 * marker is still there.
 */
export function inertProblems(shown: Shown, wouldPing: (message: Shown) => boolean): string[] {
  const problems: string[] = [];
  if (wouldPing(shown)) problems.push('it would ping someone');
  const control = firstControlCharacter(shown.text);
  if (control) problems.push(`its text holds the control character ${control}`);
  for (const link of shown.links) {
    const named = hostsNamedIn(link.text);
    if (named.size > 0 && !named.has(hostOf(link.url))) {
      problems.push(`the link "${link.text}" goes to ${link.url}`);
    }
  }
  for (const marker of MARKERS) {
    if (!shown.text.includes(marker)) problems.push(`${marker} is missing from its text`);
  }
  return problems;
}
