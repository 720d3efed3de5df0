import { parse } from 'node:querystring';
import { expect, it } from 'vitest';
import {
  commandOrigin,
  type ReactionCallback,
  reactionOnMessage,
  type SlashCommandFields,
} from '../../../adapters/slack/translate.ts';
import { readSigningVector } from '../../fakes/slack/signing-vector.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

const json = (name: string) => JSON.parse(readSharedFixture(`slack/${name}`).toString('utf8'));

it('reads a command typed in a direct message as typed in the user’s own target', () => {
  const origin = commandOrigin({
    team_id: 'T1',
    channel_id: 'D42',
    user_id: 'U7',
    command: '/arxiv',
    text: 'me list',
  });
  expect(origin).toEqual({ text: 'me list', user: 'slack:T1:@U7', channel: 'slack:T1:@U7' });
});

it('ignores a reaction to something other than a message', () => {
  const callback: ReactionCallback = {
    team_id: 'T1',
    event: { type: 'reaction_added', user: 'U1', reaction: 'memo', item: { type: 'file' } },
  };
  expect(reactionOnMessage(callback, 'T1')).toBeNull();
});

it('ignores events that are neither reaction_added nor reaction_removed', () => {
  const callback = {
    team_id: 'T1',
    event: {
      type: 'reaction_changed',
      user: 'U1',
      reaction: 'memo',
      item: { type: 'message', channel: 'C1', ts: '1.2' },
    },
  };
  expect(reactionOnMessage(callback, 'T1')).toBeNull();
  callback.event.type = 'reaction_removed';
  expect(reactionOnMessage(callback, 'T1')).toMatchObject({ action: 'removed', emoji: 'memo' });
});

describeWithSharedFixtures('Slack translation on the recorded payloads', () => {
  it('reads the slash command of the documented signing example', () => {
    const fields = parse(readSigningVector().body) as unknown as SlashCommandFields;
    expect(commandOrigin(fields)).toEqual({
      text: '',
      user: 'slack:T1DC2JH3J:@U2CERLKJA',
      channel: 'slack:T1DC2JH3J:G8PSS9T3V',
    });
  });

  it('finds every field it reads in the recorded slash-command field set', () => {
    const recorded = json('java-slack-sdk/SlashCommandPayload.json') as Record<string, unknown>;
    for (const field of ['team_id', 'channel_id', 'user_id', 'command', 'text', 'response_url']) {
      expect(recorded).toHaveProperty(field);
    }
  });

  it('reads reaction_added in the older envelope (python-slack-events-api)', () => {
    const recorded = json('python-slack-events-api/reaction_added.json') as ReactionCallback;
    expect(reactionOnMessage(recorded, 'TOTHER')).toEqual({
      action: 'added',
      team: 'T0JFD6M53',
      user: 'slack:T0JFD6M53:@U27FFLNF4',
      emoji: 'grinning',
      channel: 'D2AQCJCQ2',
      ts: '1477958101.000004',
    });
  });

  it('reads reaction_added in the current envelope (java-slack-sdk), once its blanked values are filled in', () => {
    const recorded = json('java-slack-sdk/ReactionAddedPayload.json');
    // Blank as recorded: nothing to act on, and no error.
    expect(reactionOnMessage(recorded, 'T1')).toBeNull();
    recorded.team_id = 'T9';
    recorded.event.user = 'U5';
    recorded.event.reaction = 'memo';
    recorded.event.item.channel = 'C8';
    expect(reactionOnMessage(recorded, 'T1')).toEqual({
      action: 'added',
      team: 'T9',
      user: 'slack:T9:@U5',
      emoji: 'memo',
      channel: 'C8',
      ts: '0000000000.000000',
    });
  });

  // The shared fixtures hold no reaction_removed payload. Slack documents reaction_removed with exactly
  // reaction_added's fields (https://api.slack.com/events/reaction_removed), and java-slack-sdk's recorded
  // ReactionRemovedPayload.json differs from its ReactionAddedPayload.json only in `type` (and in having
  // authed_users instead of authorizations): so the recorded envelopes are read with their type changed.
  it('reads reaction_removed in both envelopes as a removal of the same reaction', () => {
    const older = json('python-slack-events-api/reaction_added.json');
    older.event.type = 'reaction_removed';
    expect(reactionOnMessage(older, 'TOTHER')).toEqual({
      action: 'removed',
      team: 'T0JFD6M53',
      user: 'slack:T0JFD6M53:@U27FFLNF4',
      emoji: 'grinning',
      channel: 'D2AQCJCQ2',
      ts: '1477958101.000004',
    });
    const current = json('java-slack-sdk/ReactionAddedPayload.json');
    current.event.type = 'reaction_removed';
    delete current.authorizations;
    current.authed_users = [''];
    expect(reactionOnMessage(current, 'T1')).toBeNull();
    current.team_id = 'T9';
    current.event.user = 'U5';
    current.event.reaction = '+1::skin-tone-2';
    current.event.item.channel = 'C8';
    expect(reactionOnMessage(current, 'T1')).toMatchObject({
      action: 'removed',
      user: 'slack:T9:@U5',
      emoji: '+1::skin-tone-2',
      ts: '0000000000.000000',
    });
  });
});
