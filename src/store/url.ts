/** The URL without its password, for logs, messages and `describe()`. One that cannot be parsed loses its whole user part. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/]*@/, '//');
  }
  if (!parsed.password) return url;
  parsed.password = '';
  return parsed.toString();
}

/** The error's own message, which for store clients names the failure (ECONNREFUSED, WRONGPASS) and never the URL. */
export function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(reason).join('; ');
  }
  // Without a final period: callers put the reason inside their own sentence.
  const message = (error instanceof Error ? error.message : String(error)).trim().replace(/\.+$/, '');
  return message || (error instanceof Error ? error.constructor.name : 'unknown error');
}
