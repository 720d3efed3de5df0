/*
 * The vectors of learned ranking. A model's embeddings are dense (Float32Array); the local TF-IDF fallback
 * gives sparse ones over a listing's vocabulary (ascending indices). Every paper vector is unit length, so a
 * dot product is a cosine. Stored vectors are base64 of their float32 bytes: a quarter of JSON's size.
 */

export interface SparseVector {
  /** Ascending dimension numbers. */
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export type Vector = Float32Array | SparseVector;

export function dot(a: Vector, b: Vector): number {
  if (a instanceof Float32Array) {
    if (b instanceof Float32Array) {
      let sum = 0;
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
      return sum;
    }
    return denseSparse(a, b);
  }
  if (b instanceof Float32Array) return denseSparse(b, a);
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i] as number;
    const y = b.indices[j] as number;
    if (x === y) sum += (a.values[i++] as number) * (b.values[j++] as number);
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

function denseSparse(dense: Float32Array, sparse: SparseVector): number {
  let sum = 0;
  for (let k = 0; k < sparse.indices.length; k++) {
    sum += (dense[sparse.indices[k] as number] ?? 0) * (sparse.values[k] as number);
  }
  return sum;
}

/** target += weight * vector (target as long as the vectors' dimensions). */
export function addScaled(target: Float64Array, vector: Vector, weight: number): void {
  if (vector instanceof Float32Array) {
    for (let i = 0; i < vector.length; i++)
      target[i] = (target[i] as number) + weight * (vector[i] as number);
    return;
  }
  for (let k = 0; k < vector.indices.length; k++) {
    const i = vector.indices[k] as number;
    target[i] = (target[i] as number) + weight * (vector.values[k] as number);
  }
}

/** The vector scaled to unit length as float32, or null when it is zero. */
export function unit(values: ArrayLike<number>): Float32Array | null {
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += (values[i] as number) ** 2;
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  return Float32Array.from(values, (value) => value * scale);
}

export function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** Null when the text is not whole float32 values (a damaged record). */
export function decodeVector(base64: string): Float32Array | null {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return null;
  // Copied into a fresh buffer: Buffer's pool offset need not be a multiple of 4.
  return new Float32Array(Uint8Array.from(bytes).buffer);
}
