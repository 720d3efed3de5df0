/**
 * Fuzz of what comes from outside as data: config.json (validateConfig on arbitrary JSON and on mutated valid
 * configs), Slack's payloads (adapters/slack/translate.ts) and Discord's (reactionOf in translate.ts,
 * readInteraction and focusedOption in commands.ts). None of them throws on a payload it did not expect; each
 * answers a problem (issues, null, a command the core refuses with a UserError). See fuzz.ts for the seed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { focusedOption, readInteraction } from '../../adapters/discord/commands.ts';
import { isSnowflake, parseDiscordTarget } from '../../adapters/discord/ids.ts';
import { reactionOf } from '../../adapters/discord/translate.ts';
import { parseSlackTarget } from '../../adapters/slack/ids.ts';
import {
  commandOrigin,
  commandProblem,
  type ReactionCallback,
  reactionOnMessage,
  type SlashCommandFields,
} from '../../adapters/slack/translate.ts';
import { commandFromOptions } from '../../src/bot/commands/options.ts';
import { COMMAND_NAMES, COMMAND_TABLE } from '../../src/bot/commands/table.ts';
import { validateConfig } from '../../src/config/load.ts';
import { UserError } from '../../src/errors.ts';
import { anyValue, fuzz, hostileLine, hostileText } from './fuzz.ts';

// ---------------------------------------------------------------------------------------------------------
// config.json
// ---------------------------------------------------------------------------------------------------------

const classic: unknown = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/config/classic.json'), 'utf8'),
);
const defaults = validateConfig({}).config;

/** A value of the same kind as `value` now and then, anything else now and then, mostly `value` itself, nested. */
function mutatedFrom(value: unknown, depth = 0): fc.Arbitrary<unknown> {
  const other = fc.oneof(
    anyValue,
    typeof value === 'number'
      ? fc.oneof(
          fc.integer({ min: -10, max: 1_000_000 }),
          fc.double(),
          fc.constantFrom(0, -0, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2),
        )
      : typeof value === 'string'
        ? fc.oneof(
            hostileLine,
            fc.constantFrom(
              '',
              ' ',
              'http://',
              'https://user:secret@example.org/',
              'ftp://x',
              'cs.ai',
              'CS.XX',
              '25:00',
              'Mars/Olympus',
              'slack:T1:C2',
              'discord:1:2',
              'teams:1',
            ),
          )
        : fc.constant(undefined),
  );
  if (depth > 3)
    return fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other });
  if (Array.isArray(value)) {
    const item = value[0] === undefined ? anyValue : mutatedFrom(value[0], depth + 1);
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(value) },
      { weight: 2, arbitrary: fc.array(item, { maxLength: 4 }) },
      { weight: 1, arbitrary: other },
    );
  }
  if (typeof value === 'object' && value !== null) {
    const fields = Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, mutatedFrom(field, depth + 1)]),
    );
    return fc.oneof(
      { weight: 5, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.record(fields, { requiredKeys: [] }),
            fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 2 }),
          )
          .map(([a, b]) => ({ ...b, ...a })),
      },
      { weight: 1, arbitrary: other },
    );
  }
  return fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: other });
}

/** A channel entry of config.json, valid or nearly. */
const channelEntry = mutatedFrom({
  target: 'slack:T1:C2',
  keywords: ['LLM'],
  exclude_keywords: ['survey'],
  categories: ['cs.AI'],
  time: '08:00',
  timezone: 'Europe/Berlin',
});

