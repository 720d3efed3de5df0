/*
 * Calendar arithmetic for the scheduler: pure functions of the instant they are given (there is no clock in
 * this module), so tests drive them with any date they like.
 *
 * A daily schedule is a wall-clock time ("HH:MM", 24-hour) in an IANA time zone. On the two days a year
 * when daylight saving time moves the clock:
 * - Spring forward: a time the clock skips (02:30 when 02:00 jumps to 03:00) runs at the first minute
 *   after the gap (03:00), so the day still gets its run.
 * - Fall back: a time the clock shows twice (01:30 when 02:00 goes back to 01:00) runs once, at the first.
 * Time zones come from the runtime's ICU database (Intl), the same one config and `/arxiv schedule` check.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A daily time of day in a time zone, as a subscription's `schedule` holds it. */
export interface DailySchedule {
  /** "HH:MM", 24-hour. */
  time: string;
  /** An IANA time zone such as "Europe/Berlin". */
  timeZone: string;
}

/** What a clock in a time zone shows at an instant. */
export interface LocalDateTime {
  /** "YYYY-MM-DD". */
  date: string;
  /** "HH:MM", 24-hour. */
  time: string;
  /** 0 for Sunday to 6 for Saturday. */
  weekday: number;
}

/** The local date and time of `instant` in `timeZone`. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const wall = new Date(wallClock(instant.getTime(), timeZone));
  const iso = wall.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16), weekday: wall.getUTCDay() };
}

/** The instant of the run that `schedule` gives the local date `date` ("YYYY-MM-DD"), per the rules above. */
export function scheduledInstant(date: string, schedule: DailySchedule): Date {
  const [year, month, day] = dateParts(date);
  const [hour, minute] = timeParts(schedule.time);
  return new Date(firstInstantShowing(Date.UTC(year, month - 1, day, hour, minute), schedule.timeZone));
}

/** The most recent run of `schedule` at or before `now`. */
export function latestScheduledInstant(now: Date, schedule: DailySchedule): Date {
  let date = localDateTime(now, schedule.timeZone).date;
  // Today's run, else yesterday's; the third day only matters where a zone skipped a whole day.
  for (let days = 0; days < 3; days++) {
    const at = scheduledInstant(date, schedule);
    if (at.getTime() <= now.getTime()) return at;
    date = addDays(date, -1);
  }
  throw new Error(`No run of ${describe(schedule)} in the three days before ${now.toISOString()}.`);
}

/** The first run of `schedule` after `now` (for "next digest at ..."). */
export function nextScheduledInstant(now: Date, schedule: DailySchedule): Date {
  let date = localDateTime(now, schedule.timeZone).date;
  for (let days = 0; days < 3; days++) {
    const at = scheduledInstant(date, schedule);
    if (at.getTime() > now.getTime()) return at;
    date = addDays(date, 1);
  }
  throw new Error(`No run of ${describe(schedule)} in the three days after ${now.toISOString()}.`);
}

/** `date` ("YYYY-MM-DD") moved by a number of calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/*
 * arXiv's calendar. arXiv announces at 20:00 US Eastern on Sunday to Thursday evenings and not on Friday,
 * Saturday or its holidays. Each announcement is dated the next day (Monday to Friday): that is the date of
 * the RSS channel's pubDate and of Paper.announced. The RSS feeds are rebuilt around midnight Eastern.
 *
 * The scheduler uses this only to explain itself in logs. Whether there is something new to deliver is
 * decided by the listing itself, so an unplanned pause or a holiday missing here costs nothing but a log line.
 */

const EASTERN = 'America/New_York';
const ANNOUNCEMENT: DailySchedule = { time: '20:00', timeZone: EASTERN };

/**
 * Evenings (Eastern dates) without an announcement, as arXiv lists them in "Availability of submissions"
 * (github.com/arXiv/arxiv-docs, source/help/availability.md; 2024, 2025 and 2026 as published there). A listed
 * day is an announcement evening: the feed recorded on Thanksgiving 2024 (a listed Thursday) still carries
 * that Thursday's listing, released on Wednesday evening. Listed Fridays therefore change nothing.
 */
const ARXIV_HOLIDAYS: ReadonlySet<string> = new Set([
  '2024-01-15',
  '2024-05-22',
  '2024-06-19',
  '2024-07-04',
  '2024-09-02',
  '2024-10-08',
  '2024-11-28',
  '2024-12-25',
  '2024-12-26',
  '2024-12-31',
  '2025-01-01',
  '2025-01-20',
  '2025-06-19',
  '2025-07-06',
  '2025-09-01',
  '2025-11-27',
  '2025-12-25',
  '2025-12-30',
  '2026-01-01',
  '2026-01-19',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
  '2026-12-29',
  '2026-12-31',
]);

/**
 * True if arXiv plans a listing dated `announced` ("YYYY-MM-DD", as Paper.announced gives it): a Monday to
 * Friday whose evening before (Sunday to Thursday, 20:00 Eastern) is not one of `holidays`.
 */
export function expectsAnnouncement(
  announced: string,
  holidays: ReadonlySet<string> = ARXIV_HOLIDAYS,
): boolean {
  const evening = addDays(announced, -1);
  const [year, month, day] = dateParts(evening);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday <= 4 && !holidays.has(evening);
}

export interface Announcement {
  /** The listing's date, as Paper.announced gives it. */
  announced: string;
  /** When arXiv releases it: 20:00 Eastern the evening before. */
  releasedAt: Date;
}

