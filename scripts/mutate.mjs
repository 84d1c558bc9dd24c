#!/usr/bin/env node
// npm run mutate [-- src/plan/plan.ts src/stage ...]: StrykerJS on the named files or folders
// (all of src/ but the Windows bindings when none is named). A folder stands for its .ts files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const targets = process.argv.slice(2).map((t) => (fs.existsSync(t) && fs.statSync(t).isDirectory() ? `${t.replace(/\/$/, '')}/**/*.ts` : t));
const args = ['stryker', 'run', 'stryker.config.mjs', ...(targets.length ? ['--mutate', targets.join(',')] : [])];
const r = spawnSync('npx', args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
