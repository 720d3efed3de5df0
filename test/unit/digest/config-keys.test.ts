import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load.ts';

/** The config keys of the Markdown page and the feeds: output.template, output.feed_url, rss.public. */
describe('config: output.template, output.feed_url, rss.public', () => {
  it('defaults to our Markdown layout, no feed URL and no public classic feeds', () => {
    const { config } = validateConfig({});
    expect(config?.output.template).toBe('default');
    expect(config?.output.feed_url).toBeNull();
    expect(config?.rss.public).toBe(false);
  });

  it('accepts the classic layout, an https feed URL and public classic feeds', () => {
    const { config, issues } = validateConfig({
      output: { template: 'classic', feed_url: 'https://example.org/arxiv/feed.xml' },
      rss: { public: true },
    });
    expect(issues).toEqual([]);
    expect(config?.output.template).toBe('classic');
    expect(config?.output.feed_url).toBe('https://example.org/arxiv/feed.xml');
    expect(config?.rss.public).toBe(true);
  });

  it('refuses any other template, a file:// feed URL and a non-boolean rss.public, saying what is expected', () => {
    const { issues } = validateConfig({
      output: { template: 'fancy', feed_url: 'file:///srv/feed.xml' },
      rss: { public: 'yes' },
    });
    expect(issues).toEqual([
      expect.stringMatching(
        /^output\.feed_url: expected the public URL of the RSS feed \(an http:\/\/ or https:\/\/ URL\)/,
      ),
      'output.template: expected "default" or "classic", found "fancy" (a string)',
      'rss.public: expected true or false, found "yes" (a string)',
    ]);
  });
});
