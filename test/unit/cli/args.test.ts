import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';

function usageError(argv: string[]): ZtiError {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ZtiError);
    expect((err as ZtiError).exitCode).toBe(ExitCode.USAGE);
    return err as ZtiError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('command line', () => {
  it('no arguments is the OSD program form: run with defaults', () => {
    expect(parseArgs([])).toEqual({ command: 'run', launchArgs: [], mode: 'auto', whatIf: false, guard: true, force: false, keep: false, readiness: false, json: false, csv: false, warnings: [] });
  });

  it('--status-mif is a file name: a path or a device name (CON, NUL, COM1, with or without an extension) is refused', () => {
    for (const dev of ['CON', 'nul', 'con.mif', 'COM1', 'LPT9.txt', 'AUX', 'PRN', 'CONOUT$']) {
      expect(() => parseArgs([`/status-mif:${dev}`]), dev).toThrow(new RegExp(`"${dev.replace(/\$/g, '\\$')}" is a reserved device name \\(${dev.split('.')[0]!.toUpperCase().replace(/\$/g, '\\$')}\\), not a file name`));
    }
    expect(parseArgs(['/status-mif:CONSOLE.mif']).statusMif).toBe('CONSOLE.mif');
    // each separator alone: a backslash, a slash (Win32 takes both) and a drive colon
    for (const path of ['C:\\x.mif', 'sub\\x.mif', 'sub/x.mif', '../x.mif', 'C:x.mif']) {
      expect(() => parseArgs([`/status-mif:${path}`]), path).toThrow(/is a file name in %windir%, not a path/);
    }
  });

  it('/force belongs to zticache util, as its other options do', () => {
    expect(parseArgs(['util', '/force', '/advertisement:X', '/enable:true'])).toMatchObject({ command: 'util', force: true });
    expect(() => parseArgs(['/force'])).toThrow(/--force belongs to "zticache util"/);
    expect(() => parseArgs(['util', '/force:yes'])).toThrow(/\/force takes no value/);
  });

  it('accepts --name value, --name=value and the WSH form /name:value alike', () => {
    const a = parseArgs(['--source', 'C:\\cache', '--target=D:\\t', '/launch:OSDLaunch.exe', '/mode:copy', '/what-if']);
    expect(a).toMatchObject({ source: 'C:\\cache', target: 'D:\\t', launch: 'OSDLaunch.exe', mode: 'copy', whatIf: true });
  });

  it('option names are case-insensitive, as WSH switches are', () => {
    expect(parseArgs(['/Source:X', '--TARGET', 'Y'])).toMatchObject({ source: 'X', target: 'Y' });
  });

  it('everything after -- goes to the launcher untouched', () => {
    const a = parseArgs(['--source', 's', '--', '--mode', 'x', '/what-if']);
    expect(a.launchArgs).toEqual(['--mode', 'x', '/what-if']);
    expect(a.mode).toBe('auto');
    expect(a.whatIf).toBe(false);
  });

  it('a POSIX path is an argument, not a WSH switch', () => {
    expect(parseArgs(['manifest', '/tmp/pkg'])).toMatchObject({ command: 'manifest', manifestDir: '/tmp/pkg' });
  });

  it('help and version in every spelling', () => {
    for (const h of ['--help', '/help', '/?', '-h']) expect(parseArgs([h]).command).toBe('help');
    expect(parseArgs(['--version']).command).toBe('version');
    expect(parseArgs(['/version']).command).toBe('version');
  });

  it('--no-guard turns the guard off (diagnostics)', () => {
    expect(parseArgs(['--no-guard']).guard).toBe(false);
  });

  it('refuses unknown and malformed arguments, in both forms', () => {
    expect(usageError(['--bogus']).message).toMatch(/unknown option --bogus/);
    expect(usageError(['/bogus:1']).message).toMatch(/unknown option \/bogus/);
    expect(usageError(['--source']).message).toMatch(/--source needs a value/);
    expect(usageError(['/source']).message).toMatch(/\/source needs a value/);
    expect(usageError(['--source=']).message).toMatch(/non-empty/);
    expect(usageError(['--mode', 'teleport']).message).toMatch(/auto, move or copy/);
    expect(usageError(['/mode:fast']).message).toMatch(/auto, move or copy/);
    expect(usageError(['--what-if=yes']).message).toMatch(/takes no value/);
    expect(usageError(['stray']).message).toMatch(/unexpected argument "stray"/);
    expect(usageError(['--parallel', '0']).message).toMatch(/1 to 64/);
    expect(usageError(['manifest']).message).toMatch(/manifest DIR/);
    expect(usageError(['--out', 'x']).message).toMatch(/--out belongs/);
  });
});

