/**
 * What persistence costs a request, with 20,000 Smile users in a Storage held in memory (so that the
 * numbers are the mock's, not a disk's): no persistence, batched saves (the default), and a full save
 * after every request, which is what persistence did before saves were batched.
 * `npm run bench:persistence`; USERS and SECONDS (per row) change the sizes.
 */
import { createMock, type StorageLike } from 'token-mock';

const USERS = Number(process.env.USERS ?? 20_000);
const SECONDS = Number(process.env.SECONDS ?? 4);

function memoryStorage(): StorageLike & { writes: number } {
  const data = new Map<string, string>();
  const storage = {
    writes: 0,
    getItem: (key: string) => data.get(key) ?? null,
    setItem(key: string, value: string) {
      storage.writes += 1;
      data.set(key, value);
    },
    removeItem: (key: string) => void data.delete(key),
  };
  return storage;
}

type Mode = 'none' | 'batched' | 'every request';

/** Mean microseconds per `POST /user/token` through `mock.fetch` over SECONDS, and how many saves were written meanwhile. */
async function perRequest(mode: Mode): Promise<{ micros: number; requests: number; saves: number }> {
  const storage = memoryStorage();
  const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z', smile: { users: USERS }, persist: mode === 'none' ? undefined : { storage } });
  // `flush` (where there is one) after each request makes one full serialisation and write per request.
  const flush = mode === 'every request' ? (mock as { flush?: () => Promise<void> }).flush : undefined;
  let i = 0;
  const run = async (seconds: number) => {
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    let requests = 0;
    while (performance.now() < until) {
      const body = JSON.stringify({ uid: `u${i % 100}`, token: `t${i++}`, device_flag: 1 });
      const response = await mock.fetch(new Request('http://localhost:5001/user/token', { method: 'POST', body }));
      await response.text();
      await flush?.();
      // Requests reach a server one I/O callback each: yielding to the event loop lets timers, and the batched save, run.
      await new Promise((resolve) => setImmediate(resolve));
      requests += 1;
    }
    return { elapsed: performance.now() - started, requests };
  };
  await run(1);
  const writesBefore = storage.writes;
  const { elapsed, requests } = await run(SECONDS);
  return { micros: (elapsed * 1000) / requests, requests, saves: storage.writes - writesBefore };
}

/** One full save: the serialisation and write every save costs, now once per interval. */
function oneSave(): number {
  const storage = memoryStorage();
  const mock = createMock({ seed: 1, startTime: '2026-01-01T00:00:00Z', smile: { users: USERS } });
  const started = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i++) storage.setItem('token-mock', JSON.stringify(mock.snapshot()));
  return (performance.now() - started) / rounds;
}

console.log(`persistence with ${USERS} users: POST /user/token through mock.fetch, ${SECONDS} s per row after 1 s of warm-up`);
const results: [string, Awaited<ReturnType<typeof perRequest>>][] = [];
for (const mode of (process.env.MODES?.split(',') ?? ['none', 'batched', 'every request', 'none']) as Mode[]) results.push([mode, await perRequest(mode)]);
const none = Math.min(...results.filter(([mode]) => mode === 'none').map(([, result]) => result.micros));
for (const [mode, { micros, requests, saves }] of results) {
  console.log(
    `  ${mode.padEnd(14)} ${micros.toFixed(1).padStart(8)} µs/request  (${(micros - none).toFixed(1).padStart(8)} µs over none)  ${requests} requests, ${saves} saves`,
  );
}
const save = oneSave();
console.log(`  one save       ${save.toFixed(1)} ms (serialise and write the whole state)`);
for (const [mode, { requests, saves }] of results) {
  if (saves > 0) console.log(`  ${mode}: saves amortised over the requests cost ${((saves * save * 1000) / requests).toFixed(1)} µs/request`);
}
