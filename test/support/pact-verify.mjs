// Runs the real Pact verifier (@pact-foundation/pact's Verifier, its Rust core from npm) in a process of
// its own, whose output the test reads: `node pact-verify.mjs <pact file> <provider base URL> [<state URL>]`.
// Exit 0 when every interaction passed, 1 when any failed.
import { Verifier } from '@pact-foundation/pact';

const [pactFile, providerBaseUrl, statesUrl] = process.argv.slice(2);
const verifier = new Verifier({
  providerBaseUrl,
  pactUrls: [pactFile],
  ...(statesUrl ? { providerStatesSetupUrl: statesUrl } : {}),
  logLevel: 'error',
});
verifier.verifyProvider().then(
  () => process.exit(0),
  () => process.exit(1),
);
