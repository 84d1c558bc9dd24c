// A power cut during a move across volumes (the EXDEV path: copy, check, delete). Unlike a
// SIGKILL, a power cut also loses what the page cache had not written. The model: a copy is durable
// only once fsync'ed, a delete of the source is durable at once (the pessimistic order). Cutting
// the power after every single operation, some whole copy of every file must be durable.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLog } from '../helpers/fixtures.js';
import { nodeWalk, takeInventory } from '../../src/inventory.js';
import type { StageFs } from '../../src/stage/fs.js';
import { stageFs } from '../../src/stage/fs.js';
import { realFs } from '../helpers/seams.js';
import { moveInventory } from '../../src/stage/move.js';
import { makePackage, tempDir } from '../helpers/fixtures.js';

describe('power cut during a move across volumes', () => {
  it('never deletes a source entry before every file copied from it is flushed to disk', async () => {
    const source = path.join(tempDir('zti-pc-', '/dev/shm'), 'pkg');
    const target = path.join(tempDir('zti-pc-'), 'PackageSource');
    makePackage(source);
    const inv = takeInventory(path, source);
    const ops: Array<{ op: 'rename' | 'copy' | 'fsync' | 'rm'; path: string }> = [];
    const recording: Partial<StageFs> = {
      rename: async (a, b) => { ops.push({ op: 'rename', path: a }); return realFs.rename(a, b); },
      copyFile: async (a, b) => { ops.push({ op: 'copy', path: b }); return realFs.copyFile(a, b); },
      fsync: async (p) => { ops.push({ op: 'fsync', path: p }); return realFs.fsync(p); },
      rm: async (p) => { ops.push({ op: 'rm', path: p }); return realFs.rm(p); },
    };
    Object.assign(stageFs, recording);
    try {
      await moveInventory(source, target, inv, { p: path, log: memoryLog(), parallel: 4, walk: nodeWalk, keep: [] });
    } finally {
      Object.assign(stageFs, realFs);
    }
    expect(fs.readdirSync(source)).toEqual([]);
    expect(ops.filter((o) => o.op === 'rename').length).toBeGreaterThan(0); // each top entry tried a rename first (EXDEV)

    let cuts = 0;
    for (let cut = 0; cut <= ops.length; cut++) {
      const done = ops.slice(0, cut);
      const flushed = new Set(done.filter((o) => o.op === 'fsync').map((o) => o.path));
      const deleted = done.filter((o) => o.op === 'rm').map((o) => o.path);
      for (const f of inv.files) {
        const srcGone = deleted.some((d) => f.rel === path.relative(source, d) || f.rel.startsWith(path.relative(source, d) + '/'));
        const copyDurable = flushed.has(path.join(target, f.rel));
        expect(!srcGone || copyDurable, `power cut after op ${cut}: ${f.rel} exists nowhere durable`).toBe(true);
      }
      cuts++;
    }
    expect(cuts).toBe(ops.length + 1);
    console.log(`\npower cuts modelled: ${cuts} (after each of ${ops.length} operations of a move across volumes), files lost: 0\n`);
  });
});
