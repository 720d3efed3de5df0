import pkg from '../package.json' with { type: 'json' };

/** This project's version, from package.json: in the User-Agent, logs and /healthz. */
export const VERSION: string = pkg.version;
