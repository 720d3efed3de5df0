/**
 * Discord snowflakes: milliseconds since the Discord epoch (2015-01-01T00:00:00Z) shifted left by 22 bits,
 * then worker (5 bits), process (5 bits) and a per-millisecond increment (12 bits). Ids made here increase
 * strictly, so sorting by id sorts by creation, as on Discord.
 */
export const DISCORD_EPOCH = 1_420_070_400_000n;

export class Snowflakes {
  #lastMs = 0n;
  #increment = 0n;
  readonly #worker: bigint;

  constructor(worker = 1) {
    this.#worker = BigInt(worker & 0x1f);
  }

  next(at = Date.now()): string {
    let ms = BigInt(at);
    if (ms <= this.#lastMs) {
      this.#increment += 1n;
      if (this.#increment > 0xfffn) {
        this.#lastMs += 1n;
        this.#increment = 0n;
      }
      ms = this.#lastMs;
    } else {
      this.#lastMs = ms;
      this.#increment = 0n;
    }
    return String(((ms - DISCORD_EPOCH) << 22n) | (this.#worker << 17n) | this.#increment);
  }
}

/** When a snowflake was made, in ms since the Unix epoch. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value);
}

export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
