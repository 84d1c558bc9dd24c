// Where zticache util looks for zticache.exe in a package's source (PkgSourcePath), and the three
// answers it can give. A UNC path is looked at as it is. A local path (D:\pkgs\xp) is a folder of
// the site server: with /server it is looked at through that server's administrative share
// (\\SERVER\D$\pkgs\xp), never on this computer's disk; without /server zticache runs on the
// server itself. A share that does not answer within the time limit is "cannot tell", with why.

export type SourceAnswer = { folder: string } | { cannotTell: string };

const THIS_COMPUTER = new Set(['.', 'localhost', '127.0.0.1', '::1']);

export function stagerFolder(pkgSourcePath: string, server: string | undefined): SourceAnswer {
  const p = pkgSourcePath.trim();
  if (!p) return { cannotTell: 'the package has no source path' };
  if (/^\\\\[^\\]+\\[^\\]+/.test(p)) return { folder: p };
  const local = /^([a-zA-Z]):\\(.*)$/s.exec(p);
  if (!local) return { cannotTell: `"${p}" is neither a UNC path nor a local path of the site server` };
  if (server === undefined || THIS_COMPUTER.has(server.toLowerCase())) return { folder: p };
  return { folder: `\\\\${server}\\${local[1]!.toUpperCase()}$\\${local[2]}` };
}

/** How long a package source may take to answer. */
export const SOURCE_TIMEOUT_MS = 10_000;
