import { describe, expect, it } from 'vitest';
import { announcementDate } from '../../../src/arxiv/rss.ts';
import {
  addDays,
  expectsAnnouncement,
  latestAnnouncement,
  latestScheduledInstant,
  localDateTime,
  nextScheduledInstant,
  scheduledInstant,
} from '../../../src/schedule/calendar.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

const at = (iso: string) => new Date(iso);
const run = (date: string, time: string, timeZone: string) =>
  scheduledInstant(date, { time, timeZone }).toISOString();

describe('localDateTime', () => {
  it('reads the clock of each zone at one instant', () => {
    const instant = at('2025-01-06T23:30:00Z');
    expect(localDateTime(instant, 'UTC')).toEqual({ date: '2025-01-06', time: '23:30', weekday: 1 });
    expect(localDateTime(instant, 'Europe/Berlin')).toEqual({
      date: '2025-01-07',
      time: '00:30',
      weekday: 2,
    });
    expect(localDateTime(instant, 'America/New_York')).toEqual({
      date: '2025-01-06',
      time: '18:30',
      weekday: 1,
    });
    expect(localDateTime(instant, 'Asia/Kolkata')).toEqual({ date: '2025-01-07', time: '05:00', weekday: 2 });
    expect(localDateTime(instant, 'Asia/Kathmandu')).toEqual({
      date: '2025-01-07',
      time: '05:15',
      weekday: 2,
    });
  });

  it('shows midnight as 00:00, not 24:00', () => {
    expect(localDateTime(at('2025-01-06T23:00:00Z'), 'Europe/Berlin').time).toBe('00:00');
  });

  it('drops the seconds', () => {
    expect(localDateTime(at('2025-01-06T08:00:59.999Z'), 'UTC').time).toBe('08:00');
  });
});

describe('scheduledInstant', () => {
  it('places one local time at each zone’s own instant', () => {
    expect(run('2025-01-06', '08:00', 'Europe/Berlin')).toBe('2025-01-06T07:00:00.000Z');
    expect(run('2025-01-06', '08:00', 'America/New_York')).toBe('2025-01-06T13:00:00.000Z');
    expect(run('2025-07-07', '08:00', 'Europe/Berlin')).toBe('2025-07-07T06:00:00.000Z');
    expect(run('2025-07-07', '08:00', 'America/New_York')).toBe('2025-07-07T12:00:00.000Z');
  });

  it('handles zones with half-hour and quarter-hour offsets', () => {
    expect(run('2025-01-06', '08:00', 'Asia/Kolkata')).toBe('2025-01-06T02:30:00.000Z');
    expect(run('2025-01-06', '08:00', 'Asia/Kathmandu')).toBe('2025-01-06T02:15:00.000Z');
    // Adelaide is +10:30 in its summer (January) and +09:30 in winter.
    expect(run('2025-01-06', '08:00', 'Australia/Adelaide')).toBe('2025-01-05T21:30:00.000Z');
    expect(run('2025-07-07', '08:00', 'Australia/Adelaide')).toBe('2025-07-06T22:30:00.000Z');
  });

  it('runs a time the spring-forward gap skips at the first minute after the gap', () => {
    // Berlin, 2025-03-30: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    expect(run('2025-03-30', '01:59', 'Europe/Berlin')).toBe('2025-03-30T00:59:00.000Z');
    expect(run('2025-03-30', '02:00', 'Europe/Berlin')).toBe('2025-03-30T01:00:00.000Z');
    expect(run('2025-03-30', '02:30', 'Europe/Berlin')).toBe('2025-03-30T01:00:00.000Z');
    expect(run('2025-03-30', '02:59', 'Europe/Berlin')).toBe('2025-03-30T01:00:00.000Z');
    expect(run('2025-03-30', '03:00', 'Europe/Berlin')).toBe('2025-03-30T01:00:00.000Z');
    expect(run('2025-03-30', '03:01', 'Europe/Berlin')).toBe('2025-03-30T01:01:00.000Z');
    // New York, 2025-03-09: 02:00 EST becomes 03:00 EDT (07:00 UTC).
    expect(run('2025-03-09', '02:30', 'America/New_York')).toBe('2025-03-09T07:00:00.000Z');
  });

  it('runs a time the fall-back repeats once, at its first occurrence', () => {
    // Berlin, 2025-10-26: 03:00 CEST goes back to 02:00 CET, so 02:30 is 00:30 UTC and again 01:30 UTC.
    expect(run('2025-10-26', '02:30', 'Europe/Berlin')).toBe('2025-10-26T00:30:00.000Z');
    // New York, 2025-11-02: 02:00 EDT goes back to 01:00 EST, so 01:30 is 05:30 UTC and again 06:30 UTC.
    expect(run('2025-11-02', '01:30', 'America/New_York')).toBe('2025-11-02T05:30:00.000Z');
    expect(run('2025-11-02', '02:00', 'America/New_York')).toBe('2025-11-02T07:00:00.000Z');
  });

  it('follows a daylight-saving shift of half an hour (Lord Howe Island)', () => {
    // 2025-10-05: 02:00 (+10:30) becomes 02:30 (+11:00) at 15:30 UTC the day before.
    expect(run('2025-10-05', '02:15', 'Australia/Lord_Howe')).toBe('2025-10-04T15:30:00.000Z');
    expect(run('2025-10-05', '02:30', 'Australia/Lord_Howe')).toBe('2025-10-04T15:30:00.000Z');
    // 2025-04-06: 02:00 (+11:00) goes back to 01:30 (+10:30); 01:45 comes first at 14:45 UTC.
    expect(run('2025-04-06', '01:45', 'Australia/Lord_Howe')).toBe('2025-04-05T14:45:00.000Z');
  });

  it('refuses a malformed time, date or zone', () => {
    expect(() => run('2025-01-06', '8:00', 'UTC')).toThrow(RangeError);
    expect(() => run('2025-01-06', '24:00', 'UTC')).toThrow(/HH:MM/);
    expect(() => run('2025-02-30', '08:00', 'UTC')).toThrow(/not a date/);
    expect(() => run('2025-01-06', '08:00', 'Mars/Olympus_Mons')).toThrow(/Mars\/Olympus_Mons/);
  });
});

