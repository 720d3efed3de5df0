import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import {
  type CachedSummary,
  type CacheKeyParts,
  cacheKey,
  SummaryCache,
} from '../../../src/summarize/cache.ts';

const parts: CacheKeyParts = {
  kind: 'full',
  paperId: '2401.01234',
  version: 2,
  model: 'gpt-4o-mini',
  language: 'en',
  promptHash: 'abcdef0123456789',
};

const entry: CachedSummary = {
  summary: {
    paperId: '2401.01234',
    version: 2,
    tldr: null,
    body: '## Contributions',
    source: 'model',
    model: 'gpt-4o-mini',
    language: 'en',
  },
  input: 'html',
  promptTokens: 10,
  completionTokens: 5,
  createdAt: '2024-01-10T00:00:00.000Z',
};

describe('cacheKey', () => {
  it('names the paper version, model, language, prompt and kind', () => {
    expect(cacheKey(parts)).toBe('full|2401.01234v2|gpt-4o-mini|en|abcdef0123456789');
  });

  it('differs when any part differs', () => {
    const variants: Partial<CacheKeyParts>[] = [
      { kind: 'tldr' },
      { paperId: '2401.01235' },
      { version: 3 },
      { version: null },
      { model: 'qwen-long' },
      { language: 'zh' },
      { promptHash: '0000000000000000' },
    ];
    const keys = new Set([cacheKey(parts), ...variants.map((v) => cacheKey({ ...parts, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
  });
});

describe('SummaryCache', () => {
  it('reads back what it wrote', async () => {
    const cache = new SummaryCache(new Keyv(), silentLogger);
    await cache.set('k', entry);
    expect(await cache.get('k')).toEqual(entry);
    expect(await cache.get('other')).toBeNull();
  });

  it('treats a malformed entry, or an extractive one, as a miss', async () => {
    const keyv = new Keyv();
    const cache = new SummaryCache(keyv, silentLogger);
    await keyv.set('junk', { summary: 'text' });
    await keyv.set('extractive', { ...entry, summary: { ...entry.summary, source: 'extractive' } });
    expect(await cache.get('junk')).toBeNull();
    expect(await cache.get('extractive')).toBeNull();
  });

  it('treats a failing store as a miss and survives a failed write', async () => {
    const broken = new Keyv({ throwOnErrors: true });
    broken.get = async () => {
      throw new Error('disk I/O error');
    };
    broken.set = async () => {
      throw new Error('disk I/O error');
    };
    const cache = new SummaryCache(broken, silentLogger);
    await expect(cache.set('k', entry)).resolves.toBeUndefined();
    await expect(cache.get('k')).resolves.toBeNull();
  });
});
