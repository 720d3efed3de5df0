/**
 * The fake Discord (test/fakes/discord-server.ts) driven by the real discord.js client over loopback
 * sockets: login and READY, posting with embeds and nonces, threads, forum posts, DMs, interactions
 * (deferred ephemeral replies, the acknowledgement window, autocomplete), reactions on uncached messages,
 * rate limits, resume, and a bad token.
 */
import { once } from 'node:events';
import { inflateSync } from 'node:zlib';
import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  type ForumChannel,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  type MessageReaction,
  type PartialMessageReaction,
  Partials,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord, type FakeDiscordOptions } from '../../fakes/discord-server.ts';

const opened: Array<{ close(): Promise<void> | void }> = [];
const fakes: FakeDiscord[] = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
  // No request may have tripped over a bug inside the fake.
  for (const fake of fakes.splice(0)) expect(fake.serverErrors).toEqual([]);
});

async function world(options: FakeDiscordOptions = {}) {
  const fake = await FakeDiscord.start(options);
  opened.push(fake);
  fakes.push(fake);
  const alice = fake.addUser({ username: 'alice' });
  const bob = fake.addUser({ username: 'bob' });
  const guild = fake.addGuild({ name: 'Fake Lab' });
  fake.addMember({ guild: guild.id, user: alice.id });
  fake.addMember({ guild: guild.id, user: bob.id, permissions: ['ManageChannels'] });
  const general = fake.addChannel({ guild: guild.id, name: 'general' });
  const papers = fake.addChannel({
    guild: guild.id,
    name: 'papers',
    type: 'forum',
    tags: ['cs.AI', 'cs.LG'],
  });
  return { fake, alice, bob, guild, general, papers };
}

function client(fake: FakeDiscord): Client {
  const c = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.DirectMessageReactions,
    ],
    partials: [Partials.Message, Partials.Reaction, Partials.Channel],
    rest: { api: fake.apiUrl },
  });
  opened.push({ close: () => c.destroy() });
  return c;
}

async function login(fake: FakeDiscord): Promise<Client<true>> {
  const c = client(fake);
  const ready = once(c, 'clientReady');
  await c.login(fake.token);
  await ready;
  return c as Client<true>;
}

async function textChannel(c: Client, id: string): Promise<TextChannel> {
  return (await c.channels.fetch(id)) as TextChannel;
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscordAPIError);
  return error as DiscordAPIError;
}

