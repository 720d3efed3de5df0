import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `.env` from the working directory into `env` (process.env at the entry points: `npm start`, the CLI,
 * `npm run register:discord`), as `docker run --env-file` or `node --env-file` would: a variable already set
 * in the environment wins, even when empty. Node's own parser reads the values (quotes, `export`, multi-line
 * double-quoted values, comments); lines it would skip without a word are reported here. A missing .env is
 * silent. Returns the warnings, which name the file and the line but never echo a value.
 */
export function loadDotEnv(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const path = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    return [`${path} cannot be read (${code ?? String(error)}); its variables are not set.`];
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
  return malformedLines(text).map((line) => `${path} line ${line} is ignored: it is not NAME=value.`);
}

const ASSIGNMENT = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=/;

/** The numbers of the lines that are neither blank, a comment, nor an assignment (or part of a quoted value). */
function malformedLines(text: string): number[] {
  const bad: number[] = [];
  let openQuote: string | null = null;
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\n|\r/);
  lines.forEach((line, index) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT.exec(trimmed);
    if (!match) {
      bad.push(index + 1);
      return;
    }
    const value = trimmed.slice(match[0].length).trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      if (!value.slice(1).includes(quote)) openQuote = quote;
    }
  });
  return bad;
}
