import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../src/arxiv/taxonomy.ts';
import { MAX_SUGGESTIONS, type Suggestion, suggestions } from '../../../src/bot/commands/autocomplete.ts';
import { helpCommand } from '../../../src/bot/commands/build.ts';
import { parseCategoryList } from '../../../src/bot/commands/categories.ts';
import { parseTimeZone } from '../../../src/bot/commands/schedule.ts';
import { type Autocomplete, HELP_TOPICS } from '../../../src/bot/commands/table.ts';

const values = (list: Suggestion[]) => list.map((s) => s.value);

/** Discord's rules for an autocomplete answer: at most 25 choices, names and values of 1 to 100 characters. */
function expectDiscordShaped(list: Suggestion[]): void {
  expect(list.length).toBeLessThanOrEqual(25);
  for (const { name, value } of list) {
    expect(name.length, name).toBeGreaterThanOrEqual(1);
    expect(name.length, name).toBeLessThanOrEqual(100);
    expect(value.length, value).toBeGreaterThanOrEqual(1);
    expect(value.length, value).toBeLessThanOrEqual(100);
  }
}

describe('category suggestions', () => {
  it('completes the last item of a list and keeps the earlier ones in the value', () => {
    const list = suggestions('categories', 'cs.AI, cs.L');
    expect(list[0]).toEqual({ name: 'cs.AI, cs.LG - Machine Learning', value: 'cs.AI, cs.LG' });
    expect(values(list)).toEqual(['cs.AI, cs.LG', 'cs.AI, cs.LO']);
  });

  it('matches codes in any case, and a single code alone', () => {
    expect(values(suggestions('categories', 'CS.l'))).toEqual(['cs.LG', 'cs.LO']);
    expect(suggestions('categories', 'hep-th')[0]).toEqual({
      name: 'hep-th - High Energy Physics - Theory',
      value: 'hep-th',
    });
  });

  it('puts codes that start with the text first, then codes with a part that does, then names', () => {
    const list = values(suggestions('categories', 'st'));
    expect(list.slice(0, 7)).toEqual([
      'stat',
      'stat.AP',
      'stat.CO',
      'stat.ME',
      'stat.ML',
      'stat.OT',
      'stat.TH',
    ]);
    expect(list.slice(7, 11)).toEqual(['cond-mat.stat-mech', 'cond-mat.str-el', 'math.ST', 'q-fin.ST']);
    // cs.DS is found by its name, Data Structures and Algorithms: after every code that matched.
    expect(list.indexOf('cs.DS')).toBeGreaterThan(list.indexOf('astro-ph'));
  });

  it('marks a group of categories as all of them', () => {
    expect(suggestions('categories', 'math')[0]?.name).toBe('math - Mathematics (all)');
    expect(suggestions('categories', 'quant-ph')[0]?.name).toBe('quant-ph - Quantum Physics');
  });

  it('finds a category by its full name, also typed in several words', () => {
    expect(values(suggestions('categories', 'machine'))).toEqual(['cs.LG', 'stat.ML']);
    expect(values(suggestions('categories', 'cs.AI robot'))).toEqual(['cs.AI cs.RO']);
    expect(values(suggestions('categories', 'machine learn'))).toEqual(['cs.LG', 'stat.ML']);
    expect(suggestions('categories', 'cs.AI, computer vision')).toEqual([
      { name: 'cs.AI, cs.CV - Computer Vision and Pattern Recognition', value: 'cs.AI, cs.CV' },
    ]);
  });

  it('does not offer a category the list already has', () => {
    expect(values(suggestions('categories', 'cs.LG, cs.l'))).toEqual(['cs.LG, cs.LO']);
    expect(values(suggestions('categories', 'cs.lg; CS.L'))).toEqual(['cs.lg; cs.LO']);
  });

  it('offers the archives when nothing is typed for the item', () => {
    const archives = Object.keys(CATEGORIES).filter((code) => !code.includes('.'));
    expect(values(suggestions('categories', ''))).toEqual(archives.slice(0, 25));
    expect(suggestions('categories', '')[2]).toEqual({ name: 'cs - Computer Science (all)', value: 'cs' });
    expect(values(suggestions('categories', 'cs.AI, ', 2))).toEqual(['cs.AI, astro-ph', 'cs.AI, cond-mat']);
  });

  it('gives values that the categories command accepts', () => {
    for (const typed of ['', 'cs.', 'math.', 'physics', 'q-', 'cs.AI cs.', 'stat.ML,eess.', '"cs.A']) {
      const list = suggestions('categories', typed);
      expect(list.length, typed).toBeGreaterThan(0);
      expectDiscordShaped(list);
      for (const { value } of list) expect(() => parseCategoryList(value), value).not.toThrow();
    }
  });

  it('suggests nothing for text that matches no category', () => {
    expect(suggestions('categories', 'zz.top')).toEqual([]);
  });

  it('keeps names and values within 100 characters for a long list, and stops when no value fits', () => {
    const earlier = 'cs.AI, cs.CL, cs.CV, cs.IR, cs.NE, cs.RO, stat.ML, math.OC, ';
    const long = suggestions('categories', `${earlier}physics.`);
    expect(long.length).toBeGreaterThan(0);
    expectDiscordShaped(long);
    const named = long.find((s) => s.value.endsWith('physics.data-an'));
    expect(named?.name).toMatch(/^….*physics\.data-an - Data Analysis, Statistics and Probability$/u);

    // `cs.LG` would make the value 101 characters long.
    const full = `${'x'.repeat(94)}, cs.L`;
    expect(full.length + 1).toBe(101);
    expect(suggestions('categories', full)).toEqual([]);
    expect(values(suggestions('categories', full.slice(1)))).toEqual([
      `${full.slice(1)}G`,
      `${full.slice(1)}O`,
    ]);
  });
});

