#!/usr/bin/env node
// Launcher for the `arxiv-digest` command. The code is TypeScript run by Node's type stripping, which needs
// Node 24. On an older Node, re-run with the Node 24 that `npm ci` put in node_modules (the pinned `node`
// devDependency); if there is none, say what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'src', 'cli.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(pathToFileURL(cli).href);
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `arxiv-digest needs Node.js 24 or newer (this is ${process.version}). Run \`npm ci\` in ${root} to get the pinned Node 24, or install Node 24.\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(pinned, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
