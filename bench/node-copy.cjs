// The least a Node program can do to copy a tree: readdir and copyFileSync, nothing checked,
// journalled, timed or logged. The tmpfs copy case runs it beside zticache and cp -a, so the table
// shows how much of the gap to cp is Node itself (start-up, one JS call per file) and how much is
// zticache's own per-file passes.
//   node bench/node-copy.cjs <source> <new target>
const fs = require('node:fs');
const path = require('node:path');

function copyTree(src, dst) {
  fs.mkdirSync(dst);
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) copyTree(from, to);
    else fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
  }
}
copyTree(process.argv[2], process.argv[3]);
