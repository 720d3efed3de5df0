import { UserError } from '../../errors.ts';
import { WEEKDAYS, type Weekday } from '../../schedule/calendar.ts';
import { keyword } from './build.ts';
import type { Command, Scope } from './command.ts';
import { usageError, usageOf, withUsage } from './help.ts';
import { clip } from './input.ts';
import { parseLocalTime } from './schedule.ts';

/** The weekly rollup's default day and time, in the target's schedule time zone. */
export const WEEKLY_DEFAULT = { day: 'monday', time: '09:00' } as const satisfies {
  day: Weekday;
  time: string;
};

/** A weekday by its name or its first three letters, in any case (`Mon`, `monday`, `FRIDAY`). */
export function parseWeekday(text: string): Weekday {
  const word = keyword(text.trim()).replace(/\.$/u, '');
  const day = WEEKDAYS.find((name) => name === word || (word.length >= 3 && name.startsWith(word)));
  if (!day) throw new UserError('INPUT_INVALID', `"${clip(text.trim(), 20)}" is not a day of the week.`);
  return day;
}

/**
 * `weekly [on [day] [HH:MM] | off]`: `setting` is on, off or '' (show); `details` the day and/or time after
 * `on`, in either order (the defaults for what is left out: Monday, 09:00).
 */
export function weeklyCommand(scope: Scope, setting: string, day: string, time: string): Command {
  const usage = usageOf('weekly', scope);
  const word = keyword(setting);
  if (word === '') {
    if (day !== '' || time !== '') throw usageError('Say on before a day or a time.', usage);
    return { kind: 'weekly', scope, enabled: null, day: null, time: null };
  }
  if (word === 'off') {
    if (day !== '' || time !== '') throw usageError('weekly off takes nothing after it.', usage);
    return { kind: 'weekly', scope, enabled: false, day: null, time: null };
  }
  if (word !== 'on') throw usageError(`weekly takes on, off or nothing, not "${clip(setting, 30)}".`, usage);
  return withUsage(usage, () => ({
    kind: 'weekly',
    scope,
    enabled: true,
    day: day === '' ? null : parseWeekday(day),
    time: time === '' ? null : parseLocalTime(time),
  }));
}

/** The text form: `on`/`off`, then a day and a time in either order (`on friday 17:00`, `on 9am`). */
export function weeklyFromText(scope: Scope, rest: string): Command {
  const [setting = '', ...words] = rest.split(/\s+/u).filter((word) => word !== '');
  const times: string[] = [];
  const days: string[] = [];
  for (const word of words) {
    if (/^\d/u.test(word)) times.push(word);
    else if (/^[ap]\.?m\.?$/iu.test(word) && times.length > 0) times[times.length - 1] += word;
    else days.push(word);
  }
  if (times.length > 1 || days.length > 1) {
    throw usageError('Give one day and one time at most.', usageOf('weekly', scope));
  }
  return weeklyCommand(scope, setting, days[0] ?? '', times[0] ?? '');
}
