/**
 * The Block Kit limits Slack enforces on a message, as the fake checks them: Slack answers `invalid_blocks`
 * with one `[ERROR] … [json-pointer:…]` line per problem in `response_metadata.messages`.
 */

const MAX_BLOCKS = 50;
const MAX_HEADER = 150;
const MAX_TEXT = 3000;
const MAX_FIELD = 2000;
const MAX_FIELDS = 10;
const MAX_CONTEXT_ELEMENTS = 10;
/** Slack refuses a message whose `text` is longer (`msg_too_long`). */
export const MAX_MESSAGE_TEXT = 40_000;

const KNOWN = new Set(['header', 'section', 'context', 'divider', 'rich_text', 'actions', 'image']);

interface TextObject {
  type?: unknown;
  text?: unknown;
}

function checkText(
  object: unknown,
  pointer: string,
  max: number,
  problems: string[],
  plainOnly = false,
): void {
  const text = object as TextObject | undefined;
  if (typeof text !== 'object' || text === null || typeof text.text !== 'string') {
    problems.push(`[ERROR] missing required field: text [json-pointer:${pointer}]`);
    return;
  }
  if (text.type !== 'plain_text' && (plainOnly || text.type !== 'mrkdwn')) {
    problems.push(`[ERROR] must be a valid enum value [json-pointer:${pointer}/type]`);
  }
  if (text.text.length === 0)
    problems.push(`[ERROR] must be more than 0 characters [json-pointer:${pointer}/text]`);
  if (text.text.length > max) {
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}/text]`);
  }
}

/** The problems Slack would report for these blocks; empty when it would accept them. */
export function blockProblems(blocks: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  if (blocks.length > MAX_BLOCKS) {
    problems.push(`[ERROR] no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((raw, index) => {
    const block = raw as Record<string, unknown>;
    const at = `/blocks/${index}`;
    if (typeof block !== 'object' || block === null || !KNOWN.has(String(block.type))) {
      problems.push(`[ERROR] invalid block type [json-pointer:${at}]`);
      return;
    }
    switch (block.type) {
      case 'header':
        checkText(block.text, `${at}/text`, MAX_HEADER, problems, true);
        break;
      case 'section': {
        const fields = block.fields as unknown[] | undefined;
        if (block.text === undefined && fields === undefined) {
          problems.push(`[ERROR] must provide either text or fields [json-pointer:${at}]`);
        }
        if (block.text !== undefined) checkText(block.text, `${at}/text`, MAX_TEXT, problems);
        if (fields !== undefined) {
          if (fields.length > MAX_FIELDS)
            problems.push(`[ERROR] no more than ${MAX_FIELDS} items allowed [json-pointer:${at}/fields]`);
          fields.forEach((field, i) => {
            checkText(field, `${at}/fields/${i}`, MAX_FIELD, problems);
          });
        }
        break;
      }
      case 'context': {
        const elements = block.elements as unknown[] | undefined;
        if (!Array.isArray(elements) || elements.length === 0) {
          problems.push(`[ERROR] must provide at least 1 element [json-pointer:${at}/elements]`);
          break;
        }
        if (elements.length > MAX_CONTEXT_ELEMENTS) {
          problems.push(
            `[ERROR] no more than ${MAX_CONTEXT_ELEMENTS} items allowed [json-pointer:${at}/elements]`,
          );
        }
        elements.forEach((element, i) => {
          checkText(element, `${at}/elements/${i}`, MAX_TEXT, problems);
        });
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
