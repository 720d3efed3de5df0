import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AUTHORS_SHOWN, authorLine, paperTitle } from '../chat/present.ts';
import { UserError } from '../errors.ts';
import type { Section } from './document.ts';

/** A TL;DR (one or two sentences, from the title and abstract) or a structured summary (from the full text). */
export type SummaryKind = 'tldr' | 'full';

/*
 * The built-in prompts. English prompts take a language rule; Simplified Chinese has its own wording, as the
 * classic script asked for, keeping technical terms in English. `ai_summary.prompt_file` replaces the
 * structured prompt entirely; "{language}" in it becomes the language's English name.
 */

const TLDR_EN = `You write the TL;DR lines of a research team's daily arXiv digest. From the paper's title and abstract, say in one or two sentences (at most 60 words) what the paper does and what it finds, with its key number if the abstract gives one. Plain text only: no Markdown, no heading, no preamble.`;

const FULL_EN = `You are a research assistant who summarizes papers for researchers. Summarize the paper below in Markdown, with exactly these four sections:

## Contributions
The problem the paper addresses and what is new compared with prior work.

## Method and setup
The approach, and the experimental setup: datasets, models, hardware, baselines and metrics.

## Results
The key results with their numbers, the comparison with baselines, and ablations.

## Conclusions
Conclusions, limitations and future work.

Use only what the paper says, and write "not stated" where it says nothing. Be specific and concise: at most 350 words; bullet points are welcome.`;

const TLDR_ZH = `你为研究团队的每日 arXiv 简报撰写 TL;DR。根据论文的标题和摘要，用一到两句话（不超过 100 字）说明论文做了什么、发现了什么；如果摘要给出了关键数字，请写上。只输出纯文本：不要 Markdown、标题或开场白。请使用简体中文，专业术语、方法名、模型名、数据集名和指标保留英文。`;

const FULL_ZH = `你是一名帮助研究人员阅读论文的助手。请用 Markdown 总结下面的论文，严格包含以下四个部分：

## 主要贡献
论文解决的问题，以及相比已有工作的创新之处。

## 方法与实验设置
方法本身，以及实验设置：数据集、模型、硬件、基线方法和评价指标。

## 主要结果
关键结果及其数值、与基线方法的对比、消融实验。

## 结论
结论、局限性和未来工作。

只使用论文中的信息，论文没有提到的写"未说明"。内容具体、简洁，不超过 600 字，可以使用要点列表。请使用简体中文，专业术语、方法名、模型名、数据集名和指标保留英文。`;

const SIMPLIFIED_CHINESE = /^zh(-(cn|sg|hans)(-.*)?)?$/i;

/** The English name of a language code ("de" -> "German"), or the code itself when unknown. */
export function languageName(code: string): string {
  if (SIMPLIFIED_CHINESE.test(code)) return 'Simplified Chinese';
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function languageRule(language: string): string {
  const name = languageName(language);
  if (name === 'English' || /^en\b/i.test(language)) return 'Write in English.';
  return `Write in ${name}. Keep technical terms, the names of methods, models and datasets, and metrics in English.`;
}

/** The system prompt for a kind of summary in a language; `custom` is the text of `ai_summary.prompt_file`. */
export function systemPrompt(kind: SummaryKind, language: string, custom: string | null): string {
  if (kind === 'full' && custom !== null) return custom.replaceAll('{language}', languageName(language));
  if (SIMPLIFIED_CHINESE.test(language)) return kind === 'tldr' ? TLDR_ZH : FULL_ZH;
  return `${kind === 'tldr' ? TLDR_EN : FULL_EN}\n\n${languageRule(language)}`;
}

/** Bumped when the shape of the user message changes, so cached summaries of the old input are not reused. */
const INPUT_FORMAT = 'input-v1';

/** A short hash of a system prompt, part of every cache key. */
export function promptHash(prompt: string): string {
  return createHash('sha256').update(`${INPUT_FORMAT}\n${prompt}`).digest('hex').slice(0, 16);
}

export interface InputHeader {
  title: string | null;
  authors: readonly string[];
  /** "arXiv:1111.2011v2 (cond-mat.str-el, cond-mat.stat-mech)", or null for a local file. */
  reference: string | null;
}

/** The user message: what the paper is, then its sections under their headings. */
export function renderInput(header: InputHeader, sections: readonly Section[]): string {
  const lines: string[] = [];
  const title = header.title === null ? '' : paperTitle(header.title);
  if (title) lines.push(`Title: ${title}`);
  const authors = authorLine(header.authors, { max: AUTHORS_SHOWN.prompt });
  if (authors !== '') lines.push(`Authors: ${authors}`);
  if (header.reference) lines.push(header.reference);
  for (const section of sections) {
    lines.push('');
    if (section.heading) lines.push(`## ${section.heading}`);
    lines.push(section.text);
  }
  return lines.join('\n').trim();
}

/** Reads `ai_summary.prompt_file`. */
export function readPromptFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      'INPUT_NOT_FOUND',
      `Cannot read the prompt file ${path} (ai_summary.prompt_file): ${(error as Error).message}. Fix the path or remove the setting to use the built-in prompt.`,
      { cause: error },
    );
  }
  if (!text.trim()) {
    throw new UserError(
      'INPUT_INVALID',
      `The prompt file ${path} (ai_summary.prompt_file) is empty. Write the instructions for the model in it, or remove the setting.`,
    );
  }
  return text.trim();
}
