import { describe, expect, it } from 'vitest';
import {
  isoWeekId,
  latestWeeklyInstant,
  nextWeeklyInstant,
  previousWeek,
} from '../../../src/schedule/calendar.ts';

const at = (iso: string) => new Date(iso);

describe('weekly rollup calendar', () => {
  it('finds the latest and next weekly instant in the zone', () => {
    const monday = { day: 'monday', time: '09:00', timeZone: 'Europe/Berlin' } as const;
    // Monday 2026-02-09 09:00 Berlin is 08:00 UTC.
    expect(latestWeeklyInstant(at('2026-02-09T08:00:00Z'), monday).toISOString()).toBe(
      '2026-02-09T08:00:00.000Z',
    );
    expect(latestWeeklyInstant(at('2026-02-09T07:59:00Z'), monday).toISOString()).toBe(
      '2026-02-02T08:00:00.000Z',
    );
    expect(latestWeeklyInstant(at('2026-02-13T12:00:00Z'), monday).toISOString()).toBe(
      '2026-02-09T08:00:00.000Z',
    );
    expect(nextWeeklyInstant(at('2026-02-09T08:00:00Z'), monday).toISOString()).toBe(
      '2026-02-16T08:00:00.000Z',
    );
    const sunday = { day: 'sunday', time: '23:30', timeZone: 'America/New_York' } as const;
    expect(latestWeeklyInstant(at('2026-02-09T05:00:00Z'), sunday).toISOString()).toBe(
      '2026-02-09T04:30:00.000Z',
    );
  });

  it('keeps the local time across daylight saving time', () => {
    const monday = { day: 'monday', time: '09:00', timeZone: 'Europe/Berlin' } as const;
    // Summer time starts on Sunday 2026-03-29: the Monday after is 09:00 CEST, 07:00 UTC.
    expect(latestWeeklyInstant(at('2026-03-30T12:00:00Z'), monday).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
  });

  it('rolls up the last complete Monday-to-Sunday week, by its ISO week', () => {
    const week = previousWeek(at('2026-02-09T08:00:00Z'), 'Europe/Berlin');
    expect(week).toEqual({
      id: '2026-W06',
      first: '2026-02-02',
      last: '2026-02-08',
      start: at('2026-02-01T23:00:00Z'),
      end: at('2026-02-08T23:00:00Z'),
    });
    // Any day of the next week rolls up the same week.
    expect(previousWeek(at('2026-02-15T20:00:00Z'), 'Europe/Berlin').id).toBe('2026-W06');
    expect(isoWeekId('2026-01-01')).toBe('2026-W01');
    expect(isoWeekId('2027-01-01')).toBe('2026-W53');
    expect(isoWeekId('2024-12-30')).toBe('2025-W01');
  });
});
