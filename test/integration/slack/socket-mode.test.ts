import { afterEach, describe, expect, it } from 'vitest';
import type { SlackAdapter } from '../../../adapters/slack/slack-adapter.ts';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';
import { Inbox, type Workspace, workspace } from './harness.ts';

let ws: Workspace;
let adapter: SlackAdapter | null = null;

afterEach(async () => {
  await adapter?.stop();
  adapter = null;
  await ws?.fake.close();
});

async function started(
  options: Parameters<Workspace['adapter']>[0] = {},
): Promise<{ adapter: SlackAdapter; inbox: Inbox }> {
  const inbox = new Inbox();
  adapter = ws.adapter(options);
  await adapter.start(inbox);
  return { adapter, inbox };
}

describe('Slack adapter over Socket Mode: connecting', () => {
  it('checks the bot token with auth.test, connects over the socket and names workspace and bot in health', async () => {
    ws = await workspace();
    const { adapter } = await started();
    expect(ws.fake.callsTo('auth.test')).toHaveLength(1);
    expect(ws.fake.callsTo('apps.connections.open')).toHaveLength(1);
    expect(ws.fake.openSockets).toBe(1);
    expect(adapter.mode).toBe('socket');
    expect(adapter.health()).toEqual({
      connected: true,
      detail: `slack: workspace Fake Lab (${ws.fake.teamId}) as @arxiv-digest, Socket Mode`,
    });
  });

  it('stops start-up with a message naming SLACK_BOT_TOKEN when Slack rejects it', async () => {
    ws = await workspace();
    adapter = ws.adapter({ botToken: 'xoxb-revoked-or-mistyped' });
    const starting = adapter.start(new Inbox());
    await expect(starting).rejects.toBeInstanceOf(UserError);
    await expect(starting).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect(ws.fake.callsTo('apps.connections.open')).toHaveLength(0);
    expect(adapter.health().connected).toBe(false);
  });

  it('stops start-up with a message naming SLACK_APP_TOKEN when Slack rejects it', async () => {
    ws = await workspace();
    adapter = ws.adapter({ appToken: 'xapp-1-wrong' });
    await expect(adapter.start(new Inbox())).rejects.toThrow(/SLACK_APP_TOKEN \(invalid_auth\)/);
    expect(ws.fake.openSockets).toBe(0);
  });

  it('refuses missing or malformed credentials before any request, naming the variable', async () => {
    ws = await workspace();
    const made = (options: Partial<ConstructorParameters<typeof SlackAdapter>[0]>) => () =>
      ws.adapter(options);
    expect(made({ botToken: '' })).toThrow(/SLACK_BOT_TOKEN is missing/);
    expect(made({ botToken: 'xoxp-a-user-token' })).toThrow(/SLACK_BOT_TOKEN is not a bot token/);
    expect(made({ appToken: 'xoxb-not-an-app-token' })).toThrow(/SLACK_APP_TOKEN is not an app-level token/);
    expect(made({ appToken: undefined, signingSecret: undefined })).toThrow(
      /SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET/,
    );
    expect(ws.fake.calls).toHaveLength(0);
  });

  it('reports an unreachable Slack as a retryable external failure', async () => {
    ws = await workspace();
    const url = ws.fake.apiUrl;
    await ws.fake.close();
    adapter = ws.adapter({ apiUrl: url });
    const starting = adapter.start(new Inbox());
    await expect(starting).rejects.toBeInstanceOf(ExternalError);
    await expect(starting).rejects.toMatchObject({ retryable: true });
  });

  it('shows a dropped connection in health and reconnects by itself', async () => {
    ws = await workspace();
    const { adapter, inbox } = await started({ clientPingTimeoutMs: 150 });
    ws.fake.disconnectSockets();
    await ws.fake.waitFor(() => !adapter.health().connected, 3000, 'the adapter to notice');
    expect(adapter.health().detail).toMatch(/Socket Mode disconnected.*reconnecting/);
    await ws.fake.waitFor(
      () => adapter.health().connected && ws.fake.openSockets === 1,
      5000,
      'a reconnection',
    );
    expect(ws.fake.callsTo('apps.connections.open')).toHaveLength(2);
    await ws.fake.slashCommand({ user: ws.ada.id, channel: ws.papers.id, text: 'list' });
    await ws.fake.waitFor(() => inbox.commands.length === 1, 3000, 'the command after reconnecting');
  });
});