describe('the options, defined once', () => {
  it('every option of the parser is in --help and in the README table, as rendered from OPTIONS', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { OPTIONS, optionSpelling } = await import('../../../src/cli/args.js');
    const { helpText } = await import('../../../src/cli.js');
    const { ROOT } = await import('../../helpers/fixtures.js');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const md = (t: string) => t.replace(/\|/g, '\\|');
    for (const o of OPTIONS) {
      expect(readme, o.name).toContain(`| \`${md(optionSpelling(o))}\` | ${o.default} | ${md(o.help)} |`);
      expect(helpText(), o.name).toContain(optionSpelling(o));
      // and the parser knows it
      const value = ({ mode: 'copy', parallel: '2', enable: 'yes', 'package-size': '500', 'scratch-mb': '500', 'bandwidth-mbps': '100', 'work-hours': '08-18' } as Record<string, string>)[o.name] ?? 'x';
      const argv = 'value' in o ? [`--${o.name}`, value] : [`--${o.name}`];
      // options of a subcommand are known to the parser, and belong to that subcommand
      const sub = o.name === 'out' ? ['manifest', 'DIR'] : ['server', 'package', 'program', 'advertisement', 'enable', 'force', 'readiness', 'check-advertisement', 'json', 'csv', 'collection', 'bandwidth-mbps', 'work-hours'].includes(o.name) ? ['util'] : ['package-size', 'keep'].includes(o.name) ? ['selftest'] : o.name === 'scratch-mb' ? ['check'] : [];
      expect(() => parseArgs([...sub, ...argv]), o.name).not.toThrow();
    }
  });
});

describe('each default defined once', () => {
  it('--help says the defaults the runs use', async () => {
    const { helpText } = await import('../../../src/cli.js');
    const { resolveOptions } = await import('../../../src/cli/options.js');
    const { DEFAULT_PARALLEL, DEFAULT_EVENT_SOURCE, DEFAULT_LAUNCHER } = await import('../../../src/cli/defaults.js');
    const help = helpText();
    expect(help).toMatch(new RegExp(`--parallel N .*\\(default: ${DEFAULT_PARALLEL}\\)`));
    expect(help).toMatch(new RegExp(`--event-source NAME .*\\(default: ${DEFAULT_EVENT_SOURCE}\\)`));
    const opts = resolveOptions(parseArgs(['--source', '/s', '--target', '/t']), { platform: 'linux', env: {}, execPath: '/n', packaged: false, cwd: '/' });
    expect([opts.parallel, opts.eventSource, opts.launcher]).toEqual([DEFAULT_PARALLEL, DEFAULT_EVENT_SOURCE, `/t/${DEFAULT_LAUNCHER}`]);
  });
});

