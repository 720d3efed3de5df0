import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildAdapters, PLATFORM_REGISTRY, planAdapters } from '../../../adapters/index.ts';
import { PLATFORMS } from '../../../src/chat/platforms.ts';
import type { ChatSettings } from '../../../src/config/load.ts';
import { silentLogger } from '../../../src/log.ts';

const none: ChatSettings = { slack: null, discord: null };
const slackSocket: ChatSettings = {
  slack: { botToken: 'xoxb-1', appToken: 'xapp-1', signingSecret: undefined, apiUrl: undefined },
  discord: null,
};
const slackHttp: ChatSettings = {
  slack: { botToken: 'xoxb-1', appToken: undefined, signingSecret: 'secret', apiUrl: undefined },
  discord: null,
};

function context() {
  const stream = new PassThrough() as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
  return {
    logger: silentLogger,
    terminal: { input: stream, output: stream, interactive: false },
    outputDir: '/nonexistent/arxiv-digest-test',
  };
}

describe('the platform registry', () => {
  it('lists exactly the product platforms of src/chat/platforms.ts that have an adapter', () => {
    const registered = PLATFORM_REGISTRY.map((entry) => entry.platform);
    expect(new Set(registered).size).toBe(registered.length);
    for (const platform of registered) expect(Object.keys(PLATFORMS)).toContain(platform);
  });

  it('runs the shell when no chat platform is configured, and says whether it has a terminal', () => {
    const console = planAdapters(none, { terminal: false });
    expect(console.usesFallback).toBe(true);
    expect(console.chosen.map(({ entry }) => entry.platform)).toEqual(['shell']);
    expect(console.chosen[0]?.why).toBe(
      'shell: no SLACK_BOT_TOKEN or DISCORD_TOKEN and no terminal; digests are printed and written to files',
    );
    expect(planAdapters(none, { terminal: true }).chosen[0]?.why).toBe(
      'shell: no SLACK_BOT_TOKEN or DISCORD_TOKEN; a terminal, so a prompt',
    );
  });

  it('runs Slack, not the shell, when Slack is configured, and says which mode', () => {
    const socket = planAdapters(slackSocket, { terminal: true });
    expect(socket.usesFallback).toBe(false);
    expect(socket.chosen.map(({ why }) => why)).toEqual([
      'slack: SLACK_BOT_TOKEN found; Socket Mode (SLACK_APP_TOKEN found)',
    ]);
    expect(planAdapters(slackHttp, { terminal: false }).chosen[0]?.why).toMatch(
      /HTTP mode at \/slack\/events/,
    );
  });

  it('builds an adapter per planned platform; Slack in HTTP mode brings its route, the shell its channel', () => {
    const [slack] = buildAdapters(planAdapters(slackHttp, { terminal: false }), slackHttp, context());
    expect(slack?.adapter.platform).toBe('slack');
    expect(slack?.adapter.routes?.().map((route) => route.path)).toEqual(['/slack/events']);
    expect(slack?.seedTargets).toEqual([]);

    const [shell] = buildAdapters(planAdapters(none, { terminal: false }), none, context());
    expect(shell?.adapter.platform).toBe('shell');
    expect(shell?.adapter.routes?.() ?? []).toEqual([]);
    expect(shell?.seedTargets).toEqual(['shell:local']);
    expect(shell?.ended).toBeInstanceOf(Promise);
  });

  it('runs Discord when it is configured, and Slack and Discord side by side when both are', () => {
    const discord = {
      token: 'token',
      applicationId: '123456789012345678',
      devGuildId: undefined,
      apiUrl: 'http://127.0.0.1:1/api',
      messageContent: false,
    };
    const alone = planAdapters({ slack: null, discord }, { terminal: true });
    expect(alone.usesFallback).toBe(false);
    expect(alone.chosen.map(({ why }) => why)).toEqual([
      'discord: DISCORD_TOKEN found; gateway with no privileged intent, REST at http://127.0.0.1:1/api',
    ]);
    const both = planAdapters({ slack: slackSocket.slack, discord }, { terminal: false });
    expect(both.chosen.map(({ entry }) => entry.platform)).toEqual(['slack', 'discord']);
    const built = buildAdapters(both, { slack: slackSocket.slack, discord }, context());
    expect(built.map(({ adapter }) => adapter.platform)).toEqual(['slack', 'discord']);
  });

  it('gives Slack in Socket Mode no HTTP route', () => {
    const [slack] = buildAdapters(planAdapters(slackSocket, { terminal: false }), slackSocket, context());
    expect(slack?.adapter.routes?.() ?? []).toEqual([]);
  });
});
