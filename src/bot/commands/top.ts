import { keyword } from './build.ts';
import type { Command, Scope } from './command.ts';
import { usageError, usageOf } from './help.ts';
import { clip } from './input.ts';

/** `top [week | month]`, from the grammar's text or a typed option; nothing given is a week. */
export function topCommand(scope: Scope, period: string): Command {
  const word = keyword(period);
  if (word === '' || word === 'week') return { kind: 'top', scope, period: 'week' };
  if (word === 'month') return { kind: 'top', scope, period: 'month' };
  throw usageError(`top takes week, month or nothing, not "${clip(period, 30)}".`, usageOf('top', scope));
}
