/** `token-mock proxy`: the mock's edge, spec checks and journal in front of the real providers, until SIGINT or SIGTERM. */
import { writeFile } from 'node:fs/promises';
import { serve } from '../adapters/node.js';
import type { WukongimProfile } from '../apis/wukongim/index.js';
import { createMock } from '../mock.js';
import { createProxy, type Upstreams } from '../proxy/index.js';
import { openRecording, recordingNote } from './recording.js';
import { standardRequestLog } from './request-log.js';
import type { ServerFlags } from './server-options.js';

/** The proxy command's settings, parsed and checked. */
export interface ProxySettings extends ServerFlags {
  upstreams: Upstreams;
  profile: WukongimProfile;
  upstreamTimeout: number;
  failOnViolation: boolean;
  junit?: string;
}

/** The exit code of a run that saw a violation, with `--fail-on-violation`. */
export const EXIT_VIOLATION = 1;

/** Starts the proxy's ports, prints where they listen and where they forward, and on a signal writes the report and exits. */
export async function runProxy(settings: ProxySettings, version: string): Promise<void> {
  // The mock gives the edge, the specs (in the chosen WuKongIM profile), the journal and the clock; no users are seeded, since none answer.
  const mock = createMock({
    adminToken: settings.adminToken,
    maxBodyBytes: settings.maxBody,
    adminMaxBodyBytes: settings.adminMaxBody,
    journalSize: settings.journalSize,
    wukongim: { profile: settings.profile },
    smile: { users: 0 },
  });
  const proxy = createProxy(mock, { upstreams: settings.upstreams, timeoutMs: settings.upstreamTimeout });
  const { output, log, edge } = standardRequestLog(mock, settings.logFormat, settings.quiet);
  const recording = await openRecording(mock, settings);
  const open = async (api: 'wukongim' | 'smile' | undefined, port: number, flag: string) => {
    try {
      return await serve(mock, {
        api,
        port,
        host: settings.host,
        forward: proxy.forward,
        maxConnections: settings.maxConnections,
        headersTimeoutMs: settings.headersTimeout,
        requestTimeoutMs: settings.requestTimeout,
        corsOrigins: settings.corsOrigin,
        allowedHosts: settings.allowedHosts,
        onEdge: edge,
      });
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      const reason =
        code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with ${flag} <port>, or ${flag} 0 for a free one` : (error as Error).message;
      console.error(`token-mock: cannot listen on ${settings.host}:${port}: ${reason}`);
      process.exit(2);
    }
  };
  const servers: { close(): Promise<void>; url: string; api?: 'wukongim' | 'smile' }[] = [];
  if (settings.port !== undefined) servers.push(await open(undefined, settings.port, '--port'));
  else {
    if (settings.upstreams.wukongim) servers.push({ ...(await open('wukongim', settings.wukongimPort, '--wukongim-port')), api: 'wukongim' });
    if (settings.upstreams.smile) servers.push({ ...(await open('smile', settings.smilePort, '--smile-port')), api: 'smile' });
  }
  const at = (api: 'wukongim' | 'smile') => (servers.find((server) => server.api === api) ?? servers[0])?.url;
  console.log(`token-mock ${version} proxy (WuKongIM contract: ${settings.profile})`);
  const { wukongim, smile } = settings.upstreams;
  if (wukongim) console.log(`  WuKongIM  ${at('wukongim')}  →  ${wukongim.href}  (GET /route passes through; the IM WebSocket is not proxied)`);
  if (smile) console.log(`  Smile     ${at('smile')}/v1  →  ${smile.href}`);
  console.log(
    `  control   ${servers.map((server) => `${server.url}/__mock`).join('  and  ')}${settings.adminToken ? '  (Authorization: Bearer <admin token>)' : ''}`,
  );
  if (settings.record) console.log(`  recording ${recordingNote(settings)}`);
  console.log('  credentials pass through to the upstream; the journal and the log show them as REDACTED');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(2);
    stopping = true;
    await Promise.race([Promise.all(servers.map((server) => server.close())), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    await recording?.close();
    const { report } = proxy;
    // Checked writable at start; a disk that fails now still gets one line, never a stack trace.
    const junitFailure = settings.junit
      ? await writeFile(settings.junit, report.junit()).then(
          () => undefined,
          (error: Error) => error.message,
        )
      : undefined;
    if (junitFailure) console.error(`token-mock: cannot write the JUnit report ${settings.junit}: ${junitFailure}`);
    log.flush();
    await output.drain(1_000);
    console.log(
      `token-mock: ${signal}, ${report.exchanges} exchanges proxied, ${report.violations} violations${settings.junit && !junitFailure ? `; JUnit in ${settings.junit}` : ''}`,
    );
    process.exit(junitFailure ? 2 : settings.failOnViolation && report.violations > 0 ? EXIT_VIOLATION : 0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
