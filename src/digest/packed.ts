/**
 * Lists of whole numbers >= 0 packed as LEB128 varints (7 bits a byte, high bit set on every byte but a
 * number's last), so the small gaps between sorted numbers take a byte or two instead of eight. Numbers up
 * to 2^53 are exact: the arithmetic is done with multiplication, not 32-bit shifts.
 */

/** Appends varints to a growing byte buffer. */
export class VarintWriter {
  #bytes = new Uint8Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  write(value: number): void {
    if (this.#length + 8 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    let rest = value;
    while (rest >= 0x80) {
      this.#bytes[this.#length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#bytes[this.#length++] = rest;
  }

  /** The bytes written, in a buffer of their own size. */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** How many varints `bytes[start..end)` holds (one per byte without its high bit). */
function countVarints(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let count = 0;
  for (let at = start; at < end; at++) if ((bytes[at] as number) < 0x80) count++;
  return count;
}

/**
 * Decodes the varints of `bytes[start..end)`, each added to the previous one when `deltas` is set.
 * Throws on a number cut short by `end`.
 */
export function readVarints(bytes: Uint8Array, start: number, end: number, deltas: boolean): Float64Array {
  const values = new Float64Array(countVarints(bytes, start, end));
  let previous = 0;
  let count = 0;
  let value = 0;
  let scale = 1;
  for (let at = start; at < end; at++) {
    const byte = bytes[at] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      previous = deltas ? previous + value : value;
      values[count++] = previous;
      value = 0;
      scale = 1;
    } else scale *= 0x80;
  }
  if (scale !== 1) throw new RangeError('a varint is cut short');
  return values;
}

/** Packs whole numbers >= 0. */
export function packNumbers(values: ArrayLike<number>): Uint8Array {
  const writer = new VarintWriter();
  for (let i = 0; i < values.length; i++) writer.write(values[i] as number);
  return writer.finish();
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  // A small Buffer may be a slice of a shared pool, which would stay alive with it: such get a copy.
  return buffer.byteLength === buffer.buffer.byteLength ? buffer : new Uint8Array(buffer);
}
