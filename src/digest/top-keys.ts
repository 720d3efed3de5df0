/** Keeps the `capacity` biggest numbers offered, in a min-heap. */
export class TopKeys {
  readonly #heap: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    this.#heap = new Float64Array(capacity);
  }

  offer(key: number): void {
    const heap = this.#heap;
    if (this.#size < heap.length) {
      let child = this.#size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if ((heap[parent] as number) <= key) break;
        heap[child] = heap[parent] as number;
        child = parent;
      }
      heap[child] = key;
    } else if (heap.length > 0 && key > (heap[0] as number)) {
      // Replace the smallest and sift down.
      let parent = 0;
      for (;;) {
        let child = 2 * parent + 1;
        if (child >= heap.length) break;
        if (child + 1 < heap.length && (heap[child + 1] as number) < (heap[child] as number)) child += 1;
        if ((heap[child] as number) >= key) break;
        heap[parent] = heap[child] as number;
        parent = child;
      }
      heap[parent] = key;
    }
  }

  sortedDescending(): number[] {
    return Array.from(this.#heap.subarray(0, this.#size).sort().reverse());
  }
}
