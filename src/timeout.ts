/**
 * Settles with `work`'s outcome or, when that takes longer than `ms`, with what `late()` returns or throws.
 * The timer is cleared either way. `work` itself goes on: nothing here can cancel it.
 */
export async function withTimeout<T, L = T>(work: Promise<T>, ms: number, late: () => L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<L>((resolve, reject) => {
    timer = setTimeout(
      () => {
        try {
          resolve(late());
        } catch (error) {
          reject(error);
        }
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
