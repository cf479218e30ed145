#!/usr/bin/env node
/**
 * The `token-mock` executable. It starts under any `env`, BusyBox's in Alpine images included, whose
 * `env` has no `-S`: a shebang cannot pass Node flags there. So this launcher runs the command line
 * (`main.ts`) in a child with the flag it wants, a 64 MB young generation (`--max-semi-space-size=64`,
 * see main.ts), unless Node was already given one (on its command line or in NODE_OPTIONS), in which
 * case it runs it in place. The child is in its own process group and gets every SIGINT, SIGTERM and
 * SIGHUP the launcher gets, exactly once; its exit code (or signal) is the launcher's. If the launcher
 * itself is killed, the child sees its channel close and shuts down as on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FLAG = '--max-semi-space-size=64';
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'));

if (given) {
  await import('./main.js');
} else {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, main, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    // Its own process group: a Ctrl-C reaches the launcher only, which passes it on once.
    detached: true,
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, () => child.kill(signal));
  child.once('error', (error) => {
    console.error(`token-mock: cannot start ${process.execPath}: ${error.message}`);
    process.exit(2);
  });
  child.once('exit', (code, signal) => {
    if (signal) {
      for (const name of signals) process.removeAllListeners(name);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
