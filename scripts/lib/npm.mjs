// Runs npm the way the host accepts. Under `npm run`, npm names its own CLI script in
// npm_execpath, run here with this Node (no shell, any host). Otherwise `npm` on PATH: on Windows
// that is npm.cmd, which Node (since the April 2024 security releases) starts only through a shell.
import { execFileSync, execSync } from 'node:child_process';

export function npm(args, opts = {}) {
  const cli = process.env.npm_execpath;
  if (cli && /\.[cm]?js$/.test(cli)) return execFileSync(process.execPath, [cli, ...args], opts);
  if (process.platform === 'win32') {
    const quoted = args.map((a) => (/^[\w@./:=-]+$/.test(a) ? a : `"${a.replace(/"/g, '""')}"`));
    return execSync(['npm', ...quoted].join(' '), opts); // through cmd.exe, which runs npm.cmd
  }
  return execFileSync('npm', args, opts);
}
