/** `token-mock proxy`: its flags, their checks, and the call of `runProxy`. */
import { type Command, Option } from 'commander';
import { WUKONGIM_PROFILES, type WukongimProfile } from '../apis/wukongim/index.js';
import { httpUrl, realTime, usage } from './arguments.js';
import { listEnvironment } from './environment.js';
import { checkServerFlags, serverOptions } from './server-options.js';

/** Adds `proxy` to `program`. */
export function proxyCommand(program: Command, version: string): Command {
  const command = serverOptions(
    program
      .command('proxy')
      .description('forward each request to the real provider and check both directions against the specs; every flag is also TOKEN_MOCK_<FLAG_NAME>'),
  )
    .addOption(new Option('--wukongim-upstream <url>', 'the WuKongIM server to forward to, e.g. http://127.0.0.1:5001').argParser(httpUrl))
    .addOption(new Option('--smile-upstream <url>', 'the Smile API to forward to, with its /v1, e.g. https://sandbox.smileapi.io/v1').argParser(httpUrl))
    .addOption(new Option('--profile <name>', 'the WuKongIM contract to check against: the docs, or the v2 server').choices(WUKONGIM_PROFILES).default('docs'))
    .addOption(
      new Option('--upstream-timeout <duration>', 'real time the upstream has to answer (then 504), and the longest it may fall silent')
        .argParser(realTime('--upstream-timeout', 1))
        .default(10_000, '10s'),
    )
    .option('--fail-on-violation', 'exit 1 at shutdown if any exchange broke the spec, in either direction', false)
    .option('--junit <file>', 'write a JUnit XML report at shutdown: one test case per operation seen, failures naming each violation')
    .action(async (options) => {
      if (options.wukongimUpstream === undefined && options.smileUpstream === undefined) usage('give --wukongim-upstream, --smile-upstream, or both.');
      checkServerFlags(options, { writes: [['--junit', options.junit]] });
      const { runProxy } = await import('./proxy.js');
      await runProxy(
        {
          ...options,
          upstreams: {
            wukongim: options.wukongimUpstream === undefined ? undefined : new URL(options.wukongimUpstream),
            smile: options.smileUpstream === undefined ? undefined : new URL(options.smileUpstream),
          },
          profile: options.profile as WukongimProfile,
        },
        version,
      );
    });

  listEnvironment(command);
  return command;
}
