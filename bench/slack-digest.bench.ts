/**
 * A daily digest to 100 Slack channels against the fake Slack with Slack's per-channel rate limit for
 * chat.postMessage enforced (1 message per second per channel, bursts of 2; beyond it 429 with Retry-After).
 * Each channel gets a root message and one thread reply per paper, posted in order; the channels are served
 * side by side, as the core's delivery does. Until the core lands, this drives `SlackAdapter.post` directly.
 *
 * Two runs in the same process: the adapter as shipped (each channel paced to one post per second), and the
 * adapter with pacing off, relying only on the WebClient waiting out 429s. Figures: total time against the
 * lower bound the limit sets ((posts per channel - burst) seconds), 429s received, posts lost or repeated.
 *
 *   node_modules/.bin/node bench/slack-digest.bench.ts
 */
import { channelTarget } from '../adapters/slack/ids.ts';
import { SlackAdapter } from '../adapters/slack/slack-adapter.ts';
import type { InboundHandlers, OutboundMessage } from '../adapters/types.ts';
import type { Paper } from '../src/arxiv/paper.ts';
import { FakeSlack } from '../test/fakes/slack-server.ts';

const CHANNELS = 100;
const PAPERS = 10;
const PER_SECOND = 1;
const BURST = 2;

function paper(n: number): Paper {
  const id = `2401.${String(n).padStart(5, '0')}`;
  return {
    id,
    version: 1,
    title: `Paper ${n} of the day`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    abstract: 'An abstract.',
    categories: ['cs.LG'],
    primaryCategory: 'cs.LG',
    announceType: 'new',
    published: null,
    updated: null,
    announced: '2024-01-02',
    absUrl: `https://arxiv.org/abs/${id}`,
    pdfUrl: `https://arxiv.org/pdf/${id}`,
    doi: null,
    journalRef: null,
    comment: null,
  };
}

const root: OutboundMessage = {
  text: `arXiv digest: ${PAPERS} papers`,
  blocks: [{ kind: 'header', text: `arXiv digest · 2024-01-02 · ${PAPERS} papers` }],
};
const replies: OutboundMessage[] = Array.from({ length: PAPERS }, (_, i) => ({
  text: paper(i + 1).title,
  blocks: [
    { kind: 'paper', paper: paper(i + 1), rank: i + 1, score: 2, matchedTerms: ['x'], tldr: 'Short.' },
  ],
}));
const idle: InboundHandlers = { onCommand: async () => {}, onReaction: async () => {} };

async function run(label: string, minPostIntervalMs: number): Promise<void> {
  const fake = await FakeSlack.start({ pingIntervalMs: 0 });
  fake.rateLimit('chat.postMessage', PER_SECOND, BURST);
  const channels = Array.from({ length: CHANNELS }, (_, i) => fake.addChannel({ name: `team-${i}` }));
  const adapter = new SlackAdapter({
    botToken: fake.botToken,
    signingSecret: fake.signingSecret,
    apiUrl: fake.apiUrl,
    minPostIntervalMs,
  });
  await adapter.start(idle);
  const started = Date.now();
  const outcomes = await Promise.allSettled(
    channels.map(async (channel, c) => {
      const target = channelTarget(fake.teamId, channel.id);
      const thread = await adapter.post(target, root, { idempotencyKey: `digest:${c}` });
      for (const [p, reply] of replies.entries()) {
        await adapter.post(target, reply, { thread, idempotencyKey: `digest:${c}:${p}` });
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const perChannel = 1 + PAPERS;
  const bound = (perChannel - BURST) / PER_SECOND;
  const expected = CHANNELS * perChannel;
  const posted = fake.posts();
  const distinct = new Set(posted.map((m) => `${m.channel} ${m.metadata?.event_payload.key}`)).size;
  const limited = fake.callsTo('chat.postMessage').filter((call) => call.status === 429).length;
  console.log(`${label}`);
  console.log(
    `  total time            ${elapsed.toFixed(1)} s   lower bound ${bound} s   ratio ${(elapsed / bound).toFixed(2)}`,
  );
  console.log(
    `  posts                 ${posted.length} of ${expected} (${CHANNELS} channels x ${perChannel}), repeated ${posted.length - distinct}, lost ${expected - distinct}`,
  );
  console.log(`  429 answers           ${limited}`);
  console.log(`  channels failed       ${outcomes.filter((o) => o.status === 'rejected').length}`);
  await adapter.stop();
  await fake.close();
}

await run('paced, one post per second per channel (as shipped)', 1000);
await run('no pacing: 429s waited out by the WebClient only', 0);
