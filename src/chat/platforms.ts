/**
 * The product's chat platforms: the one list the core knows (config validation of ids, labels on pages).
 * How each is detected, built and routed is the adapters' registry (adapters/index.ts); the config reads
 * each platform's variables (src/config/schema.ts).
 */
export interface PlatformInfo {
  /** How people name it: "Slack". */
  label: string;
  /** A channel target of this platform, for messages about ids. */
  channelExample: string;
  /** A user id of this platform. */
  userExample: string;
}

export const PLATFORMS = {
  slack: { label: 'Slack', channelExample: 'slack:T0123:C0456', userExample: 'slack:T0123:@U0456' },
  discord: { label: 'Discord', channelExample: 'discord:123:456', userExample: 'discord:@123' },
  shell: { label: 'Shell', channelExample: 'shell:local', userExample: 'shell:@you' },
} as const satisfies Record<string, PlatformInfo>;

export type ProductPlatform = keyof typeof PLATFORMS;

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as ProductPlatform[];

export function isProductPlatform(name: string): name is ProductPlatform {
  return Object.hasOwn(PLATFORMS, name);
}

/** The label of a target's platform ("Slack" for `slack:T1:C2`), or its prefix when it is not a product one. */
export function platformLabel(name: string): string {
  return isProductPlatform(name) ? PLATFORMS[name].label : name;
}
