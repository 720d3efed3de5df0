import { describe, expect, it } from 'vitest';
import { reactionAction, reactionOf } from '../../../adapters/discord/translate.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

const read = (path: string): unknown => JSON.parse(readSharedFixture(path).toString('utf8'));

describeWithSharedFixtures('MESSAGE_REACTION_ADD payloads recorded from Discord', () => {
  it('reads a custom emoji without a guild (a DM) by its name', () => {
    expect(reactionOf(read('discord/serenity/message_reaction_add_1.json'), null)).toEqual({
      emoji: 'AkaShrug',
      user: '114941315417899012',
      channel: '244567637332328449',
      guild: null,
      message: '302928389764022282',
    });
  });

  it('reads a Unicode emoji as its character, with and without the guild', () => {
    const dm = reactionOf(read('discord/serenity/message_reaction_add_2.json'), null);
    const inGuild = reactionOf(read('discord/serenity/message_reaction_add_3.json'), null);
    expect(dm?.emoji).toBe('👍');
    expect(dm?.guild).toBeNull();
    expect(inGuild?.emoji).toBe('👍');
    expect(inGuild?.guild).toMatch(/^\d{17,20}$/);
  });

  it('drops the envelope sample whose emoji is empty, and the bot’s own reactions', () => {
    const envelope = read('discord/remora/MESSAGE_REACTION_ADD.json') as { t: string; d: unknown };
    expect(envelope.t).toBe('MESSAGE_REACTION_ADD');
    // A reaction needs an emoji to compare with the summary emoji: an empty one is not acted on.
    expect(reactionOf(envelope.d, null)).toBeNull();
    const own = read('discord/serenity/message_reaction_add_3.json') as { user_id: string };
    expect(reactionOf(own, own.user_id)).toBeNull();
  });
});

// The shared fixtures hold no MESSAGE_REACTION_REMOVE. Discord documents its `d` as the add's user_id,
// channel_id, message_id, guild_id and emoji (plus burst and type), without member and message_author_id:
// the recorded add payloads with those left out are that shape.
describeWithSharedFixtures('MESSAGE_REACTION_REMOVE, in the shape of the recorded adds', () => {
  it('reads a removal as the same reaction, and says which dispatch is which', () => {
    const recorded = read('discord/serenity/message_reaction_add_3.json') as Record<string, unknown>;
    const { member: _member, message_author_id: _author, ...removal } = recorded;
    expect(reactionOf({ ...removal, burst: false, type: 0 }, null)).toEqual(reactionOf(recorded, null));
    expect(reactionOf(removal, null)?.emoji).toBe('👍');
    expect(reactionAction('MESSAGE_REACTION_ADD')).toBe('added');
    expect(reactionAction('MESSAGE_REACTION_REMOVE')).toBe('removed');
    for (const other of [
      'MESSAGE_REACTION_REMOVE_ALL',
      'MESSAGE_REACTION_REMOVE_EMOJI',
      'MESSAGE_CREATE',
      42,
    ]) {
      expect(reactionAction(other)).toBeNull();
    }
  });
});

describe('malformed reaction payloads', () => {
  it('are dropped, never thrown on', () => {
    for (const payload of [null, 42, 'x', {}, { user_id: 'u', channel_id: 'c', message_id: 'm' }]) {
      expect(reactionOf(payload, null)).toBeNull();
    }
    expect(
      reactionOf(
        {
          user_id: '1'.repeat(18),
          channel_id: '2'.repeat(18),
          message_id: '3'.repeat(18),
          emoji: { name: 7 },
        },
        null,
      ),
    ).toBeNull();
  });
});