describe('latestScheduledInstant and nextScheduledInstant', () => {
  const berlin = { time: '08:00', timeZone: 'Europe/Berlin' };

  it('give today’s run once it has come, yesterday’s before', () => {
    expect(latestScheduledInstant(at('2025-01-06T06:59:59Z'), berlin).toISOString()).toBe(
      '2025-01-05T07:00:00.000Z',
    );
    expect(latestScheduledInstant(at('2025-01-06T07:00:00Z'), berlin).toISOString()).toBe(
      '2025-01-06T07:00:00.000Z',
    );
    expect(nextScheduledInstant(at('2025-01-06T06:59:59Z'), berlin).toISOString()).toBe(
      '2025-01-06T07:00:00.000Z',
    );
    expect(nextScheduledInstant(at('2025-01-06T07:00:00Z'), berlin).toISOString()).toBe(
      '2025-01-07T07:00:00.000Z',
    );
  });

  it('use the local date, which may differ from the UTC date', () => {
    const auckland = { time: '07:00', timeZone: 'Pacific/Auckland' };
    // 2025-01-06 18:30 UTC is 2025-01-07 07:30 in Auckland (+13).
    expect(latestScheduledInstant(at('2025-01-06T18:30:00Z'), auckland).toISOString()).toBe(
      '2025-01-06T18:00:00.000Z',
    );
  });

  it('keep a repeated local time to one run on the fall-back day', () => {
    const schedule = { time: '02:30', timeZone: 'Europe/Berlin' };
    // During the second 02:30 (01:30 UTC) the latest run is still the first one.
    expect(latestScheduledInstant(at('2025-10-26T01:45:00Z'), schedule).toISOString()).toBe(
      '2025-10-26T00:30:00.000Z',
    );
    expect(nextScheduledInstant(at('2025-10-26T00:30:00Z'), schedule).toISOString()).toBe(
      '2025-10-27T01:30:00.000Z',
    );
  });

  it('hold latest <= now < next, with no run between, for any instant and zone', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'America/Santiago',
      'Asia/Tehran',
    ];
    const times = ['00:00', '00:30', '01:30', '02:30', '03:00', '08:00', '23:59'];
    let seed = 20250330;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const start = Date.parse('2024-01-01T00:00:00Z');
    const span = Date.parse('2027-01-01T00:00:00Z') - start;
    for (let sample = 0; sample < 3000; sample++) {
      const now = new Date(start + Math.floor(random() * span));
      const schedule = {
        time: times[sample % times.length] ?? '08:00',
        timeZone: zones[Math.floor(random() * zones.length)] ?? 'UTC',
      };
      const latest = latestScheduledInstant(now, schedule);
      const next = nextScheduledInstant(now, schedule);
      const context = `${now.toISOString()} ${schedule.time} ${schedule.timeZone}`;
      expect(latest.getTime(), context).toBeLessThanOrEqual(now.getTime());
      expect(next.getTime(), context).toBeGreaterThan(now.getTime());
      expect(nextScheduledInstant(latest, schedule).getTime(), context).toBe(next.getTime());
      // Consecutive runs are a day apart, give or take a daylight-saving shift.
      expect(Math.abs(next.getTime() - latest.getTime() - 86_400_000), context).toBeLessThanOrEqual(
        3_600_000,
      );
    }
  });

  it('give every day of a year its run at the local time, or just after a gap, with a day between runs', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago'];
    for (const timeZone of zones) {
      for (const time of ['00:00', '00:30', '01:30', '02:00', '02:30', '08:00']) {
        let previous: Date | undefined;
        for (let date = '2025-01-01'; date < '2026-01-01'; date = addDays(date, 1)) {
          const instant = scheduledInstant(date, { time, timeZone });
          const shown = localDateTime(instant, timeZone);
          const context = `${date} ${time} ${timeZone}`;
          if (shown.time !== time) {
            // Only a skipped time moves, to the minute the clock lands on after jumping over it.
            const before = localDateTime(new Date(instant.getTime() - 60_000), timeZone);
            expect(`${before.date} ${before.time}` < `${date} ${time}`, context).toBe(true);
            expect(`${shown.date} ${shown.time}` > `${date} ${time}`, context).toBe(true);
          } else {
            expect(shown.date, context).toBe(date);
            // A repeated time runs at its first occurrence: half an hour and an hour earlier (the shifts these
            // zones make) the clock showed other times.
            for (const earlier of [1_800_000, 3_600_000]) {
              expect(localDateTime(new Date(instant.getTime() - earlier), timeZone).time, context).not.toBe(
                time,
              );
            }
          }
          if (previous) {
            expect(
              latestScheduledInstant(new Date(instant.getTime() - 1), { time, timeZone }),
              context,
            ).toEqual(previous);
          }
          previous = instant;
        }
      }
    }
  });

  it('gives a day the clock skips whole (Samoa, 2011-12-30) its run at the first minute after it', () => {
    const schedule = { time: '08:00', timeZone: 'Pacific/Apia' };
    expect(run('2011-12-30', '08:00', 'Pacific/Apia')).toBe('2011-12-30T10:00:00.000Z');
    expect(localDateTime(at('2011-12-30T10:00:00Z'), 'Pacific/Apia')).toMatchObject({
      date: '2011-12-31',
      time: '00:00',
    });
    expect(nextScheduledInstant(at('2011-12-30T10:00:00Z'), schedule).toISOString()).toBe(
      '2011-12-30T18:00:00.000Z',
    );
  });
});

