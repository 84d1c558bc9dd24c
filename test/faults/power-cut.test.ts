// A power cut during a move across volumes (the EXDEV path: copy, check, flush, journal, delete).
// Unlike a SIGKILL, a power cut also loses what the page cache had not written. The model: a copy
// is durable only once fsync'ed; a delete of the source and a journal write (writeJournal flushes,
// then renames) are durable at once, the pessimistic order for both. Cutting the power after every
// single operation: some whole copy of every file is durable, and every entry the durable journal
// calls "crossed" (the next run takes it as whole in the target and never copies it again) has
// every one of its files flushed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLog } from '../helpers/fixtures.js';
import { takeInventory } from '../../src/plan/inventory.js';
import { nodeWalk } from '../../src/core/walk.js';
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
    const ops: Array<{ op: 'rename' | 'copy' | 'fsync' | 'rm'; path: string } | { op: 'journal'; crossed: string[] }> = [];
    const recording: Partial<StageFs> = {
      rename: async (a, b) => { ops.push({ op: 'rename', path: a }); return realFs.rename(a, b); },
      copyFile: async (a, b) => { ops.push({ op: 'copy', path: b }); return realFs.copyFile(a, b); },
      fsync: async (p) => { ops.push({ op: 'fsync', path: p }); return realFs.fsync(p); },
      rm: async (p) => { ops.push({ op: 'rm', path: p }); return realFs.rm(p); },
    };
    Object.assign(stageFs, recording);
    try {
      await moveInventory(source, target, inv, {
        p: path, log: memoryLog(), parallel: 4, walk: nodeWalk, keep: [], startOver: 'start over',
        onCrossed: (names) => void ops.push({ op: 'journal', crossed: [...names] }),
      });
    } finally {
      Object.assign(stageFs, realFs);
    }
    expect(fs.readdirSync(source)).toEqual([]);
    expect(ops.filter((o) => o.op === 'rename').length).toBeGreaterThan(0); // each top entry tried a rename first (EXDEV)

    const journals = ops.filter((o) => o.op === 'journal');
    expect(journals.length).toBe(1);
    expect(journals[0]!.crossed.sort()).toEqual(fs.readdirSync(target).sort()); // every top entry crossed
    const under = (top: string, rel: string) => rel === top || rel.startsWith(`${top}/`);

    const lost: string[] = [];
    const trusted: string[] = [];
    for (let cut = 0; cut <= ops.length; cut++) {
      const done = ops.slice(0, cut);
      const flushed = new Set(done.flatMap((o) => (o.op === 'fsync' ? [o.path] : [])));
      const deleted = done.flatMap((o) => (o.op === 'rm' ? [path.relative(source, o.path)] : []));
      const crossed = done.flatMap((o) => (o.op === 'journal' ? [o.crossed] : [])).at(-1) ?? [];
      for (const f of inv.files) {
        const durable = flushed.has(path.join(target, f.rel));
        if (deleted.some((d) => under(d, f.rel)) && !durable) lost.push(`cut ${cut}: ${f.rel} exists nowhere durable`);
        if (crossed.some((c) => under(c, f.rel)) && !durable) trusted.push(`cut ${cut}: the journal calls ${f.rel} whole in the target before its copy is flushed`);
      }
    }
    expect(lost).toEqual([]);
    expect(trusted).toEqual([]);
    console.log(`\npower cuts modelled: ${ops.length + 1} (after each of ${ops.length} operations, the journal's included), files lost: 0\n`);
  });
});
