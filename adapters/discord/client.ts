/**
 * The discord.js client as the adapter needs it: only the intents the features use, no privileged one by
 * default; partials so that a reaction or a DM works on what is no longer (or never was) in the cache; the
 * REST base from DISCORD_API_URL (the gateway address then comes from that server's `GET /gateway/bot`);
 * and no mention parsed in anything the bot sends.
 */
import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { NO_MENTIONS } from './posting.ts';

export interface DiscordClientSettings {
  apiUrl: string | undefined;
  /** The privileged Message Content intent, to read links in anyone's messages. */
  messageContent: boolean;
}

/** The intents the features need: commands and channels (Guilds), reactions in servers and in DMs. */
export function intentsFor(settings: Pick<DiscordClientSettings, 'messageContent'>): GatewayIntentBits[] {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessageReactions,
    GatewayIntentBits.DirectMessageReactions,
  ];
  if (settings.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

export function createDiscordClient(settings: DiscordClientSettings): Client {
  return new Client({
    intents: intentsFor(settings),
    partials: [Partials.Message, Partials.Reaction, Partials.Channel, Partials.User],
    allowedMentions: NO_MENTIONS,
    rest: settings.apiUrl ? { api: settings.apiUrl.replace(/\/+$/, '') } : {},
  });
}
