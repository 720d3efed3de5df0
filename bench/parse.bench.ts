/**
 * Parsing the real 1,504-item rss.arxiv.org listing (2.8 MB): parseFeed from the bytes to Papers, against
 * Debian's python3-feedparser (the classic daily script's parser) on the same bytes, timed inside the Python
 * process so its start-up is not counted. Prints medians, MB/s and the ratio of the medians of this run.
 * Also prints how much of parseFeed is fast-xml-parser's XMLValidator, which checks the whole document first,
 * and, for comparison, the time of validation plus fast-xml-parser's XMLParser (objects only, no Papers).
 * The two are timed in alternating rounds so that other load on the machine weighs on both alike.
 *
 *   node_modules/.bin/node bench/parse.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseFeed } from '../src/arxiv/feed.ts';
import { hasSharedFixtures, sharedFixturePath } from '../test/support/shared-fixtures.ts';

const FEED = 'arxiv/rss/aioarxiv_rss_mock_feed.xml';
const WARMUP_RUNS = 5;
/** Both parsers are timed in alternating rounds, so a change in the machine's load hits both alike. */
const ROUNDS = 6;
const RUNS_PER_ROUND = 6;
const PYTHON_RUNS_PER_ROUND = 2;
/** Runs for the breakdown figures (XMLValidator alone, XMLParser for comparison). */
const BREAKDOWN_RUNS = 11;
const PYTHON = '/usr/bin/python3';

const FEEDPARSER_SCRIPT = `
import json, sys, time
try:
    import feedparser
except ImportError:
    print(json.dumps({"missing": True}))
    sys.exit(0)
data = open(sys.argv[1], "rb").read()
runs = int(sys.argv[2])
entries = len(feedparser.parse(data).entries)
times = []
for _ in range(runs):
    start = time.perf_counter()
    feedparser.parse(data)
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"entries": entries, "version": feedparser.__version__, "times": times}))
`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function timeRuns(runs: number, action: () => unknown): number[] {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    action();
    times.push(performance.now() - start);
  }
  return times;
}

function feedparserTimes(path: string): { entries: number; version: string; times: number[] } | string {
  if (!existsSync(PYTHON)) return `skipped: ${PYTHON} not found; install python3 and python3-feedparser`;
  const result = spawnSync(PYTHON, ['-c', FEEDPARSER_SCRIPT, path, String(PYTHON_RUNS_PER_ROUND)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) return `skipped: feedparser failed: ${result.stderr.trim()}`;
  const output = JSON.parse(result.stdout) as {
    missing?: boolean;
    entries: number;
    version: string;
    times: number[];
  };
  if (output.missing) return 'skipped: install python3-feedparser (apt-get install -y python3-feedparser)';
  return output;
}

if (!hasSharedFixtures) {
  console.log(`skipped: the shared fixtures (${sharedFixturePath(FEED)}) are not there`);
  process.exit(0);
}

const path = sharedFixturePath(FEED);
const bytes = readFileSync(path);
const megabytes = bytes.length / 1e6;
const papers = parseFeed(bytes).papers.length;

timeRuns(WARMUP_RUNS, () => parseFeed(bytes));
const ourTimes: number[] = [];
const theirTimes: number[] = [];
let feedparser: { entries: number; version: string } | undefined;
let skipped: string | undefined;
for (let round = 0; round < ROUNDS; round++) {
  ourTimes.push(...timeRuns(RUNS_PER_ROUND, () => parseFeed(bytes)));
  if (skipped) continue;
  const result = feedparserTimes(path);
  if (typeof result === 'string') skipped = result;
  else {
    feedparser = result;
    theirTimes.push(...result.times);
  }
}
const ours = median(ourTimes);
const text = bytes.toString('utf8');
const validation = median(timeRuns(BREAKDOWN_RUNS, () => XMLValidator.validate(text)));
// The direct use of fast-xml-parser, for comparison: validation plus its object builder, no Papers yet.
const objectParser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const direct = median(
  timeRuns(BREAKDOWN_RUNS, () => {
    XMLValidator.validate(text);
    objectParser.parse(text);
  }),
);

const rate = (ms: number) => `${(megabytes / (ms / 1000)).toFixed(1)} MB/s`;
console.log(`feed: ${FEED}, ${bytes.length.toLocaleString('en')} bytes, ${papers} papers`);
console.log(
  `parseFeed:  median ${ours.toFixed(1)} ms over ${ourTimes.length} runs, ${rate(ours)}` +
    ` (of which XMLValidator alone takes ${validation.toFixed(1)} ms)`,
);
console.log(
  `XMLValidator + XMLParser objects, for comparison: median ${direct.toFixed(1)} ms, ${rate(direct)}`,
);
if (skipped || !feedparser) {
  console.log(`feedparser: ${skipped}`);
} else {
  const theirs = median(theirTimes);
  console.log(
    `feedparser: median ${theirs.toFixed(1)} ms over ${theirTimes.length} runs, ${rate(theirs)}` +
      ` (python3-feedparser ${feedparser.version}, ${feedparser.entries} entries)`,
  );
  console.log(`ratio:      parseFeed is ${(theirs / ours).toFixed(1)}x faster than feedparser (aim: 15x)`);
}
