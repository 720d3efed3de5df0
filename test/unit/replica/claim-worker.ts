/**
 * Claims a replica identity on a directory in its own process, prints it as one JSON line, and holds it until
 * killed: node claim-worker.ts <dir>
 */
import { claimReplicaIdentity } from '../../../src/replica.ts';

const identity = claimReplicaIdentity({ dir: process.argv[2] ?? '.' });
process.stdout.write(
  `${JSON.stringify({ id: identity.id, source: identity.source, file: identity.file })}\n`,
);
setInterval(() => undefined, 60_000);
