import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimReplicaIdentity, type ReplicaIdentity } from '../../../src/replica.ts';

const WORKER = join(import.meta.dirname, 'claim-worker.ts');

const dirs: string[] = [];
const held: ReplicaIdentity[] = [];
const children: ChildProcess[] = [];

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-replica-'));
  dirs.push(dir);
  return dir;
}

function claim(dir: string, configured?: string): ReplicaIdentity {
  const identity = claimReplicaIdentity({ dir, configured });
  held.push(identity);
  return identity;
}

interface Claimed {
  id: string;
  source: string;
  file: string | null;
}

/** A process holding an identity claimed on `dir`, and what it claimed. */
async function claimInChild(dir: string): Promise<{ child: ChildProcess; claimed: Claimed }> {
  const child = spawn(process.execPath, [WORKER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const claimed = await new Promise<Claimed>((found, failed) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) found(JSON.parse(line) as Claimed);
    });
    child.on('exit', (code) => failed(new Error(`the worker exited with ${code}: ${err}`)));
  });
  return { child, claimed };
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const identity of held.splice(0)) identity.release();
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) await killHard(child);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('claimReplicaIdentity', () => {
  it('takes REPLICA_ID as it is, claiming nothing', () => {
    const dir = freshDir();
    const identity = claim(dir, 'bot-0');
    expect(identity).toMatchObject({ id: 'bot-0', source: 'env', file: null });
    // Nothing claimed: a process without REPLICA_ID gets the first slot.
    expect(claim(dir).file).toBe(join(dir, 'replica-id', '0.sqlite'));
  });

  it('is the same identity after the holder lets it go (a restart on the same data directory)', () => {
    const dir = freshDir();
    const first = claim(dir);
    expect(first.source).toBe('slot');
    first.release();
    const again = claim(dir);
    expect(again.id).toBe(first.id);
    expect(again.file).toBe(first.file);
  });

  it('gives a second holder on the same directory, while the first lives, another identity', () => {
    const dir = freshDir();
    const a = claim(dir);
    const b = claim(dir);
    expect(b.source).toBe('slot');
    expect(b.id).not.toBe(a.id);
    // Each keeps its own identity across its restart.
    b.release();
    expect(claim(dir).id).toBe(b.id);
    a.release();
    expect(claim(dir).id).toBe(a.id);
  });

  it('gives two processes started at once on one directory two identities', async () => {
    const dir = freshDir();
    const [a, b] = await Promise.all([claimInChild(dir), claimInChild(dir)]);
    expect(a.claimed.source).toBe('slot');
    expect(b.claimed.source).toBe('slot');
    expect(a.claimed.id).not.toBe(b.claimed.id);
  });

  it('frees a slot when its holder is killed with SIGKILL: the next process is that identity again', async () => {
    const dir = freshDir();
    const { child, claimed } = await claimInChild(dir);
    // While it lives, the slot is not free.
    const beside = claim(dir);
    expect(beside.id).not.toBe(claimed.id);
    beside.release();
    await killHard(child);
    const restarted = await claimInChild(dir);
    expect(restarted.claimed.id).toBe(claimed.id);
    expect(restarted.claimed.file).toBe(claimed.file);
  });

  it('falls back to a random identity, saying why, when the directory cannot hold the slots', () => {
    const dir = freshDir();
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, '');
    const first = claim(file);
    const second = claim(file);
    expect(first.source).toBe('random');
    expect(first.problem).toContain('replica-id');
    expect(second.id).not.toBe(first.id);
  });

  it('gives up on the directory when every slot is held', () => {
    const dir = freshDir();
    const only = claimReplicaIdentity({ dir, maxSlots: 1 });
    held.push(only);
    expect(only.source).toBe('slot');
    const full = claimReplicaIdentity({ dir, maxSlots: 1 });
    expect(full.source).toBe('random');
    expect(full.problem).toContain('held by running processes');
  });
});
