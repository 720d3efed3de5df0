import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite';
import Keyv from 'keyv';
import * as vitest from 'vitest';
import { KeyvSqlite, MEMORY_PATH, SqliteDatabase } from '../../../src/store/sqlite.ts';

/*
 * The official Keyv conformance suite, run against the adapter twice: over an in-memory database and over a
 * WAL file. The suite builds a new Keyv (and asks for a new adapter) in almost every test, so every adapter
 * shares one database, as the namespaces of a Store do.
 */
const { describe, afterAll } = vitest;

describe('KeyvSqlite passes @keyv/test-suite in memory', () => {
  const database = new SqliteDatabase(MEMORY_PATH);
  afterAll(() => database.close());
  keyvTestSuite(vitest, Keyv, () => new KeyvSqlite(database));
  keyvIteratorTests(vitest, Keyv, () => new KeyvSqlite(database));
});

describe('KeyvSqlite passes @keyv/test-suite on a WAL file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-keyv-suite-'));
  const database = new SqliteDatabase(join(directory, 'suite.sqlite'));
  afterAll(() => {
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });
  keyvTestSuite(vitest, Keyv, () => new KeyvSqlite(database));
  keyvIteratorTests(vitest, Keyv, () => new KeyvSqlite(database));
});
