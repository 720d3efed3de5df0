import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  languageName,
  promptHash,
  readPromptFile,
  renderInput,
  systemPrompt,
} from '../../../src/summarize/prompts.ts';

describe('systemPrompt', () => {
  it('asks for the four parts of a structured summary, in English by default', () => {
    const prompt = systemPrompt('full', 'en', null);
    for (const part of ['## Contributions', '## Method and setup', '## Results', '## Conclusions']) {
      expect(prompt).toContain(part);
    }
    expect(prompt).toContain('datasets, models, hardware, baselines and metrics');
    expect(prompt).toContain('ablations');
    expect(prompt).toContain('limitations and future work');
    expect(prompt.endsWith('Write in English.')).toBe(true);
  });

  it('has Chinese prompts that keep technical terms in English', () => {
    expect(systemPrompt('full', 'zh', null)).toContain('## 主要贡献');
    expect(systemPrompt('full', 'zh-CN', null)).toContain('专业术语、方法名、模型名、数据集名和指标保留英文');
    expect(systemPrompt('tldr', 'zh', null)).toContain('TL;DR');
  });

  it('names other languages and asks to keep technical terms in English', () => {
    expect(systemPrompt('tldr', 'ja', null)).toContain('Write in Japanese. Keep technical terms');
    expect(systemPrompt('full', 'zh-TW', null)).toContain('Write in Chinese (Taiwan).');
  });

  it('uses a custom structured prompt as given, with {language} filled in; the TL;DR prompt stays built in', () => {
    expect(systemPrompt('full', 'de', 'Summarize in {language}. Again: {language}.')).toBe(
      'Summarize in German. Again: German.',
    );
    expect(systemPrompt('tldr', 'en', 'Custom')).toContain('TL;DR');
  });
});

describe('languageName', () => {
  it('names codes, and returns an unknown or malformed code as it is', () => {
    expect(languageName('en')).toBe('English');
    expect(languageName('zh')).toBe('Simplified Chinese');
    expect(languageName('fr')).toBe('French');
    expect(languageName('not a code!')).toBe('not a code!');
  });
});

describe('promptHash', () => {
  it('differs when the prompt does, and is stable', () => {
    expect(promptHash('a')).toBe(promptHash('a'));
    expect(promptHash('a')).not.toBe(promptHash('b'));
    expect(promptHash('a')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('renderInput', () => {
  it('says what the paper is, then gives its sections under their headings', () => {
    const authors = Array.from({ length: 12 }, (_, i) => `Author ${i + 1}`);
    const input = renderInput({ title: 'A Title', authors, reference: 'arXiv:2401.01234v2 (cs.LG)' }, [
      { heading: 'Abstract', kind: 'abstract', text: 'We do it.' },
      { heading: null, kind: 'body', text: 'Untitled text.' },
    ]);
    expect(input).toBe(
      [
        'Title: A Title',
        `Authors: ${authors.slice(0, 10).join(', ')} et al.`,
        'arXiv:2401.01234v2 (cs.LG)',
        '',
        '## Abstract',
        'We do it.',
        '',
        'Untitled text.',
      ].join('\n'),
    );
  });
});

describe('renderInput: TeX in arXiv metadata', () => {
  it('gives the model the title and authors with their accents as characters, math as it is', () => {
    const input = renderInput(
      {
        title: 'Schr\\"odinger operators on $\\mathbb{R}^3$: 50\\% fewer',
        authors: ["Gr\\'egoire Labb\\'e", "Zlatko Te\\v{s}anovi\\'c", 'Jaros{\\l}aw \\.Zygierewicz'],
        reference: null,
      },
      [],
    );
    expect(input).toBe(
      [
        'Title: Schrödinger operators on $\\mathbb{R}^3$: 50% fewer',
        'Authors: Grégoire Labbé, Zlatko Tešanović, Jarosław Żygierewicz',
      ].join('\n'),
    );
  });
});

describe('readPromptFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prompts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and trims the file', async () => {
    await writeFile(join(dir, 'p.md'), '\nSummarize.\n\n');
    expect(readPromptFile(join(dir, 'p.md'))).toBe('Summarize.');
  });

  it('rejects a missing or empty file with a UserError naming the setting', async () => {
    expect(() => readPromptFile(join(dir, 'missing.md'))).toThrow(
      expect.objectContaining({ name: 'UserError', code: 'INPUT_NOT_FOUND' }),
    );
    await writeFile(join(dir, 'empty.md'), '  \n');
    expect(() => readPromptFile(join(dir, 'empty.md'))).toThrow(
      /is empty.*ai_summary\.prompt_file|ai_summary\.prompt_file.*is empty/,
    );
  });
});
