import { addScaled, dot, unit, type Vector } from './vectors.ts';

/*
 * A target's taste, from its votes (👍/👎 on posted papers): the recency-weighted mean of the liked papers'
 * vectors minus that of the disliked ones, unit length. Subtracting the dislikes also removes what every
 * paper shares (embeddings of any two abstracts are alike in part), so the profile points at what the team
 * likes in particular. A vote weighs 2^(-age / half-life): one `halfLifeDays` old counts half.
 *
 *   const profile = buildProfile(votes, { now, halfLifeDays: config.ranking.half_life_days, dimensions: set.dimensions });
 *
 * The votes' vectors must come from the same EmbeddingSet as the papers ranked against the profile.
 */

export type VoteKind = 'like' | 'dislike';

export interface Vote {
  paperId: string;
  /** The paper's title, for the "like: <title>" reason; liked papers only need it. */
  title?: string;
  vector: Vector;
  kind: VoteKind;
  at: Date;
}

export interface LikedPaper {
  paperId: string;
  title: string;
  vector: Vector;
  /** The vote's recency weight (1 now, 0.5 one half-life ago). */
  weight: number;
}

export interface Profile {
  /** Unit length; null without votes, or when likes and dislikes cancel out. */
  vector: Float32Array | null;
  liked: LikedPaper[];
  votes: number;
}

export interface ProfileOptions {
  now: Date;
  halfLifeDays: number;
  /** The vectors' length (EmbeddingSet.dimensions). */
  dimensions: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function buildProfile(votes: readonly Vote[], options: ProfileOptions): Profile {
  const sums = { like: new Float64Array(options.dimensions), dislike: new Float64Array(options.dimensions) };
  const totals = { like: 0, dislike: 0 };
  const liked: LikedPaper[] = [];
  for (const vote of votes) {
    // A vote from the future (clock skew) counts as now.
    const ageDays = Math.max(0, options.now.getTime() - vote.at.getTime()) / DAY_MS;
    const weight = 2 ** (-ageDays / options.halfLifeDays);
    addScaled(sums[vote.kind], vote.vector, weight);
    totals[vote.kind] += weight;
    if (vote.kind === 'like') {
      liked.push({ paperId: vote.paperId, title: vote.title ?? vote.paperId, vector: vote.vector, weight });
    }
  }
  const profile = new Float64Array(options.dimensions);
  for (let i = 0; i < profile.length; i++) {
    const like = totals.like > 0 ? (sums.like[i] as number) / totals.like : 0;
    const dislike = totals.dislike > 0 ? (sums.dislike[i] as number) / totals.dislike : 0;
    profile[i] = like - dislike;
  }
  return { vector: votes.length > 0 ? unit(profile) : null, liked, votes: votes.length };
}

/** The cosine of a paper's vector and the profile (0 without a profile). */
export function affinity(profile: Profile, vector: Vector): number {
  return profile.vector ? dot(profile.vector, vector) : 0;
}

/**
 * The liked paper most like this one (cosine times the like's recency weight, so an old like does not explain
 * today's choice over a fresh one), or null when nothing is liked.
 */
export function closestLiked(profile: Profile, vector: Vector): LikedPaper | null {
  let best: LikedPaper | null = null;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const like of profile.liked) {
    const score = dot(like.vector, vector) * like.weight;
    if (score > bestScore) {
      best = like;
      bestScore = score;
    }
  }
  return best;
}
