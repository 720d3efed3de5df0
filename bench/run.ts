/**
 * `npm run bench [name...]`: runs every bench/*.bench.ts (or those whose name contains one of the
 * arguments), one after another in its own process so one benchmark's garbage does not slow the next.
 * Benchmarks print figures; nothing is asserted on time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}

let failures = 0;
for (const file of files) {
  console.log(`\n== ${file.replace('.bench.ts', '')}`);
  const result = spawnSync(process.execPath, ['--expose-gc', join(benchDir, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failures++;
    console.log(`!! ${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
