// Issue 39 (found by an attack): "The status MIF says what to do within its 128 characters: code
// name and the way out first, the details after". `zticache check` wrote "NOT READY <package
// folder's name>: <CODE> (<way out>): ..." so a package folder with a descriptive name (here 117
// characters) pushed the code and its way out out of the Description. It now writes
// "NOT READY: <CODE> (<way out>): <details> (package <name>)". Breaks if notReadyLine() puts the
// package first again.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

describe('zticache check NOT READY MIF keeps its code and way out', () => {
  it('a long package folder name does not push LAUNCHER_MISSING out of the Description', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atk39-check-'));
    const name = 'Windows XP SP2 Professional x86 English - Zero Touch Installation package for the Finance department pilot ring 2026 build';
    const src = path.join(dir, name);
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'x'); // no OSDLaunch.exe: LAUNCHER_MISSING
    fs.mkdirSync(path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'st'), { mode: 0o700 });
    const r = await execa('node', [CLI, 'check', '--source', src, '--target', path.join(dir, 'MININT', 'PackageSource'), '--state-dir', path.join(dir, 'st'), '--status-mif', 'C.mif'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(900000013 & 0xff);
    const mif = fs.readFileSync(path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS', 'C.mif'), 'latin1');
    const values = [...mif.matchAll(/VALUE = "(.*)"\r?$/gm)].map((m) => m[1]!);
    const description = values[values.length - 1]!;
    expect(description.length).toBeLessThanOrEqual(128);
    expect(description).toContain('LAUNCHER_MISSING (fix the launcher in the package)');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
