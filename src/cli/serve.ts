/** `token-mock serve`: the standalone mock on its ports, until SIGINT or SIGTERM. */
import { type RunningServer, serve } from '../adapters/node.js';
import type { WukongimProfile } from '../apis/wukongim/index.js';
import { createMock } from '../mock.js';

/** The serve command's settings, parsed and checked. */
export interface ServeSettings {
  seed: number;
  host: string;
  wukongimPort: number;
  profile: WukongimProfile;
  managerToken?: string;
  wukongimTokenTtl?: number;
  startTime?: string;
  strict: boolean;
  maxBodyBytes: number;
  journalSize: number;
}

/** Starts the servers, prints where they listen, and stops gracefully on a signal. */
export async function runServe(settings: ServeSettings, version: string): Promise<void> {
  const mock = createMock({
    seed: settings.seed,
    startTime: settings.startTime,
    strict: settings.strict,
    maxBodyBytes: settings.maxBodyBytes,
    journalSize: settings.journalSize,
    wukongim: { profile: settings.profile, managerToken: settings.managerToken, tokenTtl: settings.wukongimTokenTtl },
  });
  let wukongim: RunningServer;
  try {
    wukongim = await serve(mock, { api: 'wukongim', port: settings.wukongimPort, host: settings.host });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const reason =
      code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : (error as Error).message;
    console.error(`token-mock: cannot listen on ${settings.host}:${settings.wukongimPort}: ${reason}`);
    process.exit(1);
  }
  const clockNote = settings.startTime ? `clock frozen at ${mock.clock.iso()}` : 'real clock';
  console.log(`token-mock ${version} (seed ${settings.seed}, profile ${settings.profile}, ${clockNote})`);
  console.log(`  WuKongIM  ${wukongim.url}${settings.managerToken ? '  (header token: required)' : ''}`);
  console.log(`  control   ${wukongim.url}/__mock`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`token-mock: ${signal}, shutting down`);
    // Requests in flight get a moment to finish; a stuck keep-alive client cannot hold the exit.
    setTimeout(() => process.exit(0), 3_000).unref();
    wukongim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
