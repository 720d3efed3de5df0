import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite';
import Keyv from 'keyv';
import * as vitest from 'vitest';
import { openPostgresBackend } from '../../../src/store/postgres.ts';
import { openRedisBackend } from '../../../src/store/redis.ts';
import type { StoreBackend } from '../../../src/store/store.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';

/*
 * The official Keyv conformance suite against each shared store's adapter on a real server. The suite asks
 * for a new adapter in almost every test; they all share the backend's one connection, as the namespaces
 * of a Store do.
 */
const { beforeAll, afterAll } = vitest;

const open: Record<ServerKind, (url: string) => Promise<StoreBackend>> = {
  redis: (url) => openRedisBackend(url),
  postgres: (url) => openPostgresBackend(url),
};

for (const kind of ['redis', 'postgres'] as const) {
  describeWithServer(kind, `the ${kind} adapter passes @keyv/test-suite`, (server) => {
    let backend: StoreBackend | undefined;
    beforeAll(async () => {
      backend = await open[kind](server().url);
    });
    afterAll(async () => {
      await backend?.close();
    });
    const adapter = () => {
      if (!backend) throw new Error(`the ${kind} backend is not open`);
      return backend.createAdapter();
    };
    keyvTestSuite(vitest, Keyv, adapter);
    keyvIteratorTests(vitest, Keyv, adapter);
  });
}