const COMMANDS = [
  {
    name: 'arxiv',
    description: 'arXiv digests',
    options: [
      {
        type: 1,
        name: 'search',
        description: 'Search arXiv',
        options: [
          { type: 3, name: 'query', description: 'What to look for', required: true, autocomplete: true },
          { type: 5, name: 'private', description: 'Only you see it' },
        ],
      },
      {
        type: 2,
        name: 'me',
        description: 'Your own subscriptions',
        options: [
          {
            type: 1,
            name: 'subscribe',
            description: 'Follow terms by DM',
            options: [{ type: 3, name: 'terms', description: 'Terms', required: true }],
          },
        ],
      },
    ],
  },
];

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in and gets ready with the guilds, channels and permissions', async () => {
    const { fake, guild, general, papers } = await world();
    const c = await login(fake);
    expect(c.user.id).toBe(fake.bot.id);
    expect(c.application.id).toBe(fake.applicationId);
    const g = c.guilds.cache.get(guild.id);
    expect(g?.name).toBe('Fake Lab');
    expect(c.channels.cache.get(general.id)?.isTextBased()).toBe(true);
    expect(c.channels.cache.get(papers.id)?.type).toBe(15);
    expect(g?.members.me?.permissions.has('SendMessages')).toBe(true);
    expect(g?.members.me?.permissions.has('ManageChannels')).toBe(false);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]?.intents).toBe((1 << 0) | (1 << 10) | (1 << 13));
    expect(fake.connections[0]?.query).toMatchObject({ v: '10', encoding: 'json' });
    expect(fake.callsTo('GET /gateway/bot')).toHaveLength(1);
  });

  it('posts embeds once for a repeated nonce with enforce_nonce, and keeps allowed_mentions', async () => {
    const { fake, general, alice } = await world();
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    const post = {
      content: `New papers for <@${alice.id}>`,
      embeds: [
        { title: 'Attention Is All You Need', url: 'https://arxiv.org/abs/1706.03762', description: 'TL;DR' },
      ],
      nonce: 'digest-2026-02-09-1',
      enforceNonce: true,
      allowedMentions: { parse: [] },
    };
    const first = await channel.send(post);
    const second = await channel.send(post);
    expect(second.id).toBe(first.id);
    const posted = fake.messagesIn(general.id);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.embeds[0]).toMatchObject({ type: 'rich', title: 'Attention Is All You Need' });
    expect(posted[0]?.allowedMentions).toEqual({ parse: [] });
    expect(posted[0]?.pinged.users).toEqual([]);
    // Without enforce_nonce the same nonce makes a new message, as on Discord.
    await channel.send({ content: 'again', nonce: 'digest-2026-02-09-1' });
    expect(fake.messagesIn(general.id)).toHaveLength(2);
  });

  it('refuses what Discord refuses: oversized embeds, empty messages, posts in a forum, unknown channels', async () => {
    const { fake, general, papers } = await world();
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    const tooLong = await apiError(channel.send({ embeds: [{ description: 'x'.repeat(4097) }] }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.code).toBe(50035);
    expect(tooLong.rawError).toMatchObject({
      errors: { embeds: { '0': { description: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } },
    });
    const total = await apiError(
      channel.send({
        embeds: [
          { title: 'a', description: 'x'.repeat(4000) },
          { title: 'b', description: 'y'.repeat(2001) },
        ],
      }),
    );
    expect(total.rawError).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
    expect((await apiError(channel.send({ content: 'x'.repeat(2001) }))).code).toBe(50035);
    expect((await apiError(c.rest.post(Routes.channelMessages(general.id), { body: {} }))).code).toBe(50006);
    const forum = await apiError(c.rest.post(Routes.channelMessages(papers.id), { body: { content: 'hi' } }));
    expect([forum.status, forum.code]).toEqual([400, 40058]);
    const unknown = await apiError(
      c.rest.post(Routes.channelMessages('1234567890123456789'), { body: { content: 'hi' } }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 10003]);
    expect(fake.messagesIn(general.id)).toHaveLength(0);
  });

  it('refuses a post where the bot may not send (403 / 50013) and hides a channel it cannot see (50001)', async () => {
    const { fake, guild } = await world();
    const quiet = fake.addChannel({
      guild: guild.id,
      name: 'quiet',
      overwrites: [{ id: guild.id, type: 'role', deny: ['SendMessages'] }],
    });
    const hidden = fake.addChannel({
      guild: guild.id,
      name: 'hidden',
      overwrites: [{ id: guild.id, type: 'role', deny: ['ViewChannel'] }],
    });
    const c = await login(fake);
    const denied = await apiError(c.rest.post(Routes.channelMessages(quiet.id), { body: { content: 'hi' } }));
    expect([denied.status, denied.code]).toEqual([403, 50013]);
    const invisible = await apiError(c.rest.get(Routes.channel(hidden.id)));
    expect([invisible.status, invisible.code]).toEqual([403, 50001]);
  });

  it('starts a thread from a message (its id is the message id) and posts in it; a second one is refused', async () => {
    const { fake, general } = await world();
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    const root = await channel.send('Digest for 2026-02-09');
    const thread = await root.startThread({ name: 'Digest 2026-02-09' });
    expect(thread.id).toBe(root.id);
    await thread.send('1. A paper');
    expect(fake.threads(general.id).map((t) => t.id)).toEqual([root.id]);
    expect(fake.messagesIn(root.id).map((m) => m.content)).toEqual(['1. A paper']);
    const again = await apiError(
      c.rest.post(Routes.threads(general.id, root.id), { body: { name: 'again' } }),
    );
    expect([again.status, again.code]).toEqual([400, 160004]);
  });

  it('creates a forum post with its first message and tags', async () => {
    const { fake, papers } = await world();
    const c = await login(fake);
    const forum = (await c.channels.fetch(papers.id)) as ForumChannel;
    const tag = forum.availableTags.find((t) => t.name === 'cs.AI');
    const post = await forum.threads.create({
      name: 'Digest 2026-02-09',
      message: { content: 'Today: 3 papers', embeds: [{ title: 'A paper' }] },
      appliedTags: tag ? [tag.id] : [],
    });
    expect(post.parentId).toBe(papers.id);
    const thread = fake.threads(papers.id)[0];
    expect(thread?.thread?.appliedTags).toEqual([tag?.id]);
    const first = fake.messagesIn(post.id)[0];
    expect(first?.id).toBe(post.id);
    expect(first?.content).toBe('Today: 3 papers');
  });

  it('opens a DM and posts there; a user who closed DMs gets 403 / 50007', async () => {
    const { fake, alice, bob } = await world();
    const c = await login(fake);
    const user = await c.users.fetch(alice.id);
    const sent = await user.send('Your digest');
    expect(fake.dmWith(alice.id)?.id).toBe(sent.channelId);
    expect(fake.messagesIn(sent.channelId).map((m) => m.content)).toEqual(['Your digest']);
    fake.setAcceptsDms(bob.id, false);
    const closed = await apiError((await c.users.fetch(bob.id)).send('Your digest'));
    expect([closed.status, closed.code]).toEqual([403, 50007]);
  });

  it('registers commands, checking them as Discord does', async () => {
    const { fake, guild } = await world();
    const c = await login(fake);
    const set = await c.application.commands.set(COMMANDS);
    expect(set.first()?.name).toBe('arxiv');
    expect(fake.commandsFor().map((cmd) => cmd.name)).toEqual(['arxiv']);
    const again = await c.application.commands.set(COMMANDS);
    expect(again.first()?.id).toBe(set.first()?.id);
    const bad = await apiError(c.application.commands.set([{ name: 'ArXiv', description: 'x' }], guild.id));
    expect(bad.code).toBe(50035);
    expect(bad.rawError).toMatchObject({
      errors: { '0': { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } },
    });
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' }));
    expect(
      (await apiError(c.application.commands.set([{ name: 'x', description: 'd', options: tooMany }]))).code,
    ).toBe(50035);
    expect(fake.commandsFor(guild.id)).toEqual([]);
  });

  it('takes a deferred ephemeral reply, its edit and a follow-up; a second acknowledgement is 40060', async () => {
    const { fake, general, alice, bob } = await world();
    const c = await login(fake);
    await c.application.commands.set(COMMANDS);
    const seen: ChatInputCommandInteraction[] = [];
    c.on('interactionCreate', async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push(interaction);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({
        content: `Searching ${interaction.options.getString('query')}`,
        embeds: [{ title: 'Result' }],
      });
      await interaction.followUp({ content: 'More', flags: MessageFlags.Ephemeral });
    });
    const handle = fake.interact({
      user: alice.id,
      channel: general.id,
      subcommand: 'search',
      options: { query: 'diffusion', private: true },
    });
    const ack = await handle.acknowledged();
    expect(ack).toMatchObject({ type: 5, data: { flags: 64 } });
    const reply = await handle.reply();
    expect(reply.content).toBe('Searching diffusion');
    expect(reply.ephemeral).toBe(true);
    const [more] = await handle.followUps(1);
    expect(more?.ephemeral).toBe(true);
    expect(fake.messagesIn(general.id)).toHaveLength(0);
    const interaction = seen[0];
    expect(interaction?.options.getSubcommand()).toBe('search');
    expect(interaction?.options.getBoolean('private')).toBe(true);
    expect(interaction?.memberPermissions?.has('ManageChannels')).toBe(false);
    const second = await apiError(
      c.rest.post(Routes.interactionCallback(handle.id, handle.token), {
        body: { type: 4, data: { content: 'again' } },
        auth: false,
      }),
    );
    expect([second.status, second.code]).toEqual([400, 40060]);
    expect(handle.record.attempts.map((a) => a.status)).toEqual([204, 400]);

    const group = fake.interact({
      user: bob.id,
      channel: general.id,
      group: 'me',
      subcommand: 'subscribe',
      options: { terms: 'RL' },
    });
    await group.reply();
    const groupInteraction = seen[1];
    expect(groupInteraction?.options.getSubcommandGroup()).toBe('me');
    expect(groupInteraction?.options.getString('terms')).toBe('RL');
    expect(groupInteraction?.memberPermissions?.has('ManageChannels')).toBe(true);
  });

  it('refuses an acknowledgement after the window with 10062 Unknown interaction', async () => {
    const { fake, general, alice } = await world({ interactionAckWindowMs: 150 });
    const c = await login(fake);
    await c.application.commands.set(COMMANDS);
    const failures: unknown[] = [];
    c.on('interactionCreate', async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await interaction.reply('too late').catch((error: unknown) => failures.push(error));
    });
    const handle = fake.interact({
      user: alice.id,
      channel: general.id,
      subcommand: 'search',
      options: { query: 'x' },
    });
    const [attempt] = await handle.attempts(1);
    expect(attempt).toMatchObject({ status: 404, code: 10062 });
    await fake.waitFor(() => failures.length === 1, 2000, 'the client to see the refusal');
    expect((failures[0] as DiscordAPIError).code).toBe(10062);
    expect(handle.record.ack).toBeNull();
  });

  it('answers an autocomplete with choices', async () => {
    const { fake, general, alice } = await world();
    const c = await login(fake);
    await c.application.commands.set(COMMANDS);
    c.on('interactionCreate', async (interaction: Interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = (interaction as AutocompleteInteraction).options.getFocused();
      await interaction.respond([{ name: `${typed} models`, value: `${typed} models` }]);
    });
    const handle = fake.interact({
      user: alice.id,
      channel: general.id,
      subcommand: 'search',
      options: { query: 'diff' },
      focused: 'query',
    });
    expect(handle.payload.type).toBe(4);
    expect(await handle.choices()).toEqual([{ name: 'diff models', value: 'diff models' }]);
  });

  it('delivers a reaction on an uncached message, by a user the client never saw, as a partial messageReactionAdd', async () => {
    const { fake, guild, general, alice } = await world();
    const posted = fake.postAsUser({
      user: alice.id,
      channel: general.id,
      content: 'See https://arxiv.org/abs/2602.06063',
    });
    const c = await login(fake);
    // Carol joins after READY; without the Guild Members intent the client never hears of her.
    const carol = fake.addUser({ username: 'carol' });
    fake.addMember({ guild: guild.id, user: carol.id });
    expect(c.users.cache.has(carol.id)).toBe(false);
    const got = new Promise<{ reaction: MessageReaction | PartialMessageReaction; userId: string }>(
      (resolve) => c.once('messageReactionAdd', (reaction, user) => resolve({ reaction, userId: user.id })),
    );
    expect(fake.react({ user: carol.id, channel: general.id, message: posted.id, emoji: '📝' })).toBe(1);
    const sent = fake.dispatched.find((d) => d.t === 'MESSAGE_REACTION_ADD')?.d as Record<string, unknown>;
    expect(Object.keys(sent)).toEqual(
      expect.arrayContaining([
        'user_id',
        'channel_id',
        'message_id',
        'guild_id',
        'member',
        'emoji',
        'message_author_id',
      ]),
    );
    const { reaction, userId } = await got;
    expect(userId).toBe(carol.id);
    expect(reaction.partial).toBe(true);
    expect(reaction.message.partial).toBe(true);
    expect(reaction.emoji.name).toBe('📝');
    const message = await reaction.message.fetch();
    expect(message.content).toContain('2602.06063');
    // The bot reacts too: a name is not an emoji to Discord.
    await message.react('👀');
    expect([...(fake.message(posted.id)?.reactions.keys() ?? [])]).toEqual(['📝', '👀']);
    const notEmoji = await apiError(
      c.rest.put(Routes.channelMessageOwnReaction(general.id, posted.id, 'memo')),
    );
    expect(notEmoji.code).toBe(10014);
  });

  it('sends MESSAGE_REACTION_REMOVE when a person takes a reaction off, to sessions with the reactions intent only', async () => {
    const { fake, general, alice } = await world();
    const posted = fake.postAsUser({ user: alice.id, channel: general.id, content: 'hello' });
    const c = await login(fake);
    const quiet = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    opened.push({ close: () => quiet.destroy() });
    const quietReady = once(quiet, 'clientReady');
    await quiet.login(fake.token);
    await quietReady;
    const at = { user: alice.id, channel: general.id, message: posted.id, emoji: '👍' };
    // Nothing to take off yet: Discord sends nothing.
    expect(fake.unreact(at)).toBe(0);
    expect(fake.react(at)).toBe(1);
    const got = new Promise<{ emoji: string | null; userId: string }>((resolve) =>
      c.once('messageReactionRemove', (reaction, user) =>
        resolve({ emoji: reaction.emoji.name, userId: user.id }),
      ),
    );
    expect(fake.unreact(at)).toBe(1);
    // As Discord documents it: the add's ids and emoji, without member, message author and colours.
    const sent = fake.dispatched.find((d) => d.t === 'MESSAGE_REACTION_REMOVE')?.d as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual([
      'burst',
      'channel_id',
      'emoji',
      'guild_id',
      'message_id',
      'type',
      'user_id',
    ]);
    expect(await got).toEqual({ emoji: '👍', userId: alice.id });
    expect(fake.message(posted.id)?.reactions.size).toBe(0);
  });

  it('delivers a reaction in a DM the bot wrote in, and runs a command in a DM', async () => {
    const { fake, alice } = await world();
    const c = await login(fake);
    await c.application.commands.set(COMMANDS);
    const sent = await (await c.users.fetch(alice.id)).send('Your digest: https://arxiv.org/abs/2602.06063');
    const got = new Promise<string>((resolve) =>
      c.once('messageReactionAdd', (reaction) => resolve(reaction.message.id)),
    );
    fake.react({ user: alice.id, channel: sent.channelId, message: sent.id, emoji: '📝' });
    expect(await got).toBe(sent.id);
    const seen: Array<{ inGuild: boolean; user: string }> = [];
    c.on('interactionCreate', async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({ inGuild: interaction.inGuild(), user: interaction.user.id });
      await interaction.reply('Subscribed');
    });
    const handle = fake.interact({
      user: alice.id,
      channel: sent.channelId,
      group: 'me',
      subcommand: 'subscribe',
      options: { terms: 'RL' },
    });
    expect((await handle.reply()).content).toBe('Subscribed');
    expect(seen).toEqual([{ inGuild: false, user: alice.id }]);
    expect(handle.payload).toMatchObject({ context: 1, user: { id: alice.id } });
  });

  it('reads history newest first with limit, before and after, and edits only its own messages', async () => {
    const { fake, general, alice } = await world();
    const theirs = fake.postAsUser({ user: alice.id, channel: general.id, content: 'first' });
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    const mine = [];
    for (const text of ['a', 'b', 'c', 'd']) mine.push(await channel.send(text));
    const newest = await channel.messages.fetch({ limit: 2 });
    expect([...newest.values()].map((m) => m.content)).toEqual(['d', 'c']);
    const older = await channel.messages.fetch({ before: mine[1]?.id as string, limit: 10 });
    expect([...older.values()].map((m) => m.content)).toEqual(['a', 'first']);
    const newer = await channel.messages.fetch({ after: mine[1]?.id as string, limit: 1 });
    expect([...newer.values()].map((m) => m.content)).toEqual(['c']);
    expect(
      (
        await apiError(
          c.rest.get(Routes.channelMessages(general.id), { query: new URLSearchParams({ limit: '101' }) }),
        )
      ).code,
    ).toBe(50035);
    const edited = await mine[0]?.edit({ content: 'a (edited)' });
    expect(edited?.editedTimestamp).not.toBeNull();
    expect(fake.message(mine[0]?.id as string)?.content).toBe('a (edited)');
    const refused = await apiError(
      c.rest.patch(Routes.channelMessage(general.id, theirs.id), { body: { content: 'mine now' } }),
    );
    expect([refused.status, refused.code]).toEqual([403, 50005]);
    expect((await apiError(c.rest.get(Routes.channelMessage(general.id, '1234567890123456789')))).code).toBe(
      10008,
    );
  });

  it('keeps a burst of 12 posts to one channel in order, once each, within the rate limit', async () => {
    const { fake, general } = await world({
      rateLimits: { messagesPerChannel: { limit: 5, windowMs: 300 } },
    });
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    const waits: unknown[] = [];
    c.rest.on('rateLimited', (info) => waits.push(info));
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => channel.send(`paper ${i + 1}`)));
    const elapsed = Date.now() - started;
    expect(fake.messagesIn(general.id).map((m) => m.content)).toEqual(
      Array.from({ length: 12 }, (_, i) => `paper ${i + 1}`),
    );
    // discord.js reads the bucket headers and waits out two windows instead of running into 429s.
    expect(fake.count429('POST /channels/:channel/messages')).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    const posts = fake.callsTo('POST /channels/:channel/messages');
    expect(posts).toHaveLength(12);
  });

  it('answers a 429 that the client waits out and retries, posting once', async () => {
    const { fake, general } = await world();
    const c = await login(fake);
    const channel = await textChannel(c, general.id);
    fake.fail('POST /channels/:channel/messages', { retryAfter: 0.2 });
    const limited: unknown[] = [];
    c.rest.on('rateLimited', (info) => limited.push(info));
    await channel.send('after the limit');
    expect(fake.count429()).toBe(1);
    expect(limited.length).toBeGreaterThan(0);
    expect(fake.rateLimitHits[0]).toMatchObject({ injected: true, retryAfter: 0.2, global: false });
    expect(fake.messagesIn(general.id).map((m) => m.content)).toEqual(['after the limit']);
    expect(fake.callsTo('POST /channels/:channel/messages').map((call) => call.status)).toEqual([429, 200]);
    fake.fail('POST /channels/:channel/messages', { status: 500 });
    await channel.send('after a 500');
    expect(fake.messagesIn(general.id)).toHaveLength(2);
  });

  it('resumes after RECONNECT and replays what was missed', async () => {
    const { fake, general, alice } = await world();
    const posted = fake.postAsUser({ user: alice.id, channel: general.id, content: 'hello' });
    const c = await login(fake);
    fake.dropGateway();
    await fake.waitFor(() => fake.gateway.openConnections === 0, 2000, 'the drop');
    const got = new Promise<string>((resolve) =>
      c.once('messageReactionAdd', (_reaction, user) => resolve(user.id)),
    );
    fake.react({ user: alice.id, channel: general.id, message: posted.id, emoji: '👍' });
    // No connection was open: the event waited in the session's buffer and came with the RESUME.
    expect(fake.dispatched.find((d) => d.t === 'MESSAGE_REACTION_ADD')?.sent).toBe(false);
    expect(await got).toBe(alice.id);
    const resumed = fake.connections.find((conn) => conn.resumed);
    expect(resumed?.path).toBe('/resume');
    expect(fake.identifies).toHaveLength(1);
    fake.requestReconnect();
    await fake.waitFor(
      () => fake.connections.filter((conn) => conn.resumed).length === 2,
      3000,
      'a second resume',
    );
    expect(fake.identifies).toHaveLength(1);
  });

  it('acknowledges heartbeats, and resumes on the same connection after a resumable INVALID_SESSION', async () => {
    const { fake } = await world({ heartbeatIntervalMs: 40 });
    const c = await login(fake);
    await fake.waitFor(() => (fake.connections[0]?.heartbeats ?? 0) >= 3, 2000, 'three heartbeats');
    await fake.waitFor(() => c.ws.ping >= 0, 2000, 'a ping from an ACK');
    const resumed = once(c, 'shardResume');
    fake.invalidateSession(true);
    await resumed;
    expect(fake.connections).toHaveLength(1);
    expect(fake.connections[0]?.received.map((p) => p.op)).toContain(6);
    expect(fake.identifies).toHaveLength(1);
  });

  it('fails login with a bad token (401), and closes the gateway with 4004 when the token is reset', async () => {
    const { fake } = await world();
    const bad = client(fake);
    const error = await bad.login('not-the-token').then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe('TokenInvalid');
    expect(fake.calls[0]).toMatchObject({ route: 'GET /gateway/bot', status: 401, code: 0 });

    const c = await login(fake);
    const disconnected = new Promise<number>((resolve) =>
      c.once('shardDisconnect', (event) => resolve(event.code)),
    );
    fake.resetToken();
    expect(await disconnected).toBe(4004);
  });

  it('speaks zlib-stream to a client that asks for it, and closes 4004 on a bad IDENTIFY', async () => {
    const { fake } = await world();
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    opened.push({ close: () => ws.terminate() });
    const chunks: Buffer[] = [];
    const hello = new Promise<Record<string, unknown>>((resolve) =>
      ws.on('message', (data: Buffer) => {
        chunks.push(data);
        resolve(
          JSON.parse(inflateSync(Buffer.concat(chunks), { finishFlush: 2 }).toString()) as Record<
            string,
            unknown
          >,
        );
      }),
    );
    expect(await hello).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    const closed = once(ws, 'close');
    ws.send(
      JSON.stringify({
        op: 2,
        d: { token: 'wrong', intents: 1, properties: { os: 'linux', browser: 'x', device: 'x' } },
      }),
    );
    const [code] = (await closed) as [number];
    expect(code).toBe(4004);
  });
});
