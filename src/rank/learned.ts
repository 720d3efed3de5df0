import type { Paper } from '../arxiv/paper.ts';
import type { Config } from '../config/schema.ts';
import type { PaperReasons } from '../digest/digest.ts';
import type { RankedPaper } from '../digest/listing-index.ts';
import type { Embedder, EmbeddingSource } from './embeddings.ts';
import { affinity, buildProfile, closestLiked, type Profile, type VoteKind } from './profile.ts';
import type { Vector } from './vectors.ts';

/*
 * Learned ranking (issue 13): the keyword-ranked papers of a digest reordered by keyword score plus a
 * learned relevance, and a few papers without any keyword hit recommended because they are close to what
 * the target liked.
 *
 * At digest time, for one target:
 *   const ranked = index.rank(query, { categories, minScore });            // no maxPapers: rerank cuts
 *   const candidates = <the listing's papers in the target's categories, neither ranked nor excluded>;
 *   const { papers, source } = await learnedRanking({
 *     ranked, candidates, votes, embedder, now: new Date(), settings: config.ranking, maxPapers,
 *   });
 * `votes` are the target's votes with their papers ({ paper, kind, at }): keep the paper's id, version,
 * title and abstract with each vote, so its vector can be made again once the cache let it go. A target
 * without votes gets `ranked` cut to maxPapers, exactly as today, and costs no embedding at all.
 *
 * The learned relevance of a paper is its cosine to the profile (profile.ts) as a z-score among the
 * papers ranked today (ranked and candidates), so `weight` means the same for model and local vectors:
 * weight 1 lets a paper one standard deviation closer to the team's taste pass one with one more keyword
 * hit. The order is score + weight * z (ties keep the keyword order). Recommended papers (z at least
 * `minRecommendZ` and closer to the likes than to the dislikes) come on top of maxPapers, at most
 * `recommend` of them, placed by the same sum. A paper with a positive learned relevance says which liked
 * paper it is closest to (`reasons.like`), shown as "like: <title>".
 */

export interface RerankedPaper extends RankedPaper {
  reasons?: PaperReasons;
  /** The learned relevance (a z-score among the papers ranked); absent for a target without votes. */
  learned?: number;
}

export interface RerankOptions {
  profile: Profile;
  /** Vectors by paper id, of the same EmbeddingSet as the profile's votes. */
  vectors: ReadonlyMap<string, Vector>;
  weight: number;
  /** Papers with no keyword hit that may be recommended. */
  candidates?: readonly Paper[];
  /** At most this many recommended papers; 0 by default. */
  recommend?: number;
  /** Keep the best this many keyword papers by the new order (recommended ones come on top); all by default. */
  maxPapers?: number;
  /** The smallest learned relevance a recommended paper has; 1.5 by default (about the top 7%). */
  minRecommendZ?: number;
}

