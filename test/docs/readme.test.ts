// The README is the deployment admin's (issue 39): short enough to read in ten minutes, in the
// order of the original document's process, every command in it one zticache takes, and its two
// commands (build and run; the whole test suite) the ones package.json and CI run. What moved out
// of it to docs/ and CONTRIBUTING.md is still there. The options and exit-code tables are checked
// against their sources in test/unit/cli/args.test.ts and test/unit/core/exit-codes.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS, parseArgs, type Args } from '../../src/cli/args.js';
import { helpText } from '../../src/cli.js';
import { DEFAULT_MIF_VERSION } from '../../src/cli/defaults.js';
import { ExitCode, exitCodeTable } from '../../src/core/exit-codes.js';
import { ZtiError } from '../../src/core/errors.js';
import { utilCommand } from '../../src/commands/util/command.js';
import type { Platform } from '../../src/platform/platform.js';
import { headings, proseLines } from '../helpers/markdown.js';
import { ROOT } from '../helpers/fixtures.js';

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const README = read('README.md');
const lines = README.split('\n');

/** The text of the README's section under a heading (up to the next heading of that level or above). */
function section(text: string, heading: RegExp): string {
  const hs = headings(text);
  const i = hs.findIndex((h) => heading.test(h.text));
  expect(i, `a heading ${heading}`).toBeGreaterThanOrEqual(0);
  const end = hs.slice(i + 1).find((h) => h.level <= hs[i]!.level);
  return text.split('\n').slice(hs[i]!.line, end ? end.line - 1 : undefined).join('\n');
}

/**
 * Every zticache command the text shows: in a code span, or a line of a code block. A table's
 * cells name commands (`zticache util /collection` found ...) rather than show them: left out.
 */
function commands(text: string): string[] {
  const found: string[] = [];
  const prose = new Set(proseLines(text).map((l) => l.line));
  for (const [i, l] of text.split('\n').entries()) {
    if (prose.has(i + 1) && l.startsWith('|')) continue;
    const candidates = prose.has(i + 1) ? [...l.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) : [l.trim()];
    for (const c of candidates) if (/^zticache(\.exe)?( |$)/.test(c)) found.push(c);
  }
  return found;
}

/** A command line split as Windows splits one for a program: spaces outside quotes, quotes removed. */
function argv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (ch === ' ' && !quoted) {
      if (any || cur) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (any || cur) out.push(cur);
  return out.slice(1); // the program itself
}

