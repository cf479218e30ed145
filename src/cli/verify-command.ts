/** `token-mock verify`: its flags, their checks, and the call of `runVerify`. */
import { type Command, Option } from 'commander';
import { WUKONGIM_PROFILES, type WukongimProfile } from '../apis/wukongim/index.js';
import { httpUrl, integer, realTime, usage } from './arguments.js';

/** Adds `verify` to `program`. */
export function verifyCommand(program: Command): Command {
  return program
    .command('verify')
    .description('check a provider (this mock, the real API, anything between) against the specs; exit 1 if any case fails')
    .addOption(new Option('--api <api>', 'which API to check').choices(['smile', 'wukongim']).makeOptionMandatory())
    .addOption(new Option('--base-url <url>', 'the provider; for Smile with /v1, e.g. https://sandbox.smileapi.io/v1').argParser(httpUrl).makeOptionMandatory())
    .option('--key <key>', "Smile API key (default: the mock's test_key)")
    .option('--secret <secret>', "Smile API secret (default: the mock's test_secret)")
    .addOption(
      new Option('--mode <mode>', "Smile: the mode every token must have (default: the host's, else the mock key's, else the first token's)").choices([
        'sandbox',
        'production',
      ]),
    )
    .option('--manager-token <token>', 'WuKongIM manager token, when the provider requires one')
    .addOption(new Option('--profile <name>', 'WuKongIM contract to check: the docs, or the v2 server').choices(WUKONGIM_PROFILES).default('docs'))
    .addOption(new Option('--seed <n>', 'seed of the sample data, so a run repeats').argParser(integer('--seed', 0, 2 ** 32 - 1)).default(1))
    .option('--junit <file>', 'also write a JUnit XML report')
    .addOption(new Option('--timeout <duration>', 'per request').argParser(realTime('--timeout', 1)).default(10_000, '10s'))
    .action(async (options) => {
      if ((options.key === undefined) !== (options.secret === undefined)) usage('--key and --secret go together.');
      if (options.api === 'wukongim' && options.key !== undefined) usage('--key and --secret are for --api smile.');
      if (options.api === 'smile' && options.managerToken !== undefined) usage('--manager-token is for --api wukongim.');
      if (options.api === 'wukongim' && options.mode !== undefined) usage('--mode is for --api smile.');
      const { runVerify } = await import('./verify.js');
      process.exitCode = await runVerify({
        api: options.api,
        baseUrl: options.baseUrl,
        key: options.key,
        secret: options.secret,
        mode: options.mode,
        managerToken: options.managerToken,
        profile: options.profile as WukongimProfile,
        seed: options.seed,
        timeoutMs: options.timeout,
        junit: options.junit,
      });
    });
}
