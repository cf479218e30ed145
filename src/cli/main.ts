/**
 * The token-mock command line: `serve` (the default, and `npm start`), `proxy`, `verify` and `pact`,
 * one file each (`<command>-command.ts`); `settings.ts` adds the environment's and the config file's
 * settings. Usage errors and every other failure to start exit with code 2.
 * It runs with a 64 MB young generation (`npm start` and the `token-mock` launcher, `bin.ts`, pass
 * the flag): per-request garbage and journal entries then die young instead of being promoted, and
 * full collections, which walk every seeded user, stay rare. With 100,000 users that is a third more
 * pages of GET /v1/users.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { FaultRule } from '../core/faults.js';
import { pactCommand } from './pact-command.js';
import { proxyCommand } from './proxy-command.js';
import { serveCommand } from './serve-command.js';
import { withSettings } from './settings.js';
import { verifyCommand } from './verify-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('token-mock')
  .description('Faithful, stateful, deterministic mock of the WuKongIM user-token API and the Smile API')
  .version(version, '-v, --version')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

/** The config file's fault rules, once read. */
let faults: FaultRule[] = [];
const serve = serveCommand(program, version, () => faults);
const proxy = proxyCommand(program, version);
verifyCommand(program);
pactCommand(program, version);

// Started by the launcher (bin.ts): if it goes away, shut down as on SIGTERM. The channel alone keeps nothing running.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

try {
  const settings = await withSettings(process.argv, { serve, proxy });
  faults = settings.faults;
  await program.parseAsync(settings.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
  process.exit(done ? 0 : 2);
}
