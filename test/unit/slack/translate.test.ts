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
      team: 'T9',
      user: 'slack:T9:@U5',
      emoji: 'memo',
      channel: 'C8',
      ts: '0000000000.000000',
    });
  });
});
