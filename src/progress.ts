/**
 * Progress for long CLI work. On a terminal, one line that redraws in place with a spinner and a counter;
 * anywhere else (a pipe, a log file, CI), plain lines, one per step, so logs stay readable.
 */
export interface Progress {
  /** Starts a step: "fetching the arXiv listing". */
  step(text: string): void;
  /** Reports progress within the current step. */
  count(done: number, total: number): void;
  /** Ends the current step with a final line. */
  done(text: string): void;
  /** Clears any in-place line (before other output is written to the same stream). */
  clear(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? terminalProgress(stream) : plainProgress(stream);
}

function plainProgress(stream: NodeJS.WritableStream): Progress {
  let lastReported = -1;
  return {
    step(text) {
      lastReported = -1;
      stream.write(`${text}...\n`);
    },
    count(done, total) {
      // A line per tenth is enough for a log.
      const tenth = Math.floor((done / Math.max(total, 1)) * 10);
      if (tenth !== lastReported || done === total) {
        lastReported = tenth;
        stream.write(`  ${done}/${total}\n`);
      }
    },
    done(text) {
      stream.write(`${text}\n`);
    },
    clear() {},
  };
}

function terminalProgress(stream: NodeJS.WriteStream): Progress {
  let text = '';
  let counter = '';
  let frame = 0;
  let timer: NodeJS.Timeout | null = null;
  const draw = () => {
    frame = (frame + 1) % FRAMES.length;
    stream.write(`\r\x1b[2K${FRAMES[frame]} ${text}${counter}`);
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    stream.write('\r\x1b[2K');
  };
  return {
    step(next) {
      text = next;
      counter = '';
      if (!timer) {
        timer = setInterval(draw, 80);
        timer.unref();
      }
      draw();
    },
    count(done, total) {
      counter = ` (${done}/${total})`;
      draw();
    },
    done(final) {
      stop();
      stream.write(`✓ ${final}\n`);
    },
    clear: stop,
  };
}