describe('Slack adapter over Socket Mode: commands', () => {
  it('acknowledges /arxiv at once, before the handler finishes, and answers through respond', async () => {
    ws = await workspace();
    const { inbox } = await started();
    let finish: () => void = () => {};
    inbox.onEachCommand = async (event) => {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      await event.respond({ text: 'Found 3 papers', blocks: [] }, 'private');
      await event.respond({ text: 'Subscribed to diffusion', blocks: [] }, 'channel');
    };
    const delivery = await ws.fake.slashCommand({
      user: ws.ada.id,
      channel: ws.papers.id,
      text: 'search diffusion',
    });
    await ws.fake.acknowledged(delivery);
    expect(delivery.ack).toEqual({});
    expect(inbox.commands).toHaveLength(1);
    expect(ws.fake.answers).toHaveLength(0);
    finish();
    await ws.fake.waitFor(() => ws.fake.answers.length === 2, 3000, 'the answers');
    expect(ws.fake.answers.map((a) => [a.body.response_type, a.body.text])).toEqual([
      ['ephemeral', 'Found 3 papers'],
      ['in_channel', 'Subscribed to diffusion'],
    ]);
    // An answer for the channel shows in it; a private one does not.
    expect(ws.fake.messagesIn(ws.papers.id).map((m) => m.text)).toEqual(['Subscribed to diffusion']);
  });

  it("answers the user privately with a failing command's message, or an apology for a bug", async () => {
    ws = await workspace();
    const { inbox } = await started();
    inbox.onEachCommand = async (event) => {
      if (event.text === 'bad') throw new UserError('USAGE', 'Usage: /arxiv search <query>');
      throw new Error('a bug');
    };
    await ws.fake.slashCommand({ user: ws.ada.id, channel: ws.papers.id, text: 'bad' });
    await ws.fake.slashCommand({ user: ws.ada.id, channel: ws.papers.id, text: 'crash' });
    await ws.fake.waitFor(() => ws.fake.answers.length === 2, 3000, 'the answers');
    const texts = ws.fake.answers.map((a) => [a.body.response_type, a.body.text]);
    expect(texts).toContainEqual(['ephemeral', 'Usage: /arxiv search &lt;query&gt;']);
    expect(texts).toContainEqual(['ephemeral', 'That failed unexpectedly; the log has the details.']);
    expect(ws.logs.lines.some((line) => line.msg === 'a command failed in the bot')).toBe(true);
  });

  it('tells the user to invite the bot when a command needs a channel the bot is not in', async () => {
    ws = await workspace();
    const outside = ws.fake.addChannel({ name: 'elsewhere', members: [ws.ada.id], bot: false });
    const { adapter, inbox } = await started();
    inbox.onEachCommand = async (event) => {
      // What `/arxiv digest` does: post to the channel it was typed in.
      await adapter.post(event.channel, { text: 'digest', blocks: [] });
    };
    await ws.fake.slashCommand({ user: ws.ada.id, channel: outside.id, text: 'digest' });
    await ws.fake.waitFor(() => ws.fake.answers.length === 1, 3000, 'the answer');
    expect(ws.fake.answers[0]?.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ws.fake.answers[0]?.body.text)).toContain('Invite me with /invite @arxiv-digest');
    expect(
      ws.logs.messages().some((m) => m.includes(`cannot post to slack:${ws.fake.teamId}:${outside.id}`)),
    ).toBe(true);
  });

  it('answers a command that is not its own instead of letting it time out', async () => {
    ws = await workspace();
    const { inbox } = await started();
    const delivery = await ws.fake.slashCommand({
      user: ws.ada.id,
      channel: ws.papers.id,
      text: '',
      command: '/other',
    });
    await ws.fake.acknowledged(delivery);
    expect(delivery.ack).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/arxiv'),
    });
    expect(inbox.commands).toHaveLength(0);
  });
});

