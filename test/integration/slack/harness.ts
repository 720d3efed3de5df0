/**
 * Shared set-up for the Slack adapter's socket tests: a fake Slack with a workspace, an adapter pointed at
 * it, handlers that record what the adapter hands over, and a logger whose lines can be read (also the
 * Slack end-to-end world's).
 */
import { Writable } from 'node:stream';
import { channelTarget, userTarget } from '../../../adapters/slack/ids.ts';
import { SlackAdapter, type SlackAdapterOptions } from '../../../adapters/slack/slack-adapter.ts';
import type { CommandEvent, InboundHandlers, ReactionEvent } from '../../../src/chat/types.ts';
import { createLogger, type Logger } from '../../../src/log.ts';
import { type FakeChannel, FakeSlack, type FakeUser } from '../../fakes/slack-server.ts';

/** Log lines as objects, for waiting on what the adapter or the bot did and asserting on it. */
export class LogLines extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim() !== '') this.lines.push(JSON.parse(line));
    callback();
  }
  messages(): string[] {
    return this.lines.map((line) => String(line.msg));
  }
  withMessage(msg: string): Array<Record<string, unknown>> {
    return this.lines.filter((line) => line.msg === msg);
  }
}

/** A logger set up as the bot's own (src/log.ts, redaction included), at debug level, into `logs`. */
export function recordingLogger(): { logger: Logger; logs: LogLines } {
  const logs = new LogLines();
  return { logger: createLogger({ level: 'debug', destination: logs }), logs };
}

export class Inbox implements InboundHandlers {
  readonly commands: CommandEvent[] = [];
  readonly reactions: ReactionEvent[] = [];
  onEachCommand: (event: CommandEvent) => Promise<void> = async () => {};
  async onCommand(event: CommandEvent): Promise<void> {
    this.commands.push(event);
    await this.onEachCommand(event);
  }
  async onReaction(event: ReactionEvent): Promise<void> {
    this.reactions.push(event);
  }
}

export interface Workspace {
  fake: FakeSlack;
  ada: FakeUser;
  papers: FakeChannel;
  /** `slack:<team>:<papers channel>` */
  channel: string;
  /** `slack:<team>:@<ada>` */
  user: string;
  logs: LogLines;
  logger: Logger;
  adapter(options?: Partial<SlackAdapterOptions>): SlackAdapter;
}

export async function workspace(options: { teamId?: string } = {}): Promise<Workspace> {
  const fake = await FakeSlack.start({ ...options, pingIntervalMs: 200 });
  const ada = fake.addUser('ada');
  const papers = fake.addChannel({ name: 'papers', members: [ada.id] });
  const { logger, logs } = recordingLogger();
  return {
    fake,
    ada,
    papers,
    channel: channelTarget(fake.teamId, papers.id),
    user: userTarget(fake.teamId, ada.id),
    logs,
    logger,
    adapter: (overrides = {}) =>
      new SlackAdapter({
        botToken: fake.botToken,
        appToken: fake.appToken,
        apiUrl: fake.apiUrl,
        logger,
        minPostIntervalMs: 0,
        retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
        ...overrides,
      }),
  };
}
