import { UserError } from '../../errors.ts';
import { editDistance } from '../../text/edit-distance.ts';
import { clip } from './input.ts';

/* The daily time and IANA time zone of `/arxiv schedule`. */

/** A time with `am`/`pm` glued on: `9am`, `7:30pm`, `7:30 p.m.` after spaces and dots are taken out. */
const TIME = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/;
const TIME_FORM = 'use a 24-hour time such as 09:30 or 17:00, or 9am / 7:30pm';

/**
 * A time of day, as `HH:MM` (24-hour, zero-padded). Accepts `H:MM` and `HH:MM` from 0:00 to 23:59, and
 * 12-hour `9am`, `9 am`, `7:30pm`, `7:30 p.m.` (`12am` is midnight, `12pm` noon). Full-width digits and
 * colons are read as ASCII. A bare hour without am/pm (`9`) is refused as ambiguous.
 */
export function parseLocalTime(text: string): string {
  const compact = text.normalize('NFKC').toLowerCase().replace(/[\s.]/g, '');
  const match = TIME.exec(compact);
  const refuse = (problem: string) => new UserError('INPUT_INVALID', `${problem}: ${TIME_FORM}.`);
  if (!match) throw refuse(`"${clip(text.trim(), 20)}" is not a time`);
  const [, hourText = '', minuteText, meridiem] = match;
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (meridiem === undefined) {
    if (minuteText === undefined) throw refuse(`"${hourText}" could be morning or evening`);
    if (hour > 23) throw refuse(`"${hourText}:${minuteText}" has no hour ${hour}`);
  } else {
    if (hour < 1 || hour > 12)
      throw refuse(`"${clip(text.trim(), 20)}" mixes a 24-hour time with ${meridiem}`);
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (minute > 59) throw refuse(`"${clip(text.trim(), 20)}" has no minute ${minute}`);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const ZONE_FORM = 'name an IANA time zone such as Europe/Berlin, America/New_York or UTC';

/** The time zone as Intl spells it (canonical case; ICU's canonical name for an alias), or null. */
function resolveZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

let knownZones: readonly string[] | undefined;
function zones(): readonly string[] {
  knownZones ??= Intl.supportedValuesOf('timeZone');
  return knownZones;
}

/** The zones whose city is `city` (`Berlin`, `new_york`, `kolkata`), trying each area of the database. */
function zonesOfCity(city: string): string[] {
  const areas = new Set(zones().map((zone) => zone.slice(0, zone.indexOf('/'))));
  const found = [...areas].map((area) => resolveZone(`${area}/${city}`)).filter((zone) => zone !== null);
  return [...new Set(found)];
}

/** Up to three zones within a typo per four letters of `zone`, compared whole and by city. */
function closestZones(zone: string): string[] {
  const wanted = zone.toLowerCase();
  if (wanted.length > 40) return [];
  const tolerance = Math.max(1, Math.floor(wanted.length / 4));
  return zones()
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const city = lower.slice(lower.lastIndexOf('/') + 1);
      return { candidate, distance: Math.min(editDistance(wanted, lower), editDistance(wanted, city)) };
    })
    .filter(({ distance }) => distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/**
 * An IANA time zone, in any case (`europe/berlin` -> `Europe/Berlin`), as Intl spells it. Also accepted:
 * `UTC` and `GMT` (both give `UTC`), and a city alone when exactly one zone has it (`Berlin`, `New York`).
 * Refused: fixed offsets (`+02:00`, `UTC+2`) and abbreviations (`EST`, `CET`), which do not follow daylight
 * saving time, and anything Intl does not know, with the closest names.
 */
export function parseTimeZone(text: string): string {
  const zone = text.normalize('NFKC').trim().replace(/\s+/g, '_');
  const shown = clip(text.trim(), 40);
  if (/^(?:utc|gmt)?[+\-\u2212]\d/iu.test(zone)) {
    throw new UserError(
      'INPUT_INVALID',
      `"${shown}" is a fixed offset, which does not follow daylight saving time: ${ZONE_FORM}.`,
    );
  }
  if (/^(?:utc|gmt)$/iu.test(zone)) return 'UTC';
  if (zone.includes('/')) {
    const resolved = resolveZone(zone);
    if (resolved !== null) return resolved;
  } else {
    const [only, ...others] = zonesOfCity(zone);
    if (only !== undefined && others.length === 0) return only;
    if (resolveZone(zone) !== null) {
      throw new UserError('INPUT_INVALID', `"${shown}" is an abbreviation or an old name: ${ZONE_FORM}.`);
    }
  }
  const closest = closestZones(zone);
  const hint = closest.length > 0 ? `Did you mean ${closest.join(', ')}? Or ` : 'Please ';
  throw new UserError('INPUT_INVALID', `"${shown}" is not a time zone. ${hint}${ZONE_FORM}.`);
}

/** A daily schedule: a time, a time zone, or both, in either order (`9:00`, `Europe/Berlin`, `9 am Berlin`). */
export function parseSchedule(text: string): { time: string | null; timeZone: string | null } {
  const words = text
    .normalize('NFKC')
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '');
  const times: string[] = [];
  const places: string[] = [];
  let afterTime = false;
  for (const word of words) {
    if (afterTime && /^[ap]\.?m\.?$/iu.test(word)) {
      times[times.length - 1] += word;
      afterTime = false;
    } else {
      afterTime = /^\d/u.test(word);
      (afterTime ? times : places).push(word);
    }
  }
  if (times.length > 1) {
    throw new UserError('USAGE', `Give one time, not ${times.length} (${clip(times.join(' '), 30)}).`);
  }
  return {
    time: times[0] === undefined ? null : parseLocalTime(times[0]),
    timeZone: places.length === 0 ? null : parseTimeZone(places.join(' ')),
  };
}
