/**
 * A small stand-in for the bot core, for driving the shell adapter through its streams: `/arxiv digest`
 * posts a root and one threaded reply per paper; `/arxiv me list` sends a DM; any other command fails as the
 * core's UserError would; a `memo` reaction posts a summary of the arXiv paper in the message, in its thread.
 */

import { findArxivId, type Paper } from '../../../src/arxiv/paper.ts';
import type {
  ChatAdapter,
  InboundHandlers,
  OutboundMessage,
  ReactionEvent,
} from '../../../src/chat/types.ts';
import { UserError } from '../../../src/errors.ts';
import { makePaper } from '../../support/papers.ts';

const PAPERS = [
  makePaper('2401.00001', { title: 'Diffusion One', authors: ['Alice Example'] }),
  makePaper('2401.00002', { title: 'Diffusion Two', authors: ['Alice Example'] }),
];

function paperMessage(paper: Paper, rank: number): OutboundMessage {
  return {
    text: `${rank}. ${paper.title} ${paper.absUrl}`,
    blocks: [{ kind: 'paper', paper, rank, score: 1, matchedTerms: ['diffusion'], tldr: null }],
  };
}

export interface FakeCore {
  handlers: InboundHandlers;
  /** Resolves when the next command or reaction has been handled. */
  next(): Promise<void>;
  /** Every reaction handed over, added or removed. */
  reactions: ReactionEvent[];
}

export function fakeCore(adapter: ChatAdapter): FakeCore {
  const waiting: Array<() => void> = [];
  const handled = () => {
    for (const wake of waiting.splice(0)) wake();
  };
  const reactions: ReactionEvent[] = [];
  return {
    reactions,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    handlers: {
      async onCommand(event) {
        try {
          if (event.text === 'digest') {
            const root = await adapter.post(
              event.channel,
              {
                text: 'arXiv digest',
                blocks: [
                  { kind: 'header', text: 'arXiv digest · 2024-01-02' },
                  { kind: 'context', spans: [{ text: '2 papers for diffusion' }] },
                ],
              },
              { idempotencyKey: 'digest:root' },
            );
            for (const [index, paper] of PAPERS.entries()) {
              await adapter.post(event.channel, paperMessage(paper, index + 1), {
                thread: root,
                idempotencyKey: `digest:${paper.id}`,
              });
            }
            await event.respond({ text: "Posted today's digest.", blocks: [] }, 'private');
          } else if (event.text === 'me list') {
            await adapter.post(event.user, { text: 'You follow: diffusion', blocks: [] });
            await event.respond({ text: 'Sent you a DM.', blocks: [] }, 'channel');
          } else if (event.text === 'crash') {
            throw new Error('a bug in the core');
          } else {
            throw new UserError('USAGE', `Unknown command "${event.text}". Try /arxiv help.`);
          }
        } finally {
          handled();
        }
      },
      async onReaction(event) {
        reactions.push(event);
        try {
          const text = await adapter.fetchMessageText(event.message);
          const found = text === null ? null : findArxivId(text);
          if (event.action === 'added' && event.emoji === 'memo' && found) {
            await adapter.post(
              event.message.target,
              { text: `Summary of ${found.id}: it works.`, blocks: [] },
              { thread: event.message },
            );
          }
        } finally {
          handled();
        }
      },
    },
  };
}