const configDocument = fc.oneof(
  { weight: 3, arbitrary: mutatedFrom({ ...(defaults ?? {}), channels: [] }) },
  { weight: 3, arbitrary: mutatedFrom(classic) },
  { weight: 1, arbitrary: fc.array(channelEntry, { maxLength: 3 }).map((channels) => ({ channels })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

describe('config.json validation', () => {
  it('is valid by default', () => {
    expect(validateConfig({}).issues).toEqual([]);
  });

  it('answers any document with a config or with issues, never by throwing, and a config validates again to itself', async () => {
    await fuzz(
      fc.property(configDocument, (document) => {
        const { config, issues } = validateConfig(document);
        if (config === null) {
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(typeof issue).toBe('string');
            expect(issue.length, issue).toBeLessThan(600);
          }
          return;
        }
        expect(issues).toEqual([]);
        // Written back as JSON (where -0 is 0) and read again, it is the same config.
        const again = validateConfig(JSON.parse(JSON.stringify(config)));
        expect(again.issues).toEqual([]);
        expect(JSON.stringify(again.config)).toBe(JSON.stringify(config));
      }),
      700,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------------------------------------

const slackId = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('T1', 'C2147483705', 'D42', 'G8PSS9T3V', 'U2CERLKJA', 'W012ABC', 'USLACKBOT'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z0-9]{1,12}$/) },
);

/** A field of a payload: Slack's shape mostly, anything now and then, or missing. */
const field = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

/** Slack's `reaction_added` envelope, old or current, with any field off: `event` and `event.item` present. */
const reactionCallback: fc.Arbitrary<unknown> = fc.record(
  {
    type: field(fc.constant('event_callback')),
    team_id: field(slackId),
    event: fc.record(
      {
        type: field(fc.constantFrom('reaction_added', 'reaction_removed', 'message')),
        user: field(slackId),
        reaction: fc.option(
          fc.oneof(fc.constantFrom('memo', '+1', 'thumbsup::skin-tone-2', ''), hostileLine),
          { nil: undefined },
        ),
        item: fc.record(
          {
            type: field(fc.constantFrom('message', 'file', 'file_comment')),
            channel: field(slackId),
            ts: fc.option(fc.constantFrom('1477958101.000004', '0000000000.000000', '1.2', ''), {
              nil: undefined,
            }),
          },
          { requiredKeys: [] },
        ),
        event_ts: field(fc.constant('1477958101.000004')),
      },
      { requiredKeys: ['item'] },
    ),
  },
  { requiredKeys: ['event'] },
);

/** A slash command's fields, with any of them off. */
const slashCommand = fc.record({
  team_id: field(slackId),
  channel_id: field(slackId),
  user_id: field(slackId),
  command: field(fc.constant('/arxiv')),
  text: field(hostileText),
});

describe('Slack payloads', () => {
  it('answers null for a reaction_added without what it needs, or with fields of other types (found by the fuzz)', () => {
    expect(reactionOnMessage({} as ReactionCallback, 'T1')).toBeNull();
    expect(reactionOnMessage({ event: { type: 'reaction_added' } } as ReactionCallback, 'T1')).toBeNull();
    const item = { type: 'message', channel: 'C1', ts: {} };
    const event = { type: 'reaction_added', user: 'U1', reaction: ['memo'], item };
    expect(reactionOnMessage({ event } as unknown as ReactionCallback, 'T1')).toBeNull();
  });

  it('read a reaction from any reaction_added envelope (event and item present), or nothing, never by throwing', async () => {
    await fuzz(
      fc.property(reactionCallback, slackId, (callback, installation) => {
        const reaction = reactionOnMessage(callback as ReactionCallback, installation);
        if (reaction === null) return;
        expect(parseSlackTarget(reaction.user)).toMatchObject({ kind: 'user', team: reaction.team });
        expect(typeof reaction.emoji).toBe('string');
        expect(reaction.emoji).not.toBe('');
        expect(typeof reaction.channel).toBe('string');
        expect(typeof reaction.ts).toBe('string');
      }),
      2000,
    );
  });

  it('take a slash command with Slack ids as typed where it was typed, and find any other one malformed', async () => {
    await fuzz(
      fc.property(slashCommand, slackId, (fields, installation) => {
        const command = fields as unknown as SlashCommandFields;
        const problem = commandProblem(command, installation);
        const ids = [command.team_id, command.channel_id, command.user_id];
        if (!ids.every((id) => typeof id === 'string' && /^[A-Z0-9]+$/.test(id))) {
          expect(problem).toBe('malformed');
          return;
        }
        expect(problem).toBe(command.team_id === installation ? null : 'other-workspace');
        const { team_id: team, channel_id: channel, user_id: user } = command;
        const origin = commandOrigin(command);
        expect(origin.text).toBe(command.text ?? '');
        expect(parseSlackTarget(origin.user)).toEqual({ kind: 'user', team, user });
        expect(parseSlackTarget(origin.channel)).toEqual(
          channel.startsWith('D') ? { kind: 'user', team, user } : { kind: 'channel', team, channel },
        );
      }),
      1000,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Discord
// ---------------------------------------------------------------------------------------------------------

const snowflake = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 10n ** 16n, max: 2n ** 63n - 1n }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0',
      '1',
      '123',
      '-1',
      '1e18',
      '18446744073709551616',
      ' 123456789012345678',
      '',
    ),
  },
);

const reactionData: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        user_id: field(snowflake),
        channel_id: field(snowflake),
        message_id: field(snowflake),
        guild_id: field(snowflake),
        emoji: field(
          fc.record(
            {
              name: field(fc.oneof(fc.constantFrom('📝', '👍', 'memo', ''), hostileLine)),
              id: field(fc.option(snowflake)),
            },
            { requiredKeys: [] },
          ),
        ),
        member: field(fc.record({ user: field(fc.record({ id: field(snowflake) })) })),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

const OPTION_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 99, -1] as const;
const ARGUMENT_NAMES = [
  ...new Set(COMMAND_TABLE.flatMap((spec) => spec.arguments.map((argument) => argument.name))),
];

/** One option of an interaction as the API sends it (any field may be off), with its nested options. */
const { option } = fc.letrec<{ option: unknown; options: unknown }>((tie) => ({
  option: fc.record(
    {
      type: field(fc.constantFrom(...OPTION_TYPES)),
      name: field(
        fc.constantFrom(
          ...COMMAND_NAMES,
          ...ARGUMENT_NAMES,
          'me',
          'share',
          'other',
          '__proto__',
          'constructor',
          '',
        ),
      ),
      value: field(fc.oneof(hostileText, fc.boolean(), fc.integer(), fc.double())),
      focused: field(fc.boolean()),
      options: field(tie('options')),
    },
    { requiredKeys: [] },
  ),
  options: fc.oneof({ depthSize: 'small' }, fc.constant([]), fc.array(tie('option'), { maxLength: 4 })),
}));

/** /arxiv as Discord sends it: a subcommand (in the `me` group for a scoped one, now and then) and its options. */
const wellFormedInteraction = fc.constantFrom(...COMMAND_TABLE).chain((spec) =>
  fc
    .tuple(
      fc.subarray([...spec.arguments]),
      fc.boolean(),
      fc.option(fc.boolean(), { nil: undefined }),
      fc.array(fc.oneof(hostileText, fc.boolean()), { minLength: 3, maxLength: 3 }),
    )
    .map(([given, inMe, share, values]) => {
      const leaves: Array<Record<string, unknown>> = given.map((argument, index) => ({
        type: argument.kind === 'boolean' ? 5 : 3,
        name: argument.name,
        value: argument.kind === 'boolean' ? values[index] === true : values[index],
      }));
      if (share !== undefined) leaves.push({ type: 5, name: 'share', value: share });
      const subcommand = { type: 1, name: spec.name, options: leaves };
      return {
        name: 'arxiv',
        options: [inMe && spec.me ? { type: 2, name: 'me', options: [subcommand] } : subcommand],
      };
    }),
);

const interactionData = fc.oneof(
  { weight: 1, arbitrary: wellFormedInteraction },
  {
    weight: 1,
    arbitrary: fc.record({
      name: field(fc.constantFrom('arxiv', 'arxiv', 'arxiv', 'other', 'Arxiv', '')),
      options: field(fc.array(option, { maxLength: 3 })),
    }),
  },
);

describe('Discord payloads', () => {
  it('read a reaction from any MESSAGE_REACTION_ADD data, or nothing, never by throwing', async () => {
    await fuzz(
      fc.property(reactionData, fc.option(snowflake, { nil: null }), (data, botId) => {
        const reaction = reactionOf(data, botId);
        if (reaction === null) return;
        for (const id of [reaction.user, reaction.channel, reaction.message])
          expect(isSnowflake(id), id).toBe(true);
        if (reaction.guild !== null) expect(isSnowflake(reaction.guild)).toBe(true);
        expect(reaction.user).not.toBe(botId);
        expect(reaction.emoji).not.toBe('');
        expect(parseDiscordTarget(`discord:@${reaction.user}`)).toMatchObject({ kind: 'user' });
      }),
      2000,
    );
  });

  it('read any interaction data as a typed command the core parses or refuses with a UserError', async () => {
    await fuzz(
      fc.property(interactionData, (data) => {
        const typed = readInteraction(data as never);
        expect(typeof typed.name).toBe('string');
        expect(['channel', 'user']).toContain(typed.scope);
        expect(typeof typed.share).toBe('boolean');
        for (const value of Object.values(typed.options))
          expect(['string', 'boolean']).toContain(typeof value);
        try {
          commandFromOptions(typed.name, typed.scope, typed.options);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
        }
        const focused = focusedOption(data as never);
        if (focused !== null) expect(typeof focused.typed).toBe('string');
      }),
      2000,
    );
  });
});
