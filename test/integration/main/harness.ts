import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/arxiv-server.ts';

/*
 * Starting the real `npm start` (node src/main.ts) in a child process, as a user does: without chat
 * credentials or a terminal, against the fake arXiv, on a free port. Processes a test leaves running are
 * killed after it, by pid.
 */

export const root = resolve(import.meta.dirname, '../../..');
const main = join(root, 'src/main.ts');
const listing = readFileSync(join(root, 'test/fixtures/arxiv/listing.rss.xml'));

/** A config that starts: the listing fixture's categories, one term, no model. */
export const GOOD = {
  categories: ['cs.CL', 'cs.LG'],
  keywords: ['translation'],
  ai_summary: { enabled: false },
};

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  logs: () => Array<Record<string, unknown>>;
  exit: Promise<number | null>;
}

export interface StartHarness {
  /** Follows a child's output; it is killed after the test if still running. */
  watch(child: ChildProcess): Running;
  /** Marks more processes to kill after the test. */
  track(pids: readonly number[]): void;
  /** The environment of a run without chat credentials, against the fake arXiv, on a free port. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** `node src/main.ts <args>` in `cwd`. */
  start(args: string[], cwd: string, env?: Record<string, string>): Running;
}

/** Registers the fake arXiv and the clean-up with the enclosing test file. */
export function useStartHarness(): StartHarness {
  let arxiv: FakeArxiv;
  const started = new Set<number>();
  beforeAll(async () => {
    arxiv = await startFakeArxiv({ recordings: false });
    arxiv.setListing(listing);
  });
  afterAll(async () => {
    await arxiv.close();
  });
  afterEach(() => {
    for (const pid of started) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    started.clear();
  });
  const watch = (child: ChildProcess): Running => {
    if (child.pid) started.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const logs = () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { child, stdout: () => stdout, stderr: () => stderr, logs, exit };
  };
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: tmpdir(),
    ARXIV_RSS_URL: arxiv.rssUrl,
    ARXIV_API_URL: arxiv.apiUrl,
    ARXIV_MIN_INTERVAL_MS: '0',
    PORT: '0',
    ...extra,
  });
  return {
    watch,
    track: (pids) => {
      for (const pid of pids) started.add(pid);
    },
    env,
    start: (args, cwd, environment) =>
      watch(
        spawn(process.execPath, [main, ...args], {
          cwd,
          env: environment ?? env(),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      ),
  };
}

/** A fresh working directory, with this config.json unless none is given. */
export function freshDir(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-start-'));
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

export async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

/** Resolves when the bot says it runs. */
export const running = (bot: Running) =>
  waitFor(() => bot.logs().find((line) => line.msg === 'arxiv-digest running'), 'arxiv-digest running');

/** Whether a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of a process's descendants. */
export function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** A process's command line, from /proc. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}
