import type { Logger } from '../../log.ts';

/**
 * Every stored record carries `schemaVersion`, so a later release can read what an earlier one wrote.
 * A record of an unknown version is logged and treated as absent rather than misread.
 */
interface StoredRecord {
  schemaVersion: number;
}

export function readRecord<T extends StoredRecord>(
  raw: unknown,
  schemaVersion: number,
  what: string,
  logger: Logger,
): T | undefined {
  if (raw === undefined || raw === null) return undefined;
  const version = (raw as Partial<StoredRecord>).schemaVersion;
  if (version === schemaVersion) return raw as T;
  logger.warn(
    { what, found: version, expected: schemaVersion },
    'ignoring a stored record of another schema version',
  );
  return undefined;
}

/** Keys join their parts with "|", which no target id, date or paper id contains. */
export function key(...parts: readonly string[]): string {
  return parts.join('|');
}
