/**
 * What the property-based fuzz files (test/fuzz/*.fuzz.test.ts) share: the seed, the run counts, and the
 * arbitraries of hostile text.
 *
 * Seeded and bounded: every property runs a fixed number of times from one fixed seed, so `npm test` runs
 * the same inputs every time and takes the same few seconds. A failure prints the seed (fast-check's
 * `{ seed, path }` line, and a replay line below it) and the shrunk counterexample. To replay a failure, or to
 * look further than the fixed seed does:
 *
 *   FUZZ_SEED=12345 npx vitest run test/fuzz          another seed (a failure's, or a new one)
 *   FUZZ_SCALE=20 npx vitest run test/fuzz            20 times the runs of every property
 *
 * A counterexample found this way is kept as a regular unit test next to the code's other tests.
 */
import fc from 'fast-check';

/** The seed of `npm test`. FUZZ_SEED replaces it (any integer). */
export const DEFAULT_SEED = 20_260_206;

function readSeed(): number {
  const raw = process.env.FUZZ_SEED?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not "${raw}".`);
  // fast-check takes a 32-bit seed.
  return seed | 0;
}

function readScale(): number {
  const raw = process.env.FUZZ_SCALE?.trim();
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!(scale > 0)) throw new Error(`FUZZ_SCALE must be a positive number, not "${raw}".`);
  return scale;
}

export const FUZZ_SEED = readSeed();
const SCALE = readScale();

/** The runs of a property: `runs` scaled by FUZZ_SCALE, at least one. */
export function runsOf(runs: number): number {
  return Math.max(1, Math.round(runs * SCALE));
}

/**
 * Checks a property (sync or async) with the fuzz seed and `runs` runs. On failure the error holds
 * fast-check's report (seed, path, counterexample, the error it got) and how to replay it.
 */
export async function fuzz<Ts>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  runs: number,
): Promise<void> {
  const numRuns = runsOf(runs);
  try {
    await fc.assert(property as fc.IRawProperty<Ts>, { seed: FUZZ_SEED, numRuns });
  } catch (error) {
    const report = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${report}\n\nFuzz seed ${FUZZ_SEED} (${numRuns} runs). Replay: FUZZ_SEED=${FUZZ_SEED} npx vitest run test/fuzz`,
      { cause: error },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------------------------------------

/** Pieces that mean something to a chat platform, a terminal, Markdown, or this bot's grammars. */
export const HOSTILE_PIECES = [
  // Mentions and broadcasts, Slack's and Discord's.
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123|@team>',
  '<@U123>',
  '<@U123|ann>',
  '<@!123456789012345678>',
  '<@123456789012345678>',
  '<@&123456789012345678>',
  '<#C123|general>',
  '<#123456789012345678>',
  '</arxiv:123456789012345678>',
  '<:tada:123456789012345678>',
  '<t:1700000000:R>',
  '@everyone',
  '@here',
  '@channel',
  '＠everyone',
  '@\u200beveryone',
  // Links, real and forged.
  '<https://evil.example/phish|https://arxiv.org/abs/2401.00001>',
  '[https://arxiv.org/abs/2401.00001](https://evil.example/phish)',
  'https://arxiv.org/abs/2401.01234v2',
  'arxiv.org/pdf/hep-th/9504118',
  'http://evil.example/?a=<b>&c=d',
  '<mailto:someone@example.com>',
  // Quotes and separators of the grammars.
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '«',
  '»',
  ',',
  '，',
  ';',
  '-',
  '−',
  '--share',
  '\\',
  // Markdown and mrkdwn.
  '*',
  '**',
  '_',
  '~',
  '~~',
  '`',
  '```',
  '||',
  '> ',
  '# ',
  '-# ',
  '&amp;',
  '&lt;',
  '&',
  '<',
  '>',
  '|',
  '[',
  ']',
  '(',
  ')',
  // Control and invisible characters: NUL, escape sequences, C1, bidi, zero-width, BOM, line separators.
  '\u0000',
  '\u0007',
  '\b',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\v',
  '\f',
  '\u001b[2J\u001b[31m',
  '\u001b]8;;https://evil.example\u0007x\u001b]8;;\u0007',
  '\u009b2J',
  '\u0085',
  '\u00ad',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\u{1F4DD}',
  '\u{1F44D}\u{1F3FD}',
  'e\u0301',
  '\u0301',
  'ﬁ',
  'ｓｕｂｓｃｒｉｂｅ',
  '９：３０',
  'עברית',
  'العربية',
  '中文',
] as const;

/** Words of the /arxiv grammar and values its arguments take. */
export const GRAMMAR_WORDS = [
  'arxiv',
  '/arxiv',
  'search',
  'subscribe',
  'unsubscribe',
  'follow',
  'unfollow',
  'list',
  'categories',
  'schedule',
  'digest',
  'summary',
  'top',
  'feed',
  'public',
  'help',
  'me',
  'all',
  'week',
  'month',
  'on',
  'off',
  'revoke',
  'SUBSCRIBE',
  'Me',
  'LLM',
  'mixture of experts',
  '"mixture of experts"',
  '-survey',
  '-"systematic review"',
  'RL',
  'translation',
  'cs.AI',
  'cs.lg',
  'CS.CL',
  'math.GT',
  'hep-th',
  'cs.XX',
  'astro-ph',
  '9am',
  '7:30 p.m.',
  '08:30',
  '12am',
  '25:00',
  '9',
  '13pm',
  'Europe/Berlin',
  'europe/berlin',
  'new york',
  'Berlin',
  'UTC',
  'UTC+2',
  'EST',
  'Mars/Olympus',
  '2401.01234',
  '2401.01234v2',
  '2602.01001',
  'hep-th/9504118',
  'math.GT/0309136v1',
  'arXiv:2401.01234',
  '0704.0001',
  '1234.5',
] as const;

/** One piece of hostile text: a known piece, a grammar word, or arbitrary code points (lone surrogates too). */
export const hostilePiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 4, arbitrary: fc.constantFrom(...GRAMMAR_WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '  ', ' ', '\u3000') },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      maxLength: 4,
    }),
  },
);

