/** `token-mock pact`: a recording in, a Pact V4 file out; a mistake in either is one line and exit 2. */
import { writeFile } from 'node:fs/promises';
import type { WukongimProfile } from '../apis/wukongim/index.js';
import { isMockError } from '../core/errors.js';
import { readHar } from '../har/read.js';
import { createMock } from '../mock.js';
import { pactRequest, writePact } from '../pact/index.js';
import { readRecordings } from './from-har.js';

export interface PactSettings {
  fromHar: string;
  provider?: string;
  consumer?: string;
  out?: string;
  profile: WukongimProfile;
}

/** Reads the recording, writes the pact to `--out` (or standard output), and says where. */
export async function runPact(settings: PactSettings, version: string): Promise<void> {
  let asked: ReturnType<typeof pactRequest>;
  try {
    asked = pactRequest(settings);
  } catch (error) {
    console.error(`token-mock: ${(error as Error).message}`);
    process.exit(2);
  }
  const [recording] = await readRecordings([settings.fromHar]);
  // The specs come from a mock with nothing in it: the pact is of the recording, not of any state.
  const mock = createMock({ smile: { users: 0 }, wukongim: { profile: settings.profile } });
  let text: string;
  try {
    const exchanges = readHar(recording?.document, settings.fromHar);
    const pact = writePact(exchanges, asked, { inspect: mock.contract.inspect, profile: settings.profile, version });
    text = `${JSON.stringify(pact, null, 2)}\n`;
    if (settings.out === undefined) {
      process.stdout.write(text);
      return;
    }
    await writeFile(settings.out, text);
    const left = pact.metadata.tokenMock.left;
    console.error(
      `token-mock: wrote ${settings.out}: ${pact.interactions.length} interaction${pact.interactions.length === 1 ? '' : 's'} between ${asked.consumer} and ${asked.provider}` +
        (left > 0 ? `; ${left} exchanges left out, their bodies cut by the journal` : ''),
    );
  } catch (error) {
    const reason = isMockError(error) ? error.message : `cannot write ${settings.out}: ${(error as Error).message}`;
    console.error(`token-mock: ${reason}`);
    process.exit(2);
  }
}
