// zticache util's report over a large site, against the in-memory SMS site the unit tests use
// (test/helpers/sms-site.ts): N OS packages, one program and one advertisement each. Prints the
// time and the number of property reads, which on a real provider are COM calls (DCOM round trips
// from an admin workstation): the first port read PackageID once per pair, quadratic in the site.
//   bench/run.mjs builds and runs this file with esbuild; by hand:
//   npx esbuild bench/util-report.ts --bundle --platform=node --format=esm --outfile=/tmp/u.mjs && node /tmp/u.mjs 4000
import { runUtil } from '../src/commands/util/util.js';
import { memorySite } from '../test/helpers/sms-site.js';

const n = Number(process.argv[2] ?? 4000);
const site = memorySite();
for (let i = 0; i < n; i++) {
  const id = `OSD${String(i).padStart(5, '0')}`;
  site.packages.push({ PackageID: id, Name: `OS ${i}`, ImageFlags: 1 });
  site.programs.push({ PackageID: id, ProgramName: 'Install', CommandLine: i % 2 ? 'zticache.exe' : 'osdlaunch.exe' });
  site.adverts.push({ AdvertisementID: `ADV${String(i).padStart(5, '0')}`, PackageID: id, ProgramName: 'Install', RemoteClientFlags: 0x10 });
}
let lines = 0;
const t = performance.now();
await runUtil({ whatIf: false }, { connect: () => site, out: () => void lines++ });
const ms = performance.now() - t;
console.log(JSON.stringify({ packages: n, ms: Math.round(ms), reads: site.reads.length, lines }));
