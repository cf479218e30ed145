// For `npm run bench:instructions` (node --expose-gc --import bench/settle.mjs): SIGUSR2 collects the
// whole heap and answers "settled" on stdout. Taken just before a row is counted, it empties the young
// generation, so the row's requests allocate from the same start each run and its scavenges fall on
// the same requests: the count then repeats to a fraction of a percent instead of several percent.
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  process.stdout.write('settled\n');
});