describe('the commands beside staging', () => {
  it('zticache util takes ZTICacheUtil.vbs\'s arguments in every spelling, /enable as true, false, yes or no in any case', () => {
    const a = parseArgs(['util', '/server:SERVER1', '/advertisement:XXX20001', '/enable:TRUE']);
    expect(a).toMatchObject({ command: 'util', server: 'SERVER1', advertisement: 'XXX20001', enable: true });
    expect(parseArgs(['UTIL', '--package', 'XXX00001', '--program=Install XP', '/enable:No'])).toMatchObject({ command: 'util', package: 'XXX00001', program: 'Install XP', enable: false });
    expect(usageError(['util', '/enable:maybe']).message).toMatch(/must be true, false, yes or no, not "maybe"/);
    expect(usageError(['/advertisement:XXX20001']).message).toMatch(/--advertisement belongs to "zticache util"/);
    expect(usageError(['util', 'extra']).message).toMatch(/unexpected argument "extra"/);
  });

  it('zticache util\'s planning options: /readiness, /check-advertisement, /json, /csv, /collection, /scratch-mb, /bandwidth-mbps, /work-hours; each belongs to util', () => {
    expect(parseArgs(['util', '/readiness', '/advertisement:A', '/check-advertisement:C', '/CSV'])).toMatchObject({ command: 'util', readiness: true, advertisement: 'A', checkAdvertisement: 'C', csv: true, json: false });
    expect(parseArgs(['util', '--json'])).toMatchObject({ json: true, csv: false, readiness: false });
    expect(parseArgs(['util', '/collection:Deploy XP', '/package:P', '/scratch-mb:0'])).toMatchObject({ collection: 'Deploy XP', package: 'P', scratchMb: 0 });
    expect(parseArgs(['util', '/bandwidth-mbps:1.5', '/work-hours:7-19']).bandwidthMbps).toBe(1.5);
    expect(parseArgs(['util', '/work-hours:00-24']).workHours).toEqual({ from: 0, to: 24 });
    expect(parseArgs(['util', '/work-hours:08-18']).workHours).toEqual({ from: 8, to: 18 });
    expect(parseArgs(['util', '--bandwidth-mbps', '1000000']).bandwidthMbps).toBe(1_000_000);
    for (const bad of ['0', '-5', 'fast', '1e3', '1000001', '.5']) {
      expect(usageError(['util', `/bandwidth-mbps:${bad}`]).message, bad).toBe(`/bandwidth-mbps must be a rate in Mbit/s above 0 (100, 1.5), not "${bad}" (see zticache --help)`);
    }
    for (const bad of ['18-08', '8-8', '08-25', '8', '08:00-18:00', 'a-b', '123-130', '08-18x']) {
      expect(usageError(['util', `/work-hours:${bad}`]).message, bad).toBe(`/work-hours must be the hours work starts and ends, HH-HH from 00 to 24 (08-18), not "${bad}" (see zticache --help)`);
    }
    for (const [argv, name] of [[['/readiness'], 'readiness'], [['--json'], 'json'], [['--csv'], 'csv'], [['/check-advertisement:C'], 'check-advertisement'], [['/collection:X'], 'collection'], [['/bandwidth-mbps:5'], 'bandwidth-mbps'], [['/work-hours:8-17'], 'work-hours']] as const) {
      expect(usageError(['check', ...argv]).message).toBe(`--${name} belongs to "zticache util" (see zticache --help)`);
    }
    // --scratch-mb is check's and util's
    expect(parseArgs(['check', '--scratch-mb', '600']).scratchMb).toBe(600);
    expect(usageError(['selftest', '--scratch-mb', '600']).message).toBe('--scratch-mb belongs to "zticache check" and "zticache util" (see zticache --help)');
  });

  it('zticache cache-size [MB]', () => {
    expect(parseArgs(['cache-size'])).toMatchObject({ command: 'cache-size', cacheMb: undefined });
    expect(parseArgs(['cache-size', '2000', '/what-if'])).toMatchObject({ command: 'cache-size', cacheMb: '2000', whatIf: true });
    expect(usageError(['cache-size', '1', '2']).message).toMatch(/usage: zticache cache-size \[MB\]/);
  });
});

describe('the small surprises of a command line', () => {
  it('fixed choices are case-insensitive, as names are', () => {
    expect(parseArgs(['/mode:Copy']).mode).toBe('copy');
    expect(parseArgs(['--MODE', 'MOVE']).mode).toBe('move');
  });

  it('the same option twice: the last counts, never silently', () => {
    const a = parseArgs(['--mode', 'copy', '/mode:move', '/source:a', '--source=b']);
    expect([a.mode, a.source]).toEqual(['move', 'b']);
    expect(a.warnings).toEqual(['/mode is given more than once: the last one, "move", is used', '--source is given more than once: the last one, "b", is used']);
  });

  it('a trailing backslash before a quote ("/source:C:\\pkg\\" /what-if) is explained, not taken as a path', () => {
    // what Windows hands over for: "/source:C:\pkg\" /what-if
    const err = usageError(['/source:C:\\pkg" /what-if']);
    expect(err.message).toMatch(/holds a quote followed by what looks like another option: a backslash right before a closing quote/);
    expect(parseArgs(['/source:C:\\pkg\\']).source).toBe('C:\\pkg\\');
  });
});