export function rerank(ranked: readonly RankedPaper[], options: RerankOptions): RerankedPaper[] {
  const maxPapers = options.maxPapers ?? Number.POSITIVE_INFINITY;
  if (options.profile.votes === 0 || !options.profile.vector) return ranked.slice(0, maxPapers);

  const candidates = options.candidates ?? [];
  const all = [...ranked.map((entry) => entry.paper), ...candidates];
  const cosines = new Map(all.map((paper) => [paper.id, cosineOf(options, paper)]));
  const z = zScores(cosines);

  const reasonsOf = (paper: Paper, learned: number): PaperReasons | undefined => {
    if (learned <= 0) return undefined;
    const vector = options.vectors.get(paper.id);
    const like = vector ? closestLiked(options.profile, vector) : null;
    return like ? { like: { id: like.paperId, title: like.title } } : undefined;
  };
  const withLearned = (entry: RankedPaper): RerankedPaper => {
    const learned = z.get(entry.paper.id) ?? 0;
    const reasons = reasonsOf(entry.paper, learned);
    return { ...entry, learned, ...(reasons ? { reasons } : {}) };
  };
  const total = (entry: RerankedPaper) => entry.score + options.weight * (entry.learned ?? 0);
  // Array.prototype.sort is stable: ties keep the keyword order.
  const kept = ranked
    .map(withLearned)
    .sort((a, b) => total(b) - total(a))
    .slice(0, maxPapers);

  const minZ = options.minRecommendZ ?? 1.5;
  const keptIds = new Set(kept.map((entry) => entry.paper.id));
  const recommended = candidates
    .filter((paper) => !keptIds.has(paper.id))
    .map((paper) => ({ paper, learned: z.get(paper.id) ?? 0, cosine: cosines.get(paper.id) ?? 0 }))
    .filter((entry) => entry.learned >= minZ && entry.cosine > 0)
    .sort((a, b) => b.learned - a.learned)
    .slice(0, options.recommend ?? 0)
    .map(({ paper, learned }): RerankedPaper => {
      const like = reasonsOf(paper, learned)?.like;
      return {
        paper,
        score: 0,
        titleHits: 0,
        matchedTerms: [],
        summary: null,
        learned,
        reasons: { ...(like ? { like } : {}), recommended: true },
      };
    });
  return [...kept, ...recommended].sort((a, b) => total(b) - total(a));
}

function cosineOf(options: RerankOptions, paper: Paper): number {
  const vector = options.vectors.get(paper.id);
  return vector ? affinity(options.profile, vector) : 0;
}

/** Each value as (value - mean) / standard deviation; all 0 when they do not vary. */
function zScores(values: ReadonlyMap<string, number>): Map<string, number> {
  const list = [...values.values()];
  const mean = list.reduce((sum, value) => sum + value, 0) / (list.length || 1);
  const variance = list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (list.length || 1);
  const sd = Math.sqrt(variance);
  return new Map([...values].map(([id, value]) => [id, sd > 1e-9 ? (value - mean) / sd : 0]));
}

export interface VotedPaper {
  paper: Paper;
  kind: VoteKind;
  at: Date;
}

export interface LearnedRankingInput {
  ranked: readonly RankedPaper[];
  candidates: readonly Paper[];
  votes: readonly VotedPaper[];
  embedder: Embedder;
  now: Date;
  settings: Pick<Config['ranking'], 'learned_weight' | 'recommend' | 'half_life_days'>;
  maxPapers?: number;
  signal?: AbortSignal;
}

export interface LearnedRanking {
  papers: RerankedPaper[];
  /** Where the vectors came from; null when the target has no votes (no vectors were needed). */
  source: EmbeddingSource | null;
}

/** The digest-time call: embeds what is needed (cached), builds the profile, reranks. See the top of the file. */
export async function learnedRanking(input: LearnedRankingInput): Promise<LearnedRanking> {
  const maxPapers = input.maxPapers ?? Number.POSITIVE_INFINITY;
  if (input.votes.length === 0) return { papers: input.ranked.slice(0, maxPapers), source: null };
  const set = await input.embedder.embed(
    [
      ...input.ranked.map((entry) => entry.paper),
      ...input.candidates,
      ...input.votes.map((vote) => vote.paper),
    ],
    input.signal ? { signal: input.signal } : {},
  );
  const profile = buildProfile(
    input.votes.flatMap(({ paper, kind, at }) => {
      const vector = set.vectors.get(paper.id);
      return vector ? [{ paperId: paper.id, title: paper.title, vector, kind, at }] : [];
    }),
    { now: input.now, halfLifeDays: input.settings.half_life_days, dimensions: set.dimensions },
  );
  const papers = rerank(input.ranked, {
    profile,
    vectors: set.vectors,
    weight: input.settings.learned_weight,
    candidates: input.candidates,
    recommend: input.settings.recommend,
    maxPapers,
  });
  return { papers, source: set.source };
}
