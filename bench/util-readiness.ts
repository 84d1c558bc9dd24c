// zticache util /readiness over a made-up collection (test/helpers/readiness-site.ts: the unit
// tests' site), N clients with the OS advertisement's and the check's status: the time of the
// whole command (the console lines, and the CSV), and the property reads, which on a real provider
// are COM calls. The goal is linear: about 2 reads a member and 3-4 a status row.
//   bench/run.mjs builds and runs this file with esbuild; by hand:
//   npx esbuild bench/util-readiness.ts --bundle --platform=node --format=esm --outfile=/tmp/r.mjs && node /tmp/r.mjs 20000
import { runUtil } from '../src/commands/util/util.js';
import { readinessSite } from '../test/helpers/readiness-site.js';

const n = Number(process.argv[2] ?? 20000);
const result: Record<string, number> = { clients: n };
for (const format of ['text', 'csv'] as const) {
  const site = readinessSite(n);
  let lines = 0;
  const t = performance.now();
  await runUtil({ whatIf: false, readiness: true, advertisement: 'XXX20001', checkAdvertisement: 'XXX20002', format }, { connect: () => site, out: () => void lines++, now: () => new Date(2026, 11, 9, 12) });
  result[`${format}Ms`] = Math.round(performance.now() - t);
  result[`${format}Lines`] = lines;
  result.reads = site.reads.length;
  result.queries = site.queries.length;
  result.statusRows = site.statuses.length;
}
console.log(JSON.stringify(result));