describe('the README is the admin\'s', () => {
  it('reads in ten minutes: at most 215 lines and 2,500 words, no line a packed paragraph', () => {
    expect(lines.length).toBeLessThanOrEqual(215);
    expect(lines.length).toBeGreaterThan(120); // and still says what it has to
    const words = README.split(/\s+/).filter(Boolean).length;
    expect(words).toBeLessThanOrEqual(2500);
    expect(words).toBeGreaterThan(1500);
    // a way-out row once held a paragraph (700 characters); the detail belongs in docs/way-out.md
    const long = lines.map((l, i) => [i + 1, l.length] as const).filter(([, n]) => n > 400);
    expect(long, 'lines over 400 characters (line, length)').toEqual([]);
  });

  it('goes in the document\'s order: what it is, get it, deploy (collection, client cache, package and manifest, program and advertisement, a test on an empty collection, start and mandatory times, readiness before the deadline, status MIF and Reporting tab), then failures, exit codes, logs, real Windows, links', () => {
    const order = [
      /^zticache$/,
      /^Get it$/,
      /^Deploy it, step by step$/,
      /^1\. A collection of computers that can hold the package$/,
      /^2\. A client cache big enough/,
      /^3\. .*manifest/,
      /^4\. The program and the advertisement$/,
      /^5\. A test on the empty collection$/,
      /^6\. Start and mandatory times/,
      /^7\. Before the mandatory time/,
      /^8\. The status MIF and the Reporting tab$/,
      /^When a run fails: the way out$/,
      /^Exit codes$/,
      /^Logs and events$/,
      /^What only a real Windows machine shows$/,
      /^More$/,
    ];
    const hs = headings(README).map((h) => h.text);
    let at = -1;
    for (const want of order) {
      const i = hs.findIndex((h, k) => k > at && want.test(h));
      expect(i, `${want} after ${hs[at] ?? 'the start'}`).toBeGreaterThan(at);
      at = i;
    }
    // the deployment's steps are numbered 1, 2, 3 ... without a gap
    const steps = headings(section(README, /^Deploy it, step by step$/)).filter((h) => h.level === 3).map((h) => Number(/^(\d+)\. /.exec(h.text)?.[1]));
    expect(steps).toEqual(steps.map((_, i) => i + 1));
  });

  it('each deployment step uses zticache\'s own command for it, in that order: util /collection, cache-size, manifest, util /enable:true, the schedule check, check and util /readiness, /status-mif', () => {
    const deploy = section(README, /^Deploy it, step by step$/);
    const first = (re: RegExp) => {
      const i = deploy.search(re);
      expect(i, `${re} in "Deploy it"`).toBeGreaterThan(0);
      return i;
    };
    const at = [
      first(/zticache util \/collection:/),
      first(/zticache\.exe cache-size \d+/),
      first(/zticache manifest /),
      first(/zticache util \/advertisement:\w+ \/enable:true/),
      first(/zticache util \/bandwidth-mbps:/),
      first(/zticache\.exe check /),
      first(/zticache util \/readiness /),
      first(/zticache\.exe \/status-mif:/),
    ];
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // the document's warnings, each in its step
    expect(section(README, /^4\. /)).toMatch(/\*\*A program change reaches every advertisement of that program\*\*/);
    expect(section(README, /^4\. /)).toMatch(/\*\*empty\*\* collection/);
    expect(section(README, /^5\. /)).toMatch(/test computers to the empty collection/);
    expect(section(README, /^6\. /)).toMatch(/\*\*start time\*\*[\s\S]*\*\*mandatory time\*\*[\s\S]*network/);
  });

  it('says the supported Windows first: Windows 10 / Server 2016 x64, and what older Windows does (exit 216, nothing logged)', () => {
    const intro = README.slice(0, README.indexOf('\n## '));
    expect(intro).toMatch(/\*\*Supported: Windows 10 \/ Windows Server 2016 or later, x64\*\*/);
    expect(intro).toMatch(/exits \*\*216\*\*/);
    // the collection the README has util create is the same floor
    expect(OPTIONS.find((o) => o.name === 'collection')!.help).toMatch(/Windows 10 x64 or later/);
    expect(section(README, /^1\. /)).toMatch(/Windows 10 x64 or\s+later/);
  });

  it('the Reporting tab step gives the values zticache writes into the status MIF: the file name, Name, Publisher and the fixed Version', () => {
    const step = section(README, /^8\. The status MIF/);
    const m = /zticache\.exe \/status-mif:(\w+)\.mif/.exec(step);
    expect(m).not.toBeNull();
    const tab = /MIF file name `([^`]+)`,\s+Name `([^`]+)`,\s+Publisher `([^`]+)`,\s+Version `([^`]+)`/.exec(step);
    expect(tab, 'the Reporting tab\'s four fields').not.toBeNull();
    const dflt = (name: string) => OPTIONS.find((o) => o.name === name)!.default.replace(/`/g, '');
    expect(tab!.slice(1)).toEqual([m![1], dflt('mif-product'), dflt('mif-publisher'), DEFAULT_MIF_VERSION]);
    // the readiness check's program writes the MIF the same tab matches
    expect(section(README, /^7\. /)).toContain(`zticache.exe check /status-mif:${m![1]}.mif`);
  });

  it('holds nothing for developers: no source or test paths, no mutation scores, no test runner', () => {
    for (const word of [/\bsrc\//, /\btest\//, /mutat/i, /stryker/i, /vitest/i, /\bkoffi through\b/, /esbuild/i]) expect(README).not.toMatch(word);
  });
});

describe('the README\'s commands are zticache\'s', () => {
  const shown = commands(README);

  it('finds the commands it shows (collection, cache-size, manifest, util, check, readiness, status MIF, selftest)', () => {
    expect(shown.length).toBeGreaterThanOrEqual(15);
    for (const sub of ['util', 'cache-size', 'manifest', 'check', 'selftest']) expect(shown.some((c) => argv(`x ${c}`)[1] === sub), sub).toBe(true);
  });

  it('every one is taken by the parser as written', () => {
    for (const c of shown) expect(() => parseArgs(argv(c)), c).not.toThrow();
  });

  it('every zticache util command gets as far as connecting to the site: none is refused as USAGE first', async () => {
    const utils = shown.map((c) => parseArgs(argv(c))).filter((a: Args) => a.command === 'util');
    expect(utils.length).toBeGreaterThanOrEqual(8);
    for (const args of utils) {
      let connected = false;
      const platform = {
        createObject: () => {
          connected = true;
          throw new Error('no site here');
        },
      } as unknown as Platform;
      const err = await utilCommand(args, platform, () => {}, { execPath: 'zticache.exe', packaged: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err instanceof ZtiError && err.exitCode === ExitCode.USAGE ? err.message : undefined, JSON.stringify(args)).toBeUndefined();
      expect(connected, JSON.stringify(args)).toBe(true);
    }
  });

  it('every option it names is one of zticache\'s, and every command --help lists is shown', () => {
    const names = new Set<string>(OPTIONS.map((o) => o.name));
    const spans = proseLines(README).flatMap((l) => [...l.text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const options = [...spans, ...shown].flatMap((s) => [...s.matchAll(/(?:^| )(?:--|\/)([a-z][a-z-]*)(?=[:= ]|$)/g)].map((m) => m[1]!));
    expect(options.length).toBeGreaterThanOrEqual(20);
    for (const o of options) expect(names.has(o), `--${o}`).toBe(true);
    const usage = helpText().split('\n').filter((l) => /^ {2}zticache \w/.test(l)).map((l) => l.trim().split(' ')[1]!);
    expect(usage).toEqual(['manifest', 'util', 'cache-size', 'selftest', 'check']);
    for (const sub of usage) expect(README, sub).toMatch(new RegExp(`\`zticache(\\.exe)? ${sub}\\b`));
  });

  it('the way-out table names only codes that exist', () => {
    const names = new Set(exitCodeTable.map((r) => r.name));
    const table = section(README, /^When a run fails: the way out$/).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| exit code'));
    expect(table.length).toBeGreaterThanOrEqual(20);
    for (const row of table) for (const [name] of row.split(' | ')[0]!.matchAll(/\b[A-Z][A-Z_]{3,}\b/g)) expect(names.has(name as never), `${name} in ${row.slice(0, 60)}`).toBe(true);
  });
});