describe('Slack adapter over Socket Mode: reactions', () => {
  it('hands over a reaction to a thread reply with its thread, and ignores reactions to files', async () => {
    ws = await workspace();
    const { inbox } = await started();
    const root = ws.fake.postAsUser(ws.ada.id, ws.papers.id, 'root');
    const reply = ws.fake.postAsUser(ws.ada.id, ws.papers.id, 'see https://arxiv.org/abs/2401.00001', root);
    await ws.fake.react({ user: ws.ada.id, channel: ws.papers.id, ts: reply, reaction: 'memo' });
    await ws.fake.waitFor(() => inbox.reactions.length === 1, 3000, 'the reaction');
    expect(inbox.reactions[0]).toEqual({
      platform: 'slack',
      action: 'added',
      emoji: 'memo',
      user: ws.user,
      message: { target: ws.channel, id: reply, threadId: root },
    });
    const fileReaction = await ws.fake.deliver('events_api', {
      team_id: ws.fake.teamId,
      type: 'event_callback',
      event: {
        type: 'reaction_added',
        user: ws.ada.id,
        reaction: 'memo',
        item: { type: 'file', file: 'F1' },
      },
    });
    await ws.fake.acknowledged(fileReaction);
    expect(inbox.reactions).toHaveLength(1);
  });

  it('hands over a removed reaction (reaction_removed) as removed', async () => {
    ws = await workspace();
    const { inbox } = await started();
    const ts = ws.fake.postAsUser(ws.ada.id, ws.papers.id, 'a paper: https://arxiv.org/abs/2401.00001');
    await ws.fake.react({ user: ws.ada.id, channel: ws.papers.id, ts, reaction: '+1' });
    const removed = await ws.fake.unreact({ user: ws.ada.id, channel: ws.papers.id, ts, reaction: '+1' });
    expect(removed?.payload).toMatchObject({ event: { type: 'reaction_removed', reaction: '+1' } });
    await ws.fake.waitFor(() => inbox.reactions.length === 2, 3000, 'the removal');
    expect(inbox.reactions.map((event) => [event.action, event.emoji, event.message.id])).toEqual([
      ['added', '+1', ts],
      ['removed', '+1', ts],
    ]);
    // Slack sends no reaction_removed for a reaction that is not there.
    expect(await ws.fake.unreact({ user: ws.ada.id, channel: ws.papers.id, ts, reaction: '+1' })).toBeNull();
  });
});

describeWithSharedFixtures('Slack adapter over Socket Mode: the recorded reaction_added payloads', () => {
  const recorded = (name: string) => JSON.parse(readSharedFixture(`slack/${name}`).toString('utf8'));

  it('accepts the older envelope as recorded, a reaction in a direct message naming the user as target', async () => {
    ws = await workspace({ teamId: 'T0JFD6M53' });
    ws.fake.addUser('reactor', 'U27FFLNF4');
    ws.fake.imWith('U27FFLNF4', 'D2AQCJCQ2');
    const { inbox } = await started();
    const delivery = await ws.fake.deliver(
      'events_api',
      recorded('python-slack-events-api/reaction_added.json'),
    );
    await ws.fake.acknowledged(delivery);
    await ws.fake.waitFor(() => inbox.reactions.length === 1, 3000, 'the reaction');
    expect(inbox.reactions[0]).toEqual({
      platform: 'slack',
      action: 'added',
      emoji: 'grinning',
      user: 'slack:T0JFD6M53:@U27FFLNF4',
      message: { target: 'slack:T0JFD6M53:@U27FFLNF4', id: '1477958101.000004' },
    });
  });

  it('accepts the current envelope (event_id, authorizations, event_context) with its blanks filled in', async () => {
    ws = await workspace();
    const { inbox } = await started();
    const ts = ws.fake.postAsUser(ws.ada.id, ws.papers.id, 'a message');
    const payload = recorded('java-slack-sdk/ReactionAddedPayload.json');
    payload.team_id = ws.fake.teamId;
    payload.api_app_id = ws.fake.bot.appId;
    payload.event.user = ws.ada.id;
    payload.event.reaction = 'memo';
    payload.event.item = { type: 'message', channel: ws.papers.id, ts };
    payload.authorizations[0].team_id = ws.fake.teamId;
    payload.authorizations[0].user_id = ws.fake.bot.userId;
    await ws.fake.acknowledged(await ws.fake.deliver('events_api', payload));
    await ws.fake.waitFor(() => inbox.reactions.length === 1, 3000, 'the reaction');
    expect(inbox.reactions[0]?.message).toEqual({ target: ws.channel, id: ts });
  });
});
