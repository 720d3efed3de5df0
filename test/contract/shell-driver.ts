/**
 * The shell's side for the contract suite and the shell's own tests: an output stream that records what the
 * shell printed (and can hold writes in flight, like a full pipe), a parser that reads the transcript back
 * the way a person reads it (numbers, indentation, labels), and the ContractDriver built on both.
 */
import { type PassThrough, Writable } from 'node:stream';
import type { TargetId, UserId } from '../../src/chat/types.ts';
import type { ContractDriver, Shown, ShownAnswer, ShownMessage } from './driver.ts';
import { linksInPlainText } from './plain-links.ts';

export class RecordingOutput extends Writable {
  readonly isTTY: boolean;
  readonly columns = 100;
  #chunks: string[] = [];
  #holding = false;
  #pending: Array<() => void> = [];
  #reached: Array<() => void> = [];

  constructor(options: { tty?: boolean } = {}) {
    super({ decodeStrings: false });
    this.isTTY = options.tty ?? false;
  }

  /** Everything written so far. */
  get text(): string {
    return this.#chunks.join('');
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(String(chunk));
    if (!this.#holding) {
      callback();
      return;
    }
    // Written but not yet taken: like a pipe whose reader is slow, the writer's callback waits.
    this.#pending.push(() => callback());
    for (const notify of this.#reached.splice(0)) notify();
  }

  /** Holds every write in flight from now until `release()`. */
  hold(): { reached(): Promise<void>; release(): void } {
    this.#holding = true;
    return {
      reached: () =>
        this.#pending.length > 0 ? Promise.resolve() : new Promise((resolve) => this.#reached.push(resolve)),
      release: () => {
        this.#holding = false;
        for (const finish of this.#pending.splice(0)) finish();
      },
    };
  }
}

interface TranscriptEntry {
  number: string;
  author: string;
  reply: boolean;
  labels: string[];
  /** The number of the thread's root, for a reply. */
  threadRoot: string | null;
  /** The body, without its indentation. */
  lines: string[];
  /** The entry as printed, header included. */
  raw: string;
}

const HEADER = /^( {2}↳ )?\[(\d+)\] (\S+)(?: · (.*))?$/;

function parseLabels(text: string | undefined): string[] {
  if (text === undefined) return [];
  const labels = text.split(' · ');
  // An answer's label repeats the command, which may itself hold " · ": it runs to the end of the line.
  const answer = labels.findIndex((label) => label.startsWith('answer to /arxiv'));
  return answer === -1 ? labels : [...labels.slice(0, answer), labels.slice(answer).join(' · ')];
}

/** Reads a plain (uncoloured) shell transcript back into its messages; notices are left out. */
function parseTranscript(transcript: string): TranscriptEntry[] {
  const entries: Array<TranscriptEntry & { indent: string }> = [];
  let current: (TranscriptEntry & { indent: string }) | null = null;
  let lastRoot: string | null = null;
  for (const line of transcript.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      const reply = header[1] !== undefined;
      const number = header[2] ?? '';
      const labels = parseLabels(header[4]);
      const rootLabel = labels.map((label) => /^in thread \[(\d+)\]$/.exec(label)?.[1]).find((n) => n);
      const threadRoot: string | null = reply ? (rootLabel ?? lastRoot) : null;
      lastRoot = threadRoot ?? number;
      current = {
        number,
        author: header[3] ?? '',
        reply,
        labels,
        threadRoot,
        lines: [],
        raw: line,
        indent: reply ? '      ' : '    ',
      };
      entries.push(current);
    } else if (current && (line === '' || line.startsWith(current.indent))) {
      current.lines.push(line.slice(current.indent.length));
      current.raw += `\n${line}`;
    } else {
      current = null;
    }
  }
  return entries.map(({ indent: _indent, ...entry }) => ({ ...entry, lines: trimBlankEnds(entry.lines) }));
}

function trimBlankEnds(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  return lines.slice(0, end);
}

export interface ShellIds {
  channel: TargetId;
  user: UserId;
}

function shownOf(entry: TranscriptEntry): Shown {
  const text = entry.lines.join('\n');
  return { text, links: linksInPlainText(text), raw: entry.raw };
}

function targetOf(entry: TranscriptEntry, ids: ShellIds): TargetId {
  for (const label of entry.labels) {
    if (label === 'DM to you') return ids.user;
    if (label.startsWith('DM to ')) return label.slice('DM to '.length);
    if (label.startsWith('in ') && !label.startsWith('in thread [')) return label.slice('in '.length);
  }
  return ids.channel;
}

const isAnswer = (entry: TranscriptEntry): boolean =>
  entry.labels.some((l) => l.startsWith('answer to /arxiv'));

export function shellDriver(input: PassThrough, output: RecordingOutput, ids: ShellIds): ContractDriver {
  const entries = () => parseTranscript(output.text).filter((entry) => entry.author === 'arxiv-digest');
  return {
    async command({ text, user, channel }) {
      if (user !== ids.user || channel !== ids.channel) {
        throw new Error(`The shell has one user (${ids.user}) in one channel (${ids.channel}).`);
      }
      input.write(`/arxiv ${text}\n`);
    },
    async react({ message, emoji }) {
      input.write(`:react ${message.id} ${emoji}\n`);
    },
    async unreact({ message, emoji }) {
      input.write(`:unreact ${message.id} ${emoji}\n`);
    },
    async posted(): Promise<ShownMessage[]> {
      return entries()
        .filter((entry) => !isAnswer(entry))
        .map((entry) => {
          const target = targetOf(entry, ids);
          const ref =
            entry.threadRoot === null
              ? { target, id: entry.number }
              : { target, id: entry.number, threadId: entry.threadRoot };
          return { ...shownOf(entry), ref, direct: target.startsWith('shell:@') };
        });
    },
    async answers(): Promise<ShownAnswer[]> {
      return entries()
        .filter(isAnswer)
        .map((entry) => ({
          ...shownOf(entry),
          visibility: entry.labels.includes('only visible to you') ? 'private' : 'channel',
          user: ids.user,
          channel: ids.channel,
        }));
    },
    // A terminal notifies no one; what could act on it (escape sequences) is checked as control characters.
    wouldPing: () => false,
    holdPosts: () => output.hold(),
  };
}
