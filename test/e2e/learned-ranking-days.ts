/**
 * The days of the learned-ranking end-to-end tests, one scenario for Slack and Discord (learned-ranking.test.ts
 * in test/e2e/slack and test/e2e/discord): day 1's papers to vote on, day 2's to be reordered by the votes.
 */
import { type FeedPaper, rssListingXml } from '../fakes/arxiv-server.ts';

/** A day's listing: every paper in cs.CL, announced on `day` (a `Wed, 04 Feb 2026` date). */
export function listingOf(day: string, papers: FeedPaper[]): string {
  return rssListingXml(
    papers.map((paper) => ({ categories: ['cs.CL'], authors: ['A. Author'], ...paper })),
    { categories: ['cs.CL', 'cs.LG'] },
  ).replaceAll('Thu, 28 Nov 2024', day);
}

/**
 * Day 1: two speech papers (to be liked) and a protein paper (to be disliked), all matching "translation".
 * The first paper's title is `hostileTitle`, one that tries to ping: it comes back in the why line, harmless.
 */
export function dayOne(hostileTitle: string): FeedPaper[] {
  return [
    {
      id: '2602.10001',
      title: hostileTitle,
      abstract:
        'Acoustic speech recognition of spoken audio with phoneme spectrogram models, then translation.',
    },
    {
      id: '2602.10002',
      title: 'Spoken audio recognition',
      abstract:
        'Speech recognition of noisy spoken audio from acoustic spectrogram phoneme features, and translation.',
    },
    {
      id: '2602.10003',
      title: 'Protein folding molecules',
      abstract: 'Protein folding of molecules with chemistry graph residues, and translation of proteins.',
    },
  ];
}

/**
 * Day 2's papers (ids made with `prefix`): each matches "translation" once, in its abstract, so the keywords
 * score them alike and order them newest id first: the protein papers (higher ids) before the speech ones.
 */
export function dayTwo(prefix: string): FeedPaper[] {
  return [
    {
      id: `${prefix}1`,
      title: 'Phoneme models for speech',
      abstract: 'Acoustic speech recognition with spoken audio spectrogram phoneme models and translation.',
    },
    {
      id: `${prefix}2`,
      title: 'Noisy spoken audio',
      abstract: 'Spoken audio speech recognition from acoustic phoneme spectrogram features for translation.',
    },
    {
      id: `${prefix}3`,
      title: 'Folding residues',
      abstract: 'Protein folding molecules chemistry graph residues for the translation of proteins.',
    },
    {
      id: `${prefix}4`,
      title: 'Chemistry of molecules',
      abstract: 'Molecules chemistry protein folding residues graph and translation.',
    },
  ];
}
