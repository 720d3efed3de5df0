import { Writable } from 'node:stream';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that may hold a secret anywhere in a logged object. pino replaces them with "[redacted]",
 * so a token that slips into a log call never reaches the output.
 */
const REDACT_PATHS = [
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.secret',
  '*.signingSecret',
  '*.botToken',
  '*.appToken',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export interface LoggerSettings {
  level?: string;
  /** Where lines go; stderr by default so stdout stays free for data. */
  destination?: DestinationStream;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name: 'arxiv-digest',
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  };
  return pino(options, settings.destination ?? pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * A logger for the command line: the same structured records, printed on stderr as short human lines
 * (`arxiv-digest: warning: ...`), since stdout carries the command's data.
 */
export function createCliLogger(level: string, stream: NodeJS.WritableStream = process.stderr): Logger {
  const labels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warning',
    50: 'error',
    60: 'fatal',
  };
  const human = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const {
          level: number,
          msg,
          time: _time,
          name: _name,
          ...fields
        } = JSON.parse(line) as Record<string, unknown>;
        const detail =
          Object.keys(fields).length > 0 && Number(number) < 30 ? ` ${JSON.stringify(fields)}` : '';
        stream.write(`arxiv-digest: ${labels[Number(number)] ?? 'log'}: ${String(msg ?? '')}${detail}\n`);
      }
      done();
    },
  });
  return createLogger({ level, destination: human });
}