describe('addDays', () => {
  it('moves across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
});

describe('arXiv announcements', () => {
  it('expects a listing on weekdays, none dated Saturday or Sunday', () => {
    const week = [
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-08',
      '2025-03-09',
    ];
    expect(week.map((date) => expectsAnnouncement(date))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('expects no listing after a holiday evening', () => {
    // Thanksgiving 2025 (Thursday 27 November): no announcement that evening, so no listing dated Friday.
    expect(expectsAnnouncement('2025-11-27')).toBe(true);
    expect(expectsAnnouncement('2025-11-28')).toBe(false);
    // Sunday 6 July 2025 is listed: no Monday listing.
    expect(expectsAnnouncement('2025-07-07')).toBe(false);
    expect(expectsAnnouncement('2025-03-04', new Set(['2025-03-03']))).toBe(false);
    expect(expectsAnnouncement('2025-03-04', new Set())).toBe(true);
  });

  it('names the newest listing released by an instant (20:00 US Eastern the evening before)', () => {
    // Monday 2025-03-03 19:59 EST: Sunday evening's announcement (dated Monday) is the newest.
    expect(latestAnnouncement(at('2025-03-04T00:59:00Z'))).toEqual({
      announced: '2025-03-03',
      releasedAt: at('2025-03-03T01:00:00Z'),
    });
    expect(latestAnnouncement(at('2025-03-04T01:00:00Z')).announced).toBe('2025-03-04');
    // All weekend, Friday's listing (released Thursday evening) stays the newest.
    expect(latestAnnouncement(at('2025-03-09T23:00:00Z')).announced).toBe('2025-03-07');
    // In summer 20:00 EDT is 00:00 UTC.
    expect(latestAnnouncement(at('2025-07-01T00:00:00Z')).releasedAt).toEqual(at('2025-07-01T00:00:00Z'));
    // Over Thanksgiving 2025, Thursday's listing stays the newest until Sunday evening.
    expect(latestAnnouncement(at('2025-11-30T12:00:00Z')).announced).toBe('2025-11-27');
  });
});

describeWithSharedFixtures('arXiv announcements against a recorded feed', () => {
  it('expects the listing arXiv served on Thanksgiving 2024, a listed holiday', () => {
    const xml = readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml').toString('utf8');
    const pubDate = /<pubDate>([^<]+)<\/pubDate>/.exec(xml)?.[1] ?? '';
    const announced = announcementDate(pubDate);
    expect(announced).toBe('2024-11-28');
    expect(expectsAnnouncement(announced ?? '')).toBe(true);
    expect(expectsAnnouncement('2024-11-29')).toBe(false);
  });
});
