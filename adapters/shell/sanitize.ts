/**
 * Makes untrusted text (from arXiv, a user or a model) safe to print on a terminal: whole escape sequences
 * (CSI such as `ESC[2J`, OSC such as window titles and OSC 8 hyperlinks, DCS and the other string
 * sequences, their 8-bit C1 forms) are removed, as are the remaining C0/C1 control characters, DEL and the
 * bidirectional overrides and isolates that can make text read differently from what it is. Tabs become
 * spaces. The core's one control-character remover (src/text/control.ts) does it with its defaults.
 */
import { stripControls } from '../../src/text/control.ts';

export interface SanitizeOptions {
  /** Keep line breaks (CR LF and a lone CR become LF); otherwise every line break becomes a space. */
  multiline?: boolean;
}

export function sanitizeTerminalText(text: string, options: SanitizeOptions = {}): string {
  return stripControls(text, { lineBreaks: options.multiline ? 'keep' : 'space' });
}
