// What a build step must undo when the build is stopped (Ctrl+C, Ctrl+Break, SIGTERM, a closed
// terminal) while it runs: a `try/finally` never runs then, because Node ends at once on a signal
// nobody listens for. Steps register what to undo (remove a password file, an unfinished exe) and
// the children they wait for; on a signal each child is stopped, every undo runs (synchronously:
// nothing else will), one line says so, and the process ends with 128 + the signal's number, as a
// shell reports it. A step that finishes unregisters its undo. Children started with a sync call
// (execFileSync) share the terminal's process group and get its Ctrl+C themselves; the undo then
// runs when that call throws, or here if the signal reaches this process first.
import os from 'node:os';

const undos = new Set();
const children = new Set();
let installed = false;

function stop(signal) {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const undo of [...undos].reverse()) {
    try {
      undo();
    } catch {
      /* the others still run */
    }
  }
  process.stderr.write(`zticache build: stopped (${signal}); nothing unfinished was left\n`);
  process.exit(128 + (os.constants.signals[signal] ?? 1));
}

function install() {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
    try {
      process.on(signal, () => stop(signal));
    } catch {
      /* a signal this platform does not have */
    }
  }
}

/** Runs `undo` if the build is stopped before the returned function is called. */
export function onStop(undo) {
  install();
  undos.add(undo);
  return () => void undos.delete(undo);
}

/** Stops `child` (and waits no longer) if the build is stopped while it runs. */
export function stopWithBuild(child) {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