describe('time zone suggestions', () => {
  it('finds a zone by its city, in any case, with spaces for underscores', () => {
    expect(values(suggestions('time-zones', 'berlin'))).toEqual(['Europe/Berlin']);
    expect(values(suggestions('time-zones', 'new york'))).toEqual(['America/New_York']);
    expect(values(suggestions('time-zones', 'EUROPE/BER'))).toEqual(['Europe/Berlin']);
  });

  it('shows the current offset from UTC in the name', () => {
    expect(suggestions('time-zones', 'kathmandu')[0]?.name).toBe('Asia/Katmandu (UTC+5:45)');
    expect(suggestions('time-zones', 'Asia/Kolkata')[0]?.name).toBe('Asia/Calcutta (UTC+5:30)');
    expect(suggestions('time-zones', 'utc')[0]).toEqual({ name: 'UTC', value: 'UTC' });
  });

  it('puts zones that start with the text first, then zones with a word that does, then the rest', () => {
    const list = values(suggestions('time-zones', 'am'));
    expect(list[0]).toMatch(/^America\//u);
    const firstOther = list.findIndex((zone) => !zone.toLowerCase().startsWith('am'));
    expect(firstOther).toBe(-1);

    expect(values(suggestions('time-zones', 'paris'))).toEqual(['Europe/Paris']);

    const mixed = values(suggestions('time-zones', 'lon'));
    expect(mixed.indexOf('Europe/London')).toBeGreaterThanOrEqual(0);
    const ranks = mixed.map((zone) => {
      const lower = zone.toLowerCase();
      if (lower.startsWith('lon')) return 0;
      return lower.split(/[/_-]/u).some((word) => word.startsWith('lon')) ? 1 : 2;
    });
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks).toContain(2);
  });

  it('finds a renamed zone by its new name, as Intl spells it (as the schedule command stores it)', () => {
    expect(values(suggestions('time-zones', 'kolkata'))[0]).toBe('Asia/Calcutta');
    expect(values(suggestions('time-zones', 'kyiv'))[0]).toBe('Europe/Kiev');
    expect(values(suggestions('time-zones', 'Europe/Kyiv'))[0]).toBe('Europe/Kiev');
    expect(values(suggestions('time-zones', 'gmt'))).toEqual(['UTC']);
  });

  it('does not turn an abbreviation into a zone, which the schedule command refuses', () => {
    expect(values(suggestions('time-zones', 'est'))).not.toContain('America/Panama');
    expect(values(suggestions('time-zones', 'cet'))).not.toContain('Europe/Brussels');
  });

  it('offers UTC first when nothing is typed', () => {
    const list = suggestions('time-zones', '');
    expect(list).toHaveLength(25);
    expect(list[0]?.value).toBe('UTC');
  });

  it('gives values that the schedule command accepts as they are', () => {
    for (const typed of ['', 'a', 'europe', 'america/argentina', 'pacific', 'ind']) {
      const list = suggestions('time-zones', typed);
      expectDiscordShaped(list);
      for (const { value } of list) expect(parseTimeZone(value), value).toBe(value);
    }
  });

  it('suggests nothing for text that matches no zone', () => {
    expect(suggestions('time-zones', 'atlantis')).toEqual([]);
  });
});

describe('help topic suggestions', () => {
  it('offers every topic, in help order, when nothing is typed', () => {
    expect(values(suggestions('help-topics', ''))).toEqual([...HELP_TOPICS]);
    expect(suggestions('help-topics', '')[0]).toEqual({
      name: 'search - Search arXiv: recent papers and the arXiv API.',
      value: 'search',
    });
  });

  it('puts topics that start with the text first', () => {
    expect(values(suggestions('help-topics', 'sub'))).toEqual(['subscribe', 'unsubscribe']);
    expect(values(suggestions('help-topics', 'ME'))).toEqual(['me']);
    expect(suggestions('help-topics', 'me')[0]?.name).toBe(
      'me - The same for your own digest, sent to you by direct message.',
    );
  });

  it('gives values that help explains', () => {
    for (const { value } of suggestions('help-topics', '')) {
      expect(helpCommand(value)).toEqual({ kind: 'help', topic: value });
    }
  });
});

describe('every kind', () => {
  const kinds: Autocomplete[] = ['categories', 'time-zones', 'help-topics'];

  it('never gives more than the limit, nor more than 25', () => {
    for (const kind of kinds) {
      expect(suggestions(kind, '', 3), kind).toHaveLength(3);
      expect(suggestions(kind, '', 0), kind).toEqual([]);
      expect(suggestions(kind, '', -1), kind).toEqual([]);
      expect(suggestions(kind, '', 100).length, kind).toBeLessThanOrEqual(MAX_SUGGESTIONS);
    }
  });

  it('copes with long and odd input', () => {
    for (const kind of kinds) {
      for (const typed of ['x'.repeat(6000), '\u0000\u200b', '   ', '🦀', ',,,;;;', '(', '.*+?[']) {
        const list = suggestions(kind, typed);
        expectDiscordShaped(list);
      }
    }
  });
});