describe('every spelling and every refusal, word for word (what the mutation run found untested)', () => {
  it('-? is help too, and -name is the single-dash spelling of --name', () => {
    expect(parseArgs(['-?']).command).toBe('help');
    expect(parseArgs(['-version']).command).toBe('version');
    expect(parseArgs(['-Mode', 'copy']).mode).toBe('copy');
    // a dash before a digit is no option: a value such as a negative number stays an argument
    expect(parseArgs(['cache-size', '-5']).cacheMb).toBe('-5');
  });

  it('an option is an option only from its first character: text before -- or / makes a plain argument', () => {
    expect(parseArgs(['manifest', 'pkg--mode=copy'])).toMatchObject({ command: 'manifest', manifestDir: 'pkg--mode=copy', mode: 'auto' });
    expect(parseArgs(['manifest', 'pkgs/mode:copy'])).toMatchObject({ manifestDir: 'pkgs/mode:copy', mode: 'auto' });
    // a one-component POSIX path is a folder, not an unknown switch
    expect(parseArgs(['manifest', '/pkgs'])).toMatchObject({ command: 'manifest', manifestDir: '/pkgs' });
  });

  it('--help wins over --version and over every subcommand, whose own checks then do not apply', () => {
    expect(parseArgs(['--help', '--version']).command).toBe('help');
    expect(parseArgs(['--version', '--help']).command).toBe('help');
    for (const sub of ['manifest', 'util', 'selftest', 'cache-size']) expect(parseArgs(['--help', sub]).command, sub).toBe('help');
    expect(parseArgs(['--help', '/enable:true', '--keep', '--package-size', '5']).command).toBe('help');
  });

  it('a value missing: the WSH form names its own spelling, the others say so also before --', () => {
    expect(usageError(['/mode']).message).toBe('/mode needs a value (/mode:VALUE) (see zticache --help)');
    expect(usageError(['--mode']).message).toBe('--mode needs a value (see zticache --help)');
    expect(usageError(['--mode', '--', 'x']).message).toBe('--mode needs a value (see zticache --help)');
  });

  it('options of another command are refused by name', () => {
    expect(usageError(['/server:S1']).message).toBe('--server belongs to "zticache util" (see zticache --help)');
    expect(usageError(['--package-size', '5']).message).toBe('--package-size belongs to "zticache selftest" (see zticache --help)');
    expect(usageError(['--keep']).message).toBe('--keep belongs to "zticache selftest" (see zticache --help)');
    expect(usageError(['util', '--keep']).message).toBe('--keep belongs to "zticache selftest" (see zticache --help)');
    expect(usageError(['selftest', 'extra']).message).toBe('usage: zticache selftest [--package-size MB] [--status-mif NAME] [--keep] (see zticache --help)');
    expect(parseArgs(['selftest', '--keep', '--package-size', '1'])).toMatchObject({ command: 'selftest', keep: true, packageSize: 1 });
  });

  it('numbers and choices: the limits, and the words of each refusal', () => {
    expect(parseArgs(['--mode', 'copy', '/mode:AUTO']).mode).toBe('auto'); // the default, also given
    expect(usageError(['--mode', 'fast']).message).toBe('--mode must be auto, move or copy, not "fast" (see zticache --help)');
    for (const bad of ['0', '1.5', 'x', '-1']) expect(usageError(['selftest', '--package-size', bad]).message, bad).toBe(`--package-size must be a whole number of MB, not "${bad}" (see zticache --help)`);
    for (const ok of [1, 64]) expect(parseArgs(['--parallel', String(ok)]).parallel).toBe(ok);
    for (const bad of ['0', '65', '2.5']) expect(usageError(['--parallel', bad]).message, bad).toBe(`--parallel must be a whole number from 1 to 64, not "${bad}" (see zticache --help)`);
    expect(parseArgs(['--event-source', 'ZTI']).eventSource).toBe('ZTI');
    expect(parseArgs(['util', '/enable:yes']).enable).toBe(true);
    expect(parseArgs(['util', '/enable:false']).enable).toBe(false);
  });

  it('a quote followed by spaces and another option is explained however many spaces', () => {
    expect(usageError(['/source:C:\\pkg"   /what-if']).message).toMatch(/holds a quote followed by what looks like another option/);
  });
});
