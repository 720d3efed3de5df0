import { describe, expect, it } from 'vitest';
import { stripControls } from '../../../src/text/control.ts';

describe('stripControls, defaults (a chat client or a terminal)', () => {
  it('keeps ordinary text, accents, CJK, emoji and the joiners as they are', () => {
    const text = 'Équations de Navier–Stokes: 深層学習 📝 ≥ 3σ 👩\u200d🔬 می\u200cخواهم';
    expect(stripControls(text)).toBe(text);
  });

  it('removes CSI, OSC, DCS, APC, PM and nF sequences whole, and their 8-bit forms', () => {
    expect(stripControls('a\u001b[2Jb\u001b[1;31mc\u001b[0md')).toBe('abcd');
    expect(stripControls('\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\')).toBe('click');
    expect(stripControls('a\u001bPq#0\u001b\\b\u001b_hidden\u001b\\c\u001b^pm\u0007d')).toBe('abcd');
    expect(stripControls('a\u001b(0b\u001b7c')).toBe('abc');
    expect(stripControls('a\u009b2Jb\u009d0;title\u009cc\u0085d')).toBe('abcd');
  });

  it('drops an unterminated string sequence to the end, and a lone ESC', () => {
    expect(stripControls('keep\u001b]0;never ends')).toBe('keep');
    expect(stripControls('end\u001b')).toBe('end');
  });

  it('drops C0 controls, DEL, VT and FF; tabs become spaces; line breaks become LF', () => {
    expect(stripControls('a\u0000b\u0007c\bd\u007fe\tf\u000bg\u000ch')).toBe('abcde fgh');
    expect(stripControls('a\nb\r\nc\rd')).toBe('a\nb\nc\nd');
  });

  it('drops the bidirectional overrides and isolates, but no other format character', () => {
    expect(stripControls('file\u202eexe.txt \u2066x\u2069')).toBe('fileexe.txt x');
    expect(stripControls('zero\u200bwidth\u00adsoft\ufeff')).toBe('zero\u200bwidth\u00adsoft\ufeff');
  });
});

describe('stripControls, options', () => {
  it('puts line breaks on one line with lineBreaks: space', () => {
    expect(stripControls('a\nb\r\nc\rd', { lineBreaks: 'space' })).toBe('a b c d');
  });

  it('keeps tabs with tabs: keep', () => {
    expect(stripControls('\t- item\u0000', { tabs: 'keep' })).toBe('\t- item');
  });

  it('leaves the text of an escape sequence with sequences: keep-text, so nothing after it is lost', () => {
    expect(stripControls('a\u001b[31mb\u001b]0;rest of the text', { sequences: 'keep-text' })).toBe(
      'a[31mb]0;rest of the text',
    );
    expect(stripControls('a\u009b2Jb', { sequences: 'keep-text' })).toBe('a2Jb');
  });

  it('removes zero-width spaces, direction marks and the BOM with format: invisible', () => {
    expect(stripControls('\ufeffa\u200bb\u200ec\u200fd\u202ee\u00adf', { format: 'invisible' })).toBe(
      'abcde\u00adf',
    );
  });

  it('removes every format character but the joiners with format: all, astral ones too', () => {
    expect(stripControls('soft\u00adhy\u2060phen\u{e0041}\u{e007f}!', { format: 'all' })).toBe('softhyphen!');
    expect(stripControls('👩\u200d🔬\u200c😀', { format: 'all' })).toBe('👩\u200d🔬\u200c😀');
  });
});

describe('stripControls against the rules it replaced', () => {
  const pieces = [
    'a',
    ' ',
    'é',
    '深',
    '😀',
    '\u{e0041}',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\u000b',
    '\u000c',
    '\u0000',
    '\u0007',
    '\u001b',
    '[',
    ']',
    '\u007f',
    '\u0085',
    '\u009b',
    '\u00ad',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u200e',
    '\u202e',
    '\u2028',
    '\u2066',
    '\u2060',
    '\ufeff',
  ];
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const samples = Array.from({ length: 500 }, () =>
    Array.from(
      { length: 1 + Math.floor(random() * 12) },
      () => pieces[Math.floor(random() * pieces.length)],
    ).join(''),
  );

  it('is the model-output rule: controls but tab and newline, invisible format characters', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule it replaced
    const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
    const invisible = /[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
    for (const text of samples) {
      const old = text.replace(/\r\n?/g, '\n').replace(control, '').replace(invisible, '');
      expect(stripControls(text, { sequences: 'keep-text', format: 'invisible', tabs: 'keep' })).toBe(old);
    }
  });

  it('is the command-input rule: every control but newline, every format character but the joiners', () => {
    const invisible = /(?!\n)\p{Cc}|(?![\u200c\u200d])\p{Cf}/gu;
    for (const sample of samples) {
      const text = sample.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n').replace(/[\t\v\f]/g, ' ');
      expect(stripControls(text, { sequences: 'keep-text', format: 'all' })).toBe(
        text.replace(invisible, ''),
      );
    }
  });
});
