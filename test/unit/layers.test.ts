// Imports flow one way. src/ reads in the order data flows: argv -> options -> plan -> stage ->
// guard -> verify -> launch; no step imports one that comes after it; what several steps share
// lives in neutral modules, which import no step at all; the input (args, options) is what every
// step is given; the platform layer (what differs between Windows and the rest) is used by the
// steps and may provide a guard; the command line and the run on top may import anything. A file
// this check does not know fails it, so a new module gets a place.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';

const SRC = path.join(ROOT, 'src');
const STEPS = ['plan', 'stage', 'guard', 'verify', 'launch'] as const;
/** folders of what every floor shares, which import no step and no platform */
const NEUTRAL = ['core', 'names', 'log', 'places', 'state'];
/** the two strategies, posix/ and win32/, and the interface they share */
const PLATFORM = ['platform'];
/** the command line: a folder (the entry, cli.ts, is on top) */
const INPUT = ['cli'];
/** the entry and the commands, which may import anything */
const TOP = ['bin', 'commands'];

type Layer = { kind: 'neutral' | 'input' | 'platform' | 'top' } | { kind: 'step'; rank: number; name: string };

function layerOf(file: string): Layer {
  const rel = path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '');
  const head = rel.split('/')[0]!;
  if (rel === 'cli') return { kind: 'top' }; // src/cli.ts, the entry; src/cli/ is the input
  const step = STEPS.indexOf(head as (typeof STEPS)[number]);
  if (step >= 0) return { kind: 'step', rank: step, name: head };
  if (NEUTRAL.includes(head)) return { kind: 'neutral' };
  if (PLATFORM.includes(head)) return { kind: 'platform' };
  if (INPUT.includes(head)) return { kind: 'input' };
  if (TOP.includes(head)) return { kind: 'top' };
  throw new Error(`src/${rel}.ts has no place in the layers: add it to test/unit/layers.test.ts`);
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file, type-only ones included (a type is a dependency too), multi-line ones as well. */
function importsOf(file: string): string[] {
  return importsIn(fs.readFileSync(file, 'utf8')).map((rel) => path.resolve(path.dirname(file), rel.replace(/\.js$/, '.ts')));
}

/** The relative specifiers of a module's text: static imports and re-exports in either quote, side-effect imports, import(). */
function importsIn(text: string): string[] {
  const q = `(['"])(\\.[^'"]+)\\1`;
  const found = [
    ...text.matchAll(new RegExp(`(?:^|\\n)\\s*(?:import|export)\\s[^;]*?from\\s+${q}`, 'g')),
    ...text.matchAll(new RegExp(`(?:^|\\n)\\s*import\\s+${q}`, 'g')),
    ...text.matchAll(new RegExp(`import\\(\\s*${q}\\s*\\)`, 'g')),
  ];
  return found.map((m) => m[2]!).filter((rel) => rel.endsWith('.js'));
}

function violation(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  const name = (f: string) => path.relative(ROOT, f);
  if (a.kind === 'top') return undefined;
  if (b.kind === 'top') return `${name(from)} imports ${name(to)}, which is above every step`;
  if (a.kind === 'neutral' && b.kind !== 'neutral') return `${name(from)} is neutral but imports ${name(to)}`;
  if (a.kind === 'input' && b.kind !== 'neutral' && b.kind !== 'input') return `${name(from)} (the input) imports ${name(to)}`;
  if (a.kind === 'platform' && b.kind === 'step' && b.name !== 'guard') return `${name(from)} (platform) imports the ${b.name} step`;
  if (a.kind === 'step' && b.kind === 'step' && b.rank > a.rank) return `${name(from)} (${a.name}) imports ${name(to)}, a later step (${b.name})`;
  return undefined;
}

describe('imports flow one way', () => {
  const files = sources(SRC);

  it('every module of src/ has a layer', () => {
    for (const f of files) expect(() => layerOf(f)).not.toThrow();
  });

  it('no step imports a later step, no neutral module imports a step or the platform, nothing imports the command line', () => {
    const problems = files.flatMap((f) => importsOf(f).map((t) => violation(f, t)).filter((v): v is string => v !== undefined));
    expect(problems).toEqual([]);
  });

  it('no module imports itself round a circle, type-only imports included', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('the check sees what it should (it would fail on a plan module importing the verify step)', () => {
    expect(violation(path.join(SRC, 'plan', 'plan.ts'), path.join(SRC, 'verify', 'verify.ts'))).toMatch(/a later step \(verify\)/);
    expect(violation(path.join(SRC, 'state', 'identity.ts'), path.join(SRC, 'stage', 'stage.ts'))).toMatch(/is neutral but imports/);
    expect(violation(path.join(SRC, 'core', 'format.ts'), path.join(SRC, 'platform', 'platform.ts'))).toMatch(/is neutral but imports/);
    expect(violation(path.join(SRC, 'platform', 'posix', 'places.ts'), path.join(SRC, 'plan', 'inventory.ts'))).toMatch(/\(platform\) imports the plan step/);
    expect(violation(path.join(SRC, 'cli', 'options.ts'), path.join(SRC, 'cli.ts'))).toMatch(/which is above every step/);
    expect(layerOf(path.join(SRC, 'cli.ts'))).toEqual({ kind: 'top' });
    expect(layerOf(path.join(SRC, 'cli', 'args.ts'))).toEqual({ kind: 'input' });
    expect(() => layerOf(path.join(SRC, 'loose.ts'))).toThrow(/has no place in the layers/);
    expect(importsOf(path.join(SRC, 'plan', 'plan.ts'))).toContain(path.join(SRC, 'plan', 'checks.ts'));
    expect(importsIn([
      "import { a } from '../a.js';",
      'import { b } from "../b.js";',
      "import type {\n  C,\n} from './c.js';",
      "import './d.js';",
      "export { e } from \"./e.js\";",
      "const f = await import('./f.js');",
      'const g = await import("./g.js");',
      "import { h } from 'node:h';",
    ].join('\n'))).toEqual(['../a.js', '../b.js', './c.js', './e.js', './d.js', './f.js', './g.js']);
  });
});
