/** `token-mock pact`: a Pact file from a recording. */
import { type Command, Option } from 'commander';
import { WUKONGIM_PROFILES, type WukongimProfile } from '../apis/wukongim/index.js';

/** Adds `pact` to `program`. */
export function pactCommand(program: Command, version: string): Command {
  return (
    program
      .command('pact')
      .description("write a Pact V4 file of what an app did with one API, from a HAR recording (--record, GET /__mock/har, or a browser's)")
      .requiredOption('--from-har <file>', 'the recording (at most 64 MiB)')
      // Checked by the pact itself, so that a missing one is the same one line as a wrong one.
      .option('--provider <api>', 'the API the pact is of: smile or wukongim (required)')
      .option('--consumer <name>', 'the app the pact is of, as the broker names it (required)')
      .option('--out <file>', 'where to write the pact (default: standard output)')
      .addOption(new Option('--profile <name>', 'WuKongIM: the contract the answers are held to').choices(WUKONGIM_PROFILES).default('docs'))
      .action(async (options) => {
        const { runPact } = await import('./pact.js');
        await runPact({ ...options, profile: options.profile as WukongimProfile }, version);
      })
  );
}
