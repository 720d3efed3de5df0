import { describe, expect, it } from 'vitest';
import { addAuthors, removeAuthors } from '../../../src/bot/commands/follow.ts';
import { parseCommand } from '../../../src/bot/commands/grammar.ts';
import { MAX_FOLLOWED } from '../../../src/digest/authors.ts';
import { UserError } from '../../../src/errors.ts';

describe('follow and unfollow commands', () => {
  it('read names separated by semicolons or lines, commas kept for Last, First', () => {
    expect(parseCommand('follow  Yann   LeCun ;Hinton, Geoffrey\nY. Bengio;')).toEqual({
      kind: 'follow',
      scope: 'channel',
      authors: ['Yann LeCun', 'Hinton, Geoffrey', 'Y. Bengio'],
    });
    expect(parseCommand('me unfollow All')).toEqual({ kind: 'unfollow', scope: 'user', authors: 'all' });
  });

  it('refuse a surname alone and a name holding markup, with the usage line', () => {
    for (const text of [
      'follow LeCun',
      'follow Yann LeCun; Hinton',
      'follow <@U123> LeCun',
      'follow @here Yann LeCun',
    ]) {
      const error = (() => {
        try {
          parseCommand(text);
        } catch (caught) {
          return caught;
        }
        return null;
      })();
      expect(error, text).toBeInstanceOf(UserError);
      expect((error as UserError).userMessage, text).toContain('Usage: /arxiv follow <author name>');
    }
  });
});

describe('the follow list', () => {
  it('keeps one name per author, as first typed, up to the limit', () => {
    expect(addAuthors(['Yann LeCun'], ['LeCun, Yann', 'Geoffrey Hinton', 'G. Hinton'])).toEqual([
      'Yann LeCun',
      'Geoffrey Hinton',
      'G. Hinton',
    ]);
    const many = Array.from({ length: MAX_FOLLOWED }, (_, i) => `Ada Person${i}`);
    expect(addAuthors(many, ['Ada Person0'])).toHaveLength(MAX_FOLLOWED);
    expect(() => addAuthors(many, ['Alan Turing'])).toThrow(/the limit is 50/);
  });

  it('removes a name by any spelling of it, but never guesses between two', () => {
    const list = ['Yann LeCun', 'Yves LeCun', 'Geoffrey Hinton'];
    expect(removeAuthors(list, ['lecun, yann'], 'channel')).toEqual(['Yves LeCun', 'Geoffrey Hinton']);
    expect(removeAuthors(list, ['G. E. Hinton'], 'channel')).toEqual(['Yann LeCun', 'Yves LeCun']);
    expect(() => removeAuthors(list, ['Y. LeCun'], 'user')).toThrow(
      'Your digest does not follow "Y. LeCun". It follows: Yann LeCun; Yves LeCun; Geoffrey Hinton.',
    );
    expect(removeAuthors(list, 'all', 'channel')).toEqual([]);
  });
});