describe('the README\'s two commands are the ones that build and test', () => {
  const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;

  it('one builds and runs the product, one runs the whole test suite, in a shell block', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(README)?.[1]?.trim().split('\n');
    expect(block).toEqual(['npm ci && npm run build && npm run demo', 'npm ci && npm test']);
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['build', 'demo', 'test']));
  });

  it('npm test type-checks, builds and runs every suite (vitest with no folder named), as CI does', () => {
    expect(scripts.test).toMatch(/npm run typecheck && npm run build && vitest run$/);
    const ci = read('.ci/run').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ci.some((l) => /^npm ci\b/.test(l))).toBe(true);
    expect(ci.at(-1)).toBe('npm test');
    expect(read('CONTRIBUTING.md')).toContain('```sh\nnpm ci && npm test\n```');
  });
});

describe('nothing the README held is lost', () => {
  // each section of the README before issue 39, and where it is now
  const moved: [old: string, file: string, heading: RegExp][] = [
    ['Build and run', 'CONTRIBUTING.md', /^Build and run$/],
    ['Signing', 'docs/security.md', /^Signing$/],
    ['A release to hand over', 'docs/security.md', /^A release to hand over$/],
    ['Test', 'CONTRIBUTING.md', /^Test$/],
    ['Test (the suites)', 'docs/testing.md', /^What each suite proves$/],
    ['Tests that bite: mutation testing', 'docs/testing.md', /^Tests that bite: mutation testing$/],
    ['Measured again for issue 35', 'docs/testing.md', /^Measured again for issue 35/],
    ['Measured again 2026-12-02', 'docs/testing.md', /^Measured again 2026-12-02/],
    ['Command line', 'docs/command-line.md', /^Options$/],
    ['The document\'s other two scripts, without VBScript', 'docs/util.md', /^`zticache util`$/],
    ['Exit codes', 'docs/command-line.md', /^Exit codes$/],
    ['Logs', 'docs/logs.md', /^The log, the console and the event log$/],
    ['Admitting zticache.exe: for the security team', 'docs/security.md', /^Admitting zticache\.exe: for the security team$/],
    ['Deploying with SMS 2003 / ConfigMgr', 'README.md', /^Deploy it, step by step$/],
    ['Deploying, step 5: the status MIF', 'docs/logs.md', /^The status MIF$/],
    ['When a run fails: the way out', 'README.md', /^When a run fails: the way out$/],
    ['When a run fails: the way out (each row in full)', 'docs/way-out.md', /^When a run fails: the way out, in full$/],
    ['Logs and events: last-run.json\'s fields', 'docs/logs.md', /^last-run\.json$/],
    ['Reliability', 'docs/reliability.md', /^Reliability$/],
    ['Names and identities', 'docs/names.md', /^Names and identities/],
    ['Security', 'docs/security.md', /^The threat model$/],
    ['Every place zticache touches', 'docs/security.md', /^Every place zticache touches$/],
    ['Performance', 'docs/performance.md', /^Performance$/],
    ['On a real Windows test machine: zticache.exe selftest', 'docs/windows-checks.md', /^`zticache\.exe selftest`$/],
    ['By hand', 'docs/windows-checks.md', /^By hand$/],
    ['How it differs from ZTICache.vbs', 'docs/how-it-works.md', /^How it differs from ZTICache\.vbs$/],
    ['Source layout', 'docs/layout.md', /^Source layout$/],
  ];

  it.each(moved)('%s: in %s', (_old, file, heading) => {
    expect(headings(read(file)).some((h) => heading.test(h.text))).toBe(true);
  });

  it('the tables that were the evidence moved whole: every mutation score row, every reliability row, every place, every selftest check', () => {
    const rows = (file: string, re: RegExp) => read(file).split('\n').filter((l) => re.test(l)).length;
    expect(rows('docs/testing.md', /^\| `src\/.*` .*\| \d+\.\d%/)).toBeGreaterThanOrEqual(80);
    expect(rows('docs/reliability.md', /^\| [a-z]/)).toBeGreaterThanOrEqual(14);
    expect(rows('docs/security.md', /^\| (the |`|%)/)).toBeGreaterThanOrEqual(12);
    expect(rows('docs/windows-checks.md', /^\| (places|the |names|events|how)/)).toBeGreaterThanOrEqual(10);
  });

  it('the way-out rows moved whole: docs/way-out.md gives every code of zticache its way out at length, and each README row links into it', () => {
    const full = read('docs/way-out.md').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| exit code'));
    expect(full.length).toBeGreaterThanOrEqual(29);
    const firstColumns = full.map((l) => l.split(' | ')[0]!);
    for (const row of exitCodeTable.filter((r) => r.name !== 'SUCCESS')) expect(firstColumns.some((c) => new RegExp(`\\b${row.name}\\b`).test(c)), row.name).toBe(true);
    const short = section(README, /^When a run fails: the way out$/).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| exit code'));
    for (const row of short) expect(row, row.slice(0, 60)).toMatch(/\]\(docs\/way-out\.md#[a-z0-9_-]+\)/);
  });
});
