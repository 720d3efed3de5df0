/**
 * What is wrong with how an OutboundMessage comes out on Slack and on Discord: a part over the platform's
 * limits (the renderers' own SLACK_LIMITS / DISCORD_LIMITS, and the fakes' copies of what the platforms
 * refuse), or a part that is not inert by the contract's hostile checks (test/contract/hostile.ts): it pings
 * someone, shows a control character, or shows a link whose text names another address than it goes to.
 *
 * Discord is read strictly: the parts as the renderer makes them, without the `allowed_mentions` the poster
 * adds (that is Discord's second line; the escaping is the first, and must hold on its own).
 */
import {
  DISCORD_LIMITS,
  embedLength,
  FOOTER_RESERVE,
  renderMessage as renderDiscord,
} from '../../adapters/discord/render.ts';
import { renderMessage as renderSlack, SLACK_LIMITS, type SlackBlock } from '../../adapters/slack/blocks.ts';
import type { OutboundMessage } from '../../src/chat/types.ts';
import type { Shown } from '../contract/driver.ts';
import { inertProblems } from '../contract/hostile.ts';
import {
  type MessagePayload as DiscordPayload,
  pingsOf,
  readMessage as readDiscord,
} from '../fakes/discord/shown.ts';
import { validateMessage } from '../fakes/discord/validate-message.ts';
import { readMessage as readSlack, type MessagePayload as SlackPayload } from '../fakes/slack/shown.ts';
import { blockProblems } from '../fakes/slack/validate.ts';

/** The contract's checks without its marker words, which only its own hostile message carries. */
function hostileProblems(shown: Shown, wouldPing: (message: Shown) => boolean): string[] {
  // A bare address shows itself, so it cannot pose as another; the contract's host check would misread
  // one clipped with an ellipsis (`https://arxiv…`), whose host is not the text's. And a link to a subdomain
  // of the host its text names goes where the text says (the Slack renderer allows that on purpose).
  const links = shown.links.filter((link) => link.text !== link.url && !toSubdomainOfNamed(link));
  return inertProblems({ ...shown, links }, wouldPing).filter(
    (problem) => !problem.endsWith('is missing from its text'),
  );
}

function toSubdomainOfNamed(link: { text: string; url: string }): boolean {
  let host: string;
  try {
    host = new URL(link.url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const named = [...link.text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((match) =>
    (match[1] ?? '').toLowerCase(),
  );
  return named.length > 0 && named.every((name) => host === name || host.endsWith(`.${name}`));
}

function slackBlockChars(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, element) => sum + element.text.length, 0);
    case 'divider':
      return 0;
  }
}

const slackWouldPing = (shown: Shown): boolean =>
  readSlack(JSON.parse(shown.raw) as SlackPayload).pings.length > 0;

/** The problems of the message rendered for Slack, each prefixed with its part. */
export function slackProblems(message: OutboundMessage): string[] {
  const parts = renderSlack(message);
  const problems: string[] = [];
  if (parts.length === 0) problems.push('no Slack message at all');
  parts.forEach((part, index) => {
    const at = (problem: string) => problems.push(`Slack part ${index + 1}/${parts.length}: ${problem}`);
    if (part.text.trim() === '') at('an empty fallback text');
    if (part.text.length > SLACK_LIMITS.fallbackText) at(`a fallback text of ${part.text.length} characters`);
    if (part.blocks.length > SLACK_LIMITS.blocksPerMessage) at(`${part.blocks.length} blocks`);
    const chars = part.blocks.reduce((sum, block) => sum + slackBlockChars(block), 0);
    if (chars > SLACK_LIMITS.messageText) at(`${chars} characters of block text`);
    for (const block of part.blocks) {
      if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText)
        at(`a header of ${block.text.text.length} characters`);
      if (block.type === 'section' && block.text.text.length > SLACK_LIMITS.sectionText)
        at(`a section of ${block.text.text.length} characters`);
    }
    for (const problem of blockProblems(part.blocks)) at(`Slack would refuse it: ${problem}`);
    const payload: SlackPayload = { text: part.text, blocks: part.blocks };
    const read = readSlack(payload);
    const shown: Shown = { text: read.text, links: read.links, raw: JSON.stringify(payload) };
    for (const problem of hostileProblems(shown, slackWouldPing)) at(problem);
    // The fallback is shown in notifications: it must not ping or carry controls either.
    const fallback = readSlack({ text: part.text });
    if (fallback.pings.length > 0) at(`its fallback text pings ${fallback.pings.join(', ')}`);
  });
  return problems;
}

const discordWouldPing = (shown: Shown): boolean =>
  pingsOf(JSON.parse(shown.raw) as DiscordPayload).length > 0;

/** The problems of the message rendered for Discord, each prefixed with its part. */
export function discordProblems(message: OutboundMessage): string[] {
  const parts = renderDiscord(message);
  const problems: string[] = [];
  if (parts.length === 0) problems.push('no Discord message at all');
  parts.forEach((part, index) => {
    const at = (problem: string) => problems.push(`Discord part ${index + 1}/${parts.length}: ${problem}`);
    if (part.embeds.length === 0) at('no embed');
    if (part.embeds.length > DISCORD_LIMITS.embedsPerMessage) at(`${part.embeds.length} embeds`);
    if (part.content !== undefined && part.content.length > DISCORD_LIMITS.content)
      at(`content of ${part.content.length} characters`);
    let total = 0;
    for (const embed of part.embeds) {
      total += embedLength(embed);
      if (embed.title !== undefined && embed.title.length > DISCORD_LIMITS.title)
        at(`a title of ${embed.title.length} characters`);
      if (embed.description !== undefined && embed.description.length > DISCORD_LIMITS.description)
        at(`a description of ${embed.description.length} characters`);
      if (embed.title === undefined && embed.description === undefined) at('an embed with nothing in it');
    }
    if (total > DISCORD_LIMITS.totalPerMessage - FOOTER_RESERVE)
      at(`${total} characters of embeds, with no room for the poster's footer`);
    try {
      validateMessage({ ...part }, { requireSomething: true });
    } catch (error) {
      at(`Discord would refuse it: ${error instanceof Error ? error.message : String(error)}`);
    }
    const payload: DiscordPayload = { content: part.content, embeds: part.embeds };
    const read = readDiscord(payload);
    const shown: Shown = { text: read.text, links: read.links, raw: JSON.stringify(payload) };
    for (const problem of hostileProblems(shown, discordWouldPing)) at(problem);
  });
  return problems;
}

/** Both platforms' problems. */
export function renderProblems(message: OutboundMessage): string[] {
  return [...slackProblems(message), ...discordProblems(message)];
}
