/**
 * The permissions the bot needs in a channel, and the link that adds it to a server with exactly those:
 * it reads channels and their history (to find its own posts after a restart), posts embeds, starts public
 * threads from its digests (or posts in a forum) and writes in them, and adds reactions. Nothing else: no
 * administrator, no mention of everyone, no managing of anything.
 */
import { PermissionFlagsBits } from 'discord.js';

export const BOT_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.AddReactions,
].reduce((all, flag) => all | flag, 0n);

/** The OAuth2 link that installs the bot (and its /arxiv command) in a server the user manages. */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query}`;
}
