/**
 * This replica's identity: the `holder` of the leases it takes in the store (the scheduler's leader lease,
 * each delivery's lease). A lease names its holder, and `LeaseRepository.acquire` lets the same holder take
 * its lease back at once, while anyone else waits for it to expire (90 s for the leader lease). So the
 * identity must be
 *
 * - the same after a restart of the same replica (a crash, `kill -9`, a container restarted on its volume):
 *   the restarted process takes back the leases its dead self held, instead of waiting them out;
 * - different for two replicas that run at the same time on one shared store, even when they share a data
 *   directory (two `npm start` in one working directory, as test/e2e/slack/http-replicas.test.ts does): one
 *   holder in two live processes would let both lead and both post.
 *
 * `REPLICA_ID` from the environment, when set, is the identity, as it is: the operator promises that no two
 * running replicas share it (a StatefulSet's pod name, say). Otherwise the identity is claimed from the data
 * directory (`output.dir`): a few slot files `<output.dir>/replica-id/<n>.sqlite`, each holding one random id
 * made the first time the slot was used. A process takes the first slot no living process holds, and holds it
 * with an exclusive SQLite lock on that file for as long as it runs. The lock is an OS file lock (fcntl), so
 * the kernel drops it when the process dies, however it dies: a process restarted after `kill -9` finds slot
 * 0 free again and is slot 0's identity again, while a second process started beside a live one gets slot 1,
 * another identity. The lock, not a pid file, decides: pids are reused (a container's bot is often pid 1
 * after every restart), a lock of a dead process is never left behind. Two processes that restart together
 * may swap slots; that is harmless, since a slot is free only when its previous holder is dead, so taking
 * back its leases never takes them from a live replica.
 *
 * Why the data directory: for the embedded SQLite store it is where the state is, so it is the same
 * deployment exactly when it is the same directory. With Redis or Postgres, replicas on other machines or in
 * other containers have their own data directories (their own volumes), hence their own slot files and
 * identities; replicas that share a directory share the slot files and the locks tell them apart. The one
 * case this does not cover is a data directory on a network file system whose locks do not work (some NFS
 * setups): set REPLICA_ID per replica there. When the directory cannot be written (read-only), the identity
 * is random for this process, as before: correct, only slower to take over after a crash.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface ReplicaIdentity {
  /** The lease holder. */
  id: string;
  /** Where it came from: REPLICA_ID, a claimed slot of the data directory, or made up for this process. */
  source: 'env' | 'slot' | 'random';
  /** The slot file held, for `source: 'slot'`. */
  file: string | null;
  /** Why the data directory gave no identity, for `source: 'random'`. */
  problem: string | null;
  /** Lets the slot go (at shutdown); the OS does it anyway when the process ends. */
  release(): void;
}

export interface ReplicaIdentityOptions {
  /** REPLICA_ID, when set. */
  configured?: string | undefined;
  /** The data directory (`output.dir`, resolved). */
  dir: string;
  /** Slots tried before giving up on the directory. Default 64: more live processes on one directory than that is a mistake. */
  maxSlots?: number;
}

/** The folder of slot files in the data directory. */
export const REPLICA_ID_DIR = 'replica-id';

/** Claims this process's identity (see above). Never throws: a directory that fails gives a random id. */
export function claimReplicaIdentity(options: ReplicaIdentityOptions): ReplicaIdentity {
  const nothing = () => undefined;
  if (options.configured !== undefined) {
    return { id: options.configured, source: 'env', file: null, problem: null, release: nothing };
  }
  const folder = join(options.dir, REPLICA_ID_DIR);
  const maxSlots = options.maxSlots ?? 64;
  let problem = `all ${maxSlots} slots under ${folder} are held by running processes`;
  try {
    mkdirSync(folder, { recursive: true });
    for (let slot = 0; slot < maxSlots; slot++) {
      const file = join(folder, `${slot}.sqlite`);
      const claimed = claimSlot(file);
      if (claimed === null) continue;
      let released = false;
      return {
        id: claimed.id,
        source: 'slot',
        file,
        problem: null,
        release: () => {
          if (released) return;
          released = true;
          claimed.db.close();
        },
      };
    }
  } catch (error) {
    problem = `${folder}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { id: randomUUID(), source: 'random', file: null, problem, release: nothing };
}

/**
 * Opens a slot file and takes its exclusive lock, keeping it (locking_mode EXCLUSIVE: the connection never
 * lets go of a lock it took until it is closed). Null when another connection, in this process or another,
 * holds it. Reads the slot's id, or writes a new one the first time.
 */
function claimSlot(file: string): { id: string; db: DatabaseSync } | null {
  // timeout 0: a held slot answers "busy" at once instead of waiting for it.
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isBusy(error)) return null;
    throw error;
  }
  try {
    db.exec('CREATE TABLE IF NOT EXISTS identity (id TEXT NOT NULL)');
    const row = db.prepare('SELECT id FROM identity LIMIT 1').get() as { id?: unknown } | undefined;
    let id = typeof row?.id === 'string' && row.id !== '' ? row.id : null;
    if (id === null) {
      id = randomUUID();
      db.exec('DELETE FROM identity');
      db.prepare('INSERT INTO identity (id) VALUES (?)').run(id);
    }
    db.exec('COMMIT');
    return { id, db };
  } catch (error) {
    db.close();
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with or without an extended code.
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}
