/**
 * Discord permission bits and how Discord computes a member's permissions in a channel: the @everyone role
 * and the member's roles, Administrator and ownership grant everything, then the channel's overwrites in
 * Discord's order (@everyone, roles together, the member), and no View Channel means nothing at all.
 * Threads take their parent channel's overwrites.
 */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  SendTTSMessages: 1n << 12n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  ManageWebhooks: 1n << 29n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
} as const;

export type PermissionName = keyof typeof Permission;
/** Permission names (`'ManageChannels'`), or the bits as a bigint or a decimal string. */
export type Permissions = readonly PermissionName[] | bigint | string;

export const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** What Discord gives @everyone in a new server (the parts that matter to a text bot). */
export const DEFAULT_EVERYONE: readonly PermissionName[] = [
  'CreateInstantInvite',
  'AddReactions',
  'ViewChannel',
  'SendMessages',
  'EmbedLinks',
  'AttachFiles',
  'ReadMessageHistory',
  'MentionEveryone',
  'UseExternalEmojis',
  'ChangeNickname',
  'UseApplicationCommands',
  'CreatePublicThreads',
  'CreatePrivateThreads',
  'SendMessagesInThreads',
];

/** What a digest bot asks for in its invite link. */
export const DEFAULT_BOT: readonly PermissionName[] = [
  'ViewChannel',
  'SendMessages',
  'SendMessagesInThreads',
  'CreatePublicThreads',
  'EmbedLinks',
  'ReadMessageHistory',
  'AddReactions',
  'UseExternalEmojis',
];

export function toBits(permissions: Permissions): bigint {
  if (typeof permissions === 'bigint') return permissions;
  if (typeof permissions === 'string') return BigInt(permissions);
  let bits = 0n;
  for (const name of permissions) bits |= Permission[name];
  return bits;
}

export function has(bits: bigint, permission: bigint): boolean {
  return (bits & permission) === permission;
}

export interface Overwrite {
  /** A role id (type 0) or a user id (type 1); the guild id is @everyone. */
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface PermissionInput {
  guildId: string;
  ownerId: string;
  userId: string;
  /** The permissions of @everyone and of each of the member's roles. */
  everyone: bigint;
  roleIds: readonly string[];
  roles: ReadonlyMap<string, bigint>;
  overwrites: readonly Overwrite[];
}

export function basePermissions(input: Omit<PermissionInput, 'overwrites'>): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let bits = input.everyone;
  for (const id of input.roleIds) bits |= input.roles.get(id) ?? 0n;
  return has(bits, Permission.Administrator) ? ALL_PERMISSIONS : bits;
}

export function channelPermissions(input: PermissionInput): bigint {
  let bits = basePermissions(input);
  if (bits === ALL_PERMISSIONS) return bits;
  const everyone = input.overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) bits = (bits & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of input.overwrites) {
    if (overwrite.type === 0 && input.roleIds.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  bits = (bits & ~deny) | allow;
  const member = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) bits = (bits & ~member.deny) | member.allow;
  if (!has(bits, Permission.ViewChannel)) return 0n;
  if (!has(bits, Permission.SendMessages)) {
    bits &= ~(
      Permission.SendTTSMessages |
      Permission.MentionEveryone |
      Permission.EmbedLinks |
      Permission.AttachFiles
    );
  }
  return bits;
}
