import { UserError } from '../errors.ts';

/*
 * Reading config.json as a person wrote it. JSON.parse says what it tripped on but not always where (V8
 * gives no position for an unexpected token), so a failed parse is scanned again here to name the line and
 * column and the likely mistake: a trailing comma, a missing comma, a comment, single quotes.
 */

/** Where a JSON text first breaks the grammar, and what is wrong there. */
export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  problem: string;
}

/**
 * Parses a config file's text. A leading byte order mark (left by some Windows editors) is skipped. Throws a
 * UserError naming the file, line and column of a syntax error, or saying what the top level must be.
 */
export function parseConfigJson(raw: string, path: string): Record<string, unknown> {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    const detail = found
      ? `line ${found.line}, column ${found.column}: ${found.problem}.\n${excerpt(text, found)}`
      : `${error instanceof Error ? error.message : String(error)}.`;
    throw new UserError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${detail}\nFix the syntax and try again.`,
    );
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new UserError(
      'CONFIG_INVALID',
      `${path} must be a JSON object { … } at the top, not ${kindOf(document)}: write the settings as { "categories": ["cs.AI"], "keywords": ["LLM"], … }.`,
    );
  }
  return document as Record<string, unknown>;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

/** The offending line, numbered, with a caret under the column. */
function excerpt(text: string, at: JsonSyntaxError): string {
  const line = text.split(/\r\n|\n|\r/)[at.line - 1] ?? '';
  const gutter = `  ${at.line} | `;
  return `${gutter}${line}\n${' '.repeat(gutter.length + at.column - 1)}^`;
}

class Stop extends Error {
  readonly offset: number;
  readonly problem: string;
  constructor(offset: number, problem: string) {
    super(problem);
    this.offset = offset;
    this.problem = problem;
  }
}

/** The first syntax error of a JSON text, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (problem: string, offset = i): never => {
    throw new Stop(offset, problem);
  };
  const describe = (offset: number): string => {
    const char = text[offset];
    if (char === undefined) return 'the end of the file';
    if (char === '\n' || char === '\r') return 'the end of the line';
    return char === '"' ? 'a double quote' : `"${char}"`;
  };

  const whitespace = () => {
    for (;;) {
      const char = text[i];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') i++;
      else if (char === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))
        fail('a comment: JSON has no comments, remove it');
      else return;
    }
  };

  const string = () => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      const char = text[i];
      if (char === undefined) fail('the file ends inside a string: close it with a double quote', start);
      else if (char === '"') {
        i++;
        return;
      } else if (char === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail(`"\\${next ?? ''}" is not a JSON escape: write a backslash as \\\\`);
      } else if (char < ' ') {
        fail(
          char === '\n' || char === '\r'
            ? 'a line break inside a string: close the string with a double quote on its line'
            : 'a control character inside a string',
        );
      } else i++;
    }
  };

  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail('a number JSON does not allow (write it like 3, -1 or 0.5)');
    i += (match as RegExpExecArray)[0].length;
    if (/[\w.]/.test(text[i] ?? '')) fail('a number JSON does not allow (write it like 3, -1 or 0.5)');
  };

  const value = (): void => {
    whitespace();
    const char = text[i];
    if (char === undefined) fail('the file ends where a value should be');
    else if (char === '{') object();
    else if (char === '[') array();
    else if (char === '"') string();
    else if (char === '-' || (char >= '0' && char <= '9')) number();
    else if (char === "'") fail('a single quote: JSON strings are written in double quotes');
    else {
      const word = /^[A-Za-z_]\w*/.exec(text.slice(i))?.[0];
      if (word === 'true' || word === 'false' || word === 'null') i += word.length;
      else if (word)
        fail(
          `"${word}" is not a JSON value: write text in double quotes ("${word}"), or true, false or null`,
        );
      else fail(`${describe(i)} where a value should be`);
    }
  };

  const object = () => {
    i++;
    whitespace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      whitespace();
      const char = text[i];
      if (char === '"') string();
      else if (char === "'") fail('a single quote: JSON keys are written in double quotes');
      else if (char !== undefined && /[A-Za-z_]/.test(char))
        fail('a key without quotes: write it in double quotes');
      else if (char === undefined) fail('the file ends inside an object: close it with }');
      else fail(`${describe(i)} where a key in double quotes should be`);
      whitespace();
      if (text[i] !== ':') fail(`${describe(i)} where ":" should follow the key`);
      i++;
      value();
      whitespace();
      const after = text[i];
      if (after === '}') {
        i++;
        return;
      }
      if (after !== ',') {
        if (after === undefined) fail('the file ends inside an object: close it with }');
        fail(
          `${describe(i)} where "," or "}" should follow a value (a comma missing at the end of the line before?)`,
        );
      }
      const comma = i;
      i++;
      whitespace();
      if (text[i] === '}') fail('a trailing comma before "}": JSON allows none, remove it', comma);
    }
  };

  const array = () => {
    i++;
    whitespace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      whitespace();
      const after = text[i];
      if (after === ']') {
        i++;
        return;
      }
      if (after !== ',') {
        if (after === undefined) fail('the file ends inside a list: close it with ]');
        fail(`${describe(i)} where "," or "]" should follow a value (a comma missing?)`);
      }
      const comma = i;
      i++;
      whitespace();
      if (text[i] === ']') fail('a trailing comma before "]": JSON allows none, remove it', comma);
    }
  };

  try {
    value();
    whitespace();
    if (i < text.length)
      fail(`${describe(i)} after the end of the JSON value (one { … } holds all settings)`);
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...position(text, error.offset), problem: error.problem };
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    const char = text[index];
    if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
