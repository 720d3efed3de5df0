import type { Paper } from '../arxiv/paper.ts';
import { words } from '../digest/text.ts';
import type { SparseVector } from './vectors.ts';

/*
 * The local fallback of embeddings: TF-IDF vectors over the vocabulary of the papers given (the listing and
 * the voted papers together), so nothing is downloaded and no key is needed. Words are those of keyword
 * matching (src/digest/text.ts); the title counts twice; term frequency is sublinear (1 + ln tf) and a word
 * found in one paper only is left out, since it relates that paper to no other. Vectors are unit length.
 * The vocabulary belongs to one call, so local vectors of different calls are not comparable: build a
 * profile and rank within one set (see EmbeddingSet in embeddings.ts).
 */

export interface LocalVectors {
  /** The vocabulary's size: every index is below it. */
  dimensions: number;
  vectors: Map<string, SparseVector>;
}

export function localVectors(papers: readonly Paper[]): LocalVectors {
  const counts = new Map<string, Map<string, number>>();
  const documentFrequency = new Map<string, number>();
  for (const paper of papers) {
    if (counts.has(paper.id)) continue;
    const tf = new Map<string, number>();
    const title = words(paper.title);
    for (const word of [...title, ...title, ...words(paper.abstract)]) {
      if (word.length < 2 || /^\d+$/.test(word)) continue;
      tf.set(word, (tf.get(word) ?? 0) + 1);
    }
    counts.set(paper.id, tf);
    for (const word of tf.keys()) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  }

  const n = counts.size;
  const vocabulary = new Map<string, { index: number; idf: number }>();
  for (const [word, df] of documentFrequency) {
    if (df >= 2 && df < n) vocabulary.set(word, { index: vocabulary.size, idf: Math.log(n / df) });
  }

  const vectors = new Map<string, SparseVector>();
  for (const [id, tf] of counts) {
    const entries: Array<[number, number]> = [];
    let norm = 0;
    for (const [word, count] of tf) {
      const term = vocabulary.get(word);
      if (!term) continue;
      const weight = (1 + Math.log(count)) * term.idf;
      entries.push([term.index, weight]);
      norm += weight * weight;
    }
    entries.sort((a, b) => a[0] - b[0]);
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    vectors.set(id, {
      indices: Int32Array.from(entries, ([index]) => index),
      values: Float32Array.from(entries, ([, weight]) => weight * scale),
    });
  }
  return { dimensions: vocabulary.size, vectors };
}
