/**
 * Numbers words: one Map from word to id, shared by the day indexes of the recent-paper search so a word
 * is kept once rather than once per day. Ids are given in order of first sight and never reused; a word
 * no kept day uses any more is dropped by `compact`, which makes a new vocabulary.
 */
export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly #words: string[] = [];

  get size(): number {
    return this.#words.length;
  }

  /** The word's id, or -1 when it has none. */
  id(word: string): number {
    return this.#ids.get(word) ?? -1;
  }

  /** The word's id, given one when it has none. */
  add(word: string): number {
    let id = this.#ids.get(word);
    if (id === undefined) {
      id = this.#words.length;
      const own = ownCopy(word);
      this.#ids.set(own, id);
      this.#words.push(own);
    }
    return id;
  }

  word(id: number): string {
    const word = this.#words[id];
    if (word === undefined) throw new RangeError(`no word has id ${id}`);
    return word;
  }

  /**
   * A vocabulary of only the words marked in `used` (by id), and the map from this vocabulary's ids to
   * its ids (-1 for a dropped word). Ids keep their order, so a list sorted by id stays sorted once mapped.
   */
  compact(used: Uint8Array): { vocabulary: Vocabulary; ids: Int32Array } {
    const vocabulary = new Vocabulary();
    const ids = new Int32Array(this.#words.length).fill(-1);
    this.#words.forEach((word, id) => {
      if (used[id]) ids[id] = vocabulary.add(word);
    });
    return { vocabulary, ids };
  }
}

/**
 * The text as a string of its own. A word matched out of an abstract may be a slice that keeps the whole
 * abstract alive (V8 slices strings of 13 characters or more); kept for weeks in the vocabulary, such slices
 * would hold on to the very texts the day indexes let go.
 */
export function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
