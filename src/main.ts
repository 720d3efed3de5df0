/**
 * `npm start`. Until the chat bot core lands, this is the classic daily run: today's listing, ranked by the
 * config's keywords, summarized, written to data/digest.md and data/digest.xml and printed.
 */
import { runCli } from './cli.ts';

export interface MainOptions {
  configPath?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function main(options: MainOptions): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, env: options.env, cwd: options.cwd };
  const config = options.configPath ? ['--config', options.configPath] : [];
  const markdown = await runCli(['digest', ...config, '--out', 'data/digest.md'], io);
  if (markdown !== 0) return markdown;
  return runCli(['digest', ...config, '--format', 'rss', '--out', 'data/digest.xml'], io);
}

if (import.meta.main) {
  process.exitCode = await main({ env: process.env, cwd: process.cwd() });
}
