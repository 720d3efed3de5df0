import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';

/*
 * Real Redis and PostgreSQL servers for tests, each started for one test file on a free 127.0.0.1 port in a
 * temporary directory, and stopped (the directory removed) after it. `.ci/run` installs Debian's
 * redis-server and postgresql; on a machine without them a developer's run skips the block with the
 * reason printed, and CI (CI set) fails it.
 *
 * PostgreSQL refuses to run as root: as root, initdb and postgres run as the "postgres" user that Debian's
 * package creates, in a directory handed over to it.
 */

export type ServerKind = 'redis' | 'postgres';

export interface TestServer {
  readonly kind: ServerKind;
  /** The URL a store opens, password included. */
  readonly url: string;
  readonly password: string;
  readonly port: number;
  /** Stops the server, keeping its data directory and port for `start()`. */
  stop(): Promise<void>;
  /**
   * Freezes the server process (SIGSTOP): connections stay open and nothing answers, as across a network
   * partition. For Redis that is the whole server; for PostgreSQL only the postmaster (new connections).
   */
  pause(): void;
  /** Lets a paused server run on (SIGCONT). */
  resume(): void;
  /** Starts a stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server for good and removes its directory. */
  dispose(): Promise<void>;
}

const SERVER_PASSWORD = 'pw-Sekr3t-for-tests';
const READY_TIMEOUT_MS = 30_000;

/** Why this kind of server cannot be started here, or undefined if it can. */
function unavailableReason(kind: ServerKind): string | undefined {
  if (kind === 'redis') {
    return findOnPath('redis-server')
      ? undefined
      : 'redis-server is not installed (apt-get install redis-server)';
  }
  if (!postgresBin()) return 'PostgreSQL is not installed (apt-get install postgresql)';
  if (process.getuid?.() === 0 && postgresUser() === undefined) {
    return 'running as root and there is no "postgres" user for PostgreSQL to run as';
  }
  return undefined;
}

/**
 * A describe block with a real server running for its tests; `server()` gives it once started. Where the
 * server cannot be started, CI fails the block and a developer's run skips it with the reason printed.
 */
export function describeWithServer(kind: ServerKind, name: string, body: (server: () => TestServer) => void) {
  const reason = unavailableReason(kind);
  if (reason !== undefined) {
    if (process.env.CI) {
      describe(name, () => {
        throw new Error(`${name}: ${reason}; CI must provide it (.ci/run installs it)`);
      });
      return;
    }
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(name, () => body(() => notStarted(kind)));
    return;
  }
  describe(name, () => {
    let running: TestServer | undefined;
    beforeAll(async () => {
      running = await startServer(kind);
    });
    afterAll(async () => {
      await running?.dispose();
    });
    body(() => running ?? notStarted(kind));
  });
}

function notStarted(kind: ServerKind): never {
  throw new Error(`the ${kind} test server is not running`);
}

function startServer(kind: ServerKind): Promise<TestServer> {
  return kind === 'redis' ? startRedis() : startPostgres();
}

async function startRedis(): Promise<TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-redis-'));
  return manage({
    kind: 'redis',
    url: (port) => `redis://:${SERVER_PASSWORD}@127.0.0.1:${port}`,
    directory,
    launch: (port) =>
      launch(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', directory],
          ...['--save', '', '--appendonly', 'no', '--requirepass', SERVER_PASSWORD],
        ],
        { readyLine: /Ready to accept connections/ },
      ),
    stopSignal: 'SIGTERM',
  });
}

async function startPostgres(): Promise<TestServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed');
  const directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-postgres-'));
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (runAs) chownSync(directory, runAs.uid, runAs.gid);
  const data = join(directory, 'data');
  const passwordFile = join(directory, 'password');
  writeFileSync(passwordFile, `${SERVER_PASSWORD}\n`);
  if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'arxiv', `--pwfile=${passwordFile}`, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8'],
    { cwd: directory, stdio: 'pipe', ...runAs },
  );
  return manage({
    kind: 'postgres',
    url: (port) => `postgres://arxiv:${SERVER_PASSWORD}@127.0.0.1:${port}/postgres`,
    directory,
    launch: (port) =>
      launch(
        join(bin, 'postgres'),
        [
          ...['-D', data, '-p', String(port), '-k', directory, '-c', 'listen_addresses=127.0.0.1'],
          // A throwaway cluster: durability is not wanted, speed is.
          ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
          ...['-c', 'max_connections=60'],
        ],
        { readyLine: /database system is ready to accept connections/, cwd: directory, ...runAs },
      ),
    // Fast shutdown: open connections are closed by the server, as on a restart.
    stopSignal: 'SIGINT',
  });
}

interface Managed {
  kind: ServerKind;
  url(port: number): string;
  directory: string;
  launch(port: number): Promise<ChildProcess>;
  stopSignal: NodeJS.Signals;
}

/** Children still running when the test process exits are killed, so no server outlives a crashed run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function manage(server: Managed): Promise<TestServer> {
  const [port, started] = await launchOnFreePort(server);
  let child: ChildProcess | undefined = started;
  const halt = async (signal: NodeJS.Signals) => {
    const current = child;
    child = undefined;
    if (current) await terminate(current, signal);
  };
  const signal = (name: NodeJS.Signals) => {
    if (!child) throw new Error(`the ${server.kind} test server is not running`);
    child.kill(name);
  };
  return {
    kind: server.kind,
    url: server.url(port),
    password: SERVER_PASSWORD,
    port,
    stop: () => halt(server.stopSignal),
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async start() {
      if (child) throw new Error(`the ${server.kind} test server is already running`);
      child = await server.launch(port);
    },
    async dispose() {
      child?.kill('SIGCONT');
      await halt(server.stopSignal);
      rmSync(server.directory, { recursive: true, force: true });
    },
  };
}

/** Another process may take the free port before the server binds it; then another port is tried. */
async function launchOnFreePort(server: Managed): Promise<[number, ChildProcess]> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return [port, await server.launch(port)];
    } catch (error) {
      if (attempt >= 3 || !/in use|could not (create|bind)/i.test(String(error))) throw error;
    }
  }
}

async function launch(
  command: string,
  args: string[],
  options: { readyLine: RegExp; cwd?: string; uid?: number; gid?: number },
): Promise<ChildProcess> {
  const { readyLine, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} was not ready after ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full one.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** A port nothing listens on now: the kernel picks one for a moment's listener, which then closes. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The directory holding initdb and postgres: on PATH, or Debian's /usr/lib/postgresql/<newest>/bin. */
function postgresBin(): string | undefined {
  const onPath = findOnPath('initdb');
  if (onPath && findOnPath('postgres')) return dirname(onPath);
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const newest = readdirSync(debian)
    .filter((version) => existsSync(join(debian, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(debian, newest, 'bin');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