/** Text made of hostile pieces, usually short; now and then one piece repeated to near or past 2,000 characters. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.array(hostilePiece, { maxLength: 12 }).map((pieces) => pieces.join('')) },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(hostilePiece, fc.constantFrom(' ', '', ', ', '\n')), { maxLength: 10 })
      .map((pairs) => pairs.flat().join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', 'subscribe ', 'search ', 'me subscribe ', 'categories '),
        hostilePiece,
        fc.integer({ min: 1, max: 2100 }),
      )
      .map(([head, piece, times]) => head + piece.repeat(Math.ceil(times / Math.max(1, piece.length)))),
  },
);

/** Arguments as people type them: grammar words and hostile pieces, separated by spaces or commas. */
export const argumentText: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...GRAMMAR_WORDS) },
        { weight: 1, arbitrary: hostilePiece },
      ),
      fc.constantFrom(' ', ', ', ',', '\n', ' - ', ''),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.flat().join(''));

const COMMAND_HEADS = [
  'search',
  'subscribe',
  'unsubscribe',
  'follow',
  'unfollow',
  'list',
  'categories',
  'schedule',
  'digest',
  'summary',
  'top',
  'feed',
  'public',
  'help',
  'me',
  'me subscribe',
  'me unsubscribe',
  'me follow',
  'me unfollow',
  'me list',
  'me categories',
  'me schedule',
  'me top',
  'me digest',
  'Subscribe',
  'ＳＵＢＳＣＲＩＢＥ',
] as const;

/** The text of an /arxiv command: a subcommand (sometimes after a bot mention or /arxiv), then arguments. */
export const commandLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: hostileText },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '', '', '/arxiv ', 'arxiv ', '<@U0BOT> ', ' \u200b'),
        fc.constantFrom(...COMMAND_HEADS),
        fc.constantFrom(' ', '  ', '\n', ''),
        fc.oneof({ weight: 3, arbitrary: argumentText }, { weight: 1, arbitrary: hostileText }),
        fc.constantFrom('', '', '', ' --share', ' --SHARE '),
      )
      .map((parts) => parts.join('')),
  },
);

/** Short hostile text, for the fields of a payload or a paper. */
export const hostileLine: fc.Arbitrary<string> = fc
  .array(hostilePiece, { maxLength: 6 })
  .map((pieces) => pieces.join(''));

/** What may fill a field of an untrusted payload: anything JSON holds, and some things it does not. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileLine },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 0, -1, Number.NaN, true, false, '', [], {}) },
);
