import { describe, expect, it } from 'vitest';
import { sanitizeTerminalText } from '../../../adapters/shell/sanitize.ts';

describe('sanitizeTerminalText', () => {
  it('keeps ordinary text, accents, CJK and emoji as they are', () => {
    const text = 'Équations de Navier–Stokes: 深層学習 📝 ≥ 3σ';
    expect(sanitizeTerminalText(text)).toBe(text);
  });

  it('removes CSI sequences whole: clear screen, colours, cursor moves', () => {
    expect(sanitizeTerminalText('a\u001b[2Jb\u001b[1;31mc\u001b[0md\u001b[10Ae')).toBe('abcde');
  });

  it('removes OSC sequences ended by BEL or ST, so titles and hidden hyperlinks go', () => {
    expect(sanitizeTerminalText('x\u001b]0;pwned\u0007y')).toBe('xy');
    expect(sanitizeTerminalText('\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\')).toBe(
      'click',
    );
  });

  it('removes DCS, APC and PM strings and nF sequences such as a charset switch', () => {
    expect(sanitizeTerminalText('a\u001bPq#0;2;0;0;0\u001b\\b\u001b_hidden\u001b\\c\u001b^pm\u0007d')).toBe(
      'abcd',
    );
    expect(sanitizeTerminalText('a\u001b(0b\u001b7c')).toBe('abc');
  });

  it('removes the 8-bit C1 forms of CSI and OSC, and other C1 controls', () => {
    expect(sanitizeTerminalText('a\u009b2Jb\u009d0;title\u009cc\u0085d')).toBe('abcd');
  });

  it('drops an unterminated string sequence to the end, and a lone ESC', () => {
    expect(sanitizeTerminalText('keep\u001b]0;never ends')).toBe('keep');
    expect(sanitizeTerminalText('end\u001b')).toBe('end');
  });

  it('drops C0 controls and DEL, and turns tabs into spaces', () => {
    expect(sanitizeTerminalText('a\u0000b\u0007c\bd\u007fe\tf')).toBe('abcde f');
  });

  it('drops bidirectional overrides and isolates', () => {
    expect(sanitizeTerminalText('file\u202eexe.txt \u2066x\u2069')).toBe('fileexe.txt x');
  });

  it('turns line breaks into spaces on one line, and into LF when multiline', () => {
    expect(sanitizeTerminalText('a\nb\r\nc\rd')).toBe('a b c d');
    expect(sanitizeTerminalText('a\nb\r\nc\rd', { multiline: true })).toBe('a\nb\nc\nd');
  });
});
