import { Verifier } from '@pact-foundation/pact';
const [file, base] = process.argv.slice(2);
new Verifier({ providerBaseUrl: base, pactUrls: [file], providerStatesSetupUrl: `${base}/__mock/pact/provider-states`, logLevel: 'warn' })
  .verifyProvider().then(() => { console.log('PASSED'); process.exit(0); }, (e) => { console.log('FAILED', e.message); process.exit(1); });