/** The newest listing arXiv planned to release at or before `now`. */
export function latestAnnouncement(now: Date, holidays: ReadonlySet<string> = ARXIV_HOLIDAYS): Announcement {
  let evening = localDateTime(now, EASTERN).date;
  // Three weekend days and a holiday week fit easily; a month without one means a wrong holiday set.
  for (let days = 0; days < 31; days++) {
    const announced = addDays(evening, 1);
    const releasedAt = scheduledInstant(evening, ANNOUNCEMENT);
    if (releasedAt.getTime() <= now.getTime() && expectsAnnouncement(announced, holidays)) {
      return { announced, releasedAt };
    }
    evening = addDays(evening, -1);
  }
  throw new Error(
    `No arXiv announcement planned in the month before ${now.toISOString()}; check the holidays.`,
  );
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch (error) {
      throw new RangeError(`"${timeZone}" is not an IANA time zone this runtime knows.`, { cause: error });
    }
    formatters.set(timeZone, found);
  }
  return found;
}

/** What the zone's clock shows at `epochMs`, to the minute, as the UTC instant with that same reading. */
function wallClock(epochMs: number, timeZone: string): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute);
}

/** The zone's offset from UTC at `epochMs`, in milliseconds. */
function offsetAt(epochMs: number, timeZone: string): number {
  const minute = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
  return wallClock(minute, timeZone) - minute;
}

/**
 * The first instant at which the zone's clock shows `wall` (a reading expressed as the UTC instant with the
 * same fields) or, when the clock skips that reading, the first minute after the skip.
 */
function firstInstantShowing(wall: number, timeZone: string): number {
  // The offsets a day either side bracket any transition near `wall` (zones change at most twice a year).
  const offsets = [...new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)])];
  const exact = offsets.map((offset) => wall - offset).filter((at) => wallClock(at, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // A gap: the clock shows less than `wall` at `low` and more at `high`, and only moves forward in between.
  let low = (wall - Math.max(...offsets)) / MINUTE_MS;
  let high = (wall - Math.min(...offsets)) / MINUTE_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(middle * MINUTE_MS, timeZone) >= wall) high = middle;
    else low = middle;
  }
  return high * MINUTE_MS;
}

function dateParts(date: string): [number, number, number] {
  const match = DATE.exec(date);
  const parts: [number, number, number] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  const [year, month, day] = parts;
  const valid = new Date(Date.UTC(year, month - 1, day));
  if (!match || valid.getUTCMonth() !== month - 1 || valid.getUTCDate() !== day) {
    throw new RangeError(`"${date}" is not a date "YYYY-MM-DD".`);
  }
  return parts;
}

function timeParts(time: string): [number, number] {
  const match = TIME.exec(time);
  if (!match) throw new RangeError(`"${time}" is not a time of day "HH:MM" (24-hour).`);
  return [Number(match[1]), Number(match[2])];
}

function describe(schedule: DailySchedule): string {
  return `${schedule.time} ${schedule.timeZone}`;
}

/*
 * Weekly rollups (`/arxiv weekly`): a weekday and a time in the target's schedule time zone. Each run rolls
 * up the last complete week, Monday to Sunday in that zone, named by its ISO week ("2026-W49").
 */

/** The days of `/arxiv weekly`, Monday first (ISO order). */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklySchedule extends DailySchedule {
  day: Weekday;
}

/** ISO weekday of a local date: 1 for Monday to 7 for Sunday. */
function isoWeekday(date: string): number {
  const [year, month, day] = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
}

/** The most recent weekly run of `schedule` at or before `now`. */
export function latestWeeklyInstant(now: Date, schedule: WeeklySchedule): Date {
  const wanted = WEEKDAYS.indexOf(schedule.day) + 1;
  let date = localDateTime(now, schedule.timeZone).date;
  // This week's day, else last week's (a day more where a zone skipped one).
  for (let days = 0; days < 16; days++) {
    if (isoWeekday(date) === wanted) {
      const at = scheduledInstant(date, schedule);
      if (at.getTime() <= now.getTime()) return at;
    }
    date = addDays(date, -1);
  }
  throw new Error(`No weekly run on ${schedule.day} at ${schedule.time} before ${now.toISOString()}.`);
}

/** The first weekly run of `schedule` after `now`. */
export function nextWeeklyInstant(now: Date, schedule: WeeklySchedule): Date {
  const wanted = WEEKDAYS.indexOf(schedule.day) + 1;
  let date = localDateTime(now, schedule.timeZone).date;
  for (let days = 0; days < 16; days++) {
    if (isoWeekday(date) === wanted) {
      const at = scheduledInstant(date, schedule);
      if (at.getTime() > now.getTime()) return at;
    }
    date = addDays(date, 1);
  }
  throw new Error(`No weekly run on ${schedule.day} at ${schedule.time} after ${now.toISOString()}.`);
}

/** A week, Monday 00:00 to the next Monday 00:00 in a time zone. */
export interface RollupWeek {
  /** The ISO week, "YYYY-Www". */
  id: string;
  /** Its Monday and Sunday, local dates. */
  first: string;
  last: string;
  start: Date;
  end: Date;
}

/** The last complete week (Monday to Sunday in `timeZone`) before the local date of `at`. */
export function previousWeek(at: Date, timeZone: string): RollupWeek {
  const today = localDateTime(at, timeZone).date;
  const thisMonday = addDays(today, 1 - isoWeekday(today));
  const first = addDays(thisMonday, -7);
  const midnight = (date: string) => scheduledInstant(date, { time: '00:00', timeZone });
  return {
    id: isoWeekId(first),
    first,
    last: addDays(first, 6),
    start: midnight(first),
    end: midnight(thisMonday),
  };
}

/** The ISO week ("2026-W49") of a local date. */
export function isoWeekId(date: string): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const [y, m, d] = dateParts(thursday);
  const dayOfYear = (Date.UTC(y, m - 1, d) - Date.UTC(year, 0, 1)) / DAY_MS;
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}
