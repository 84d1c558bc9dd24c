// Every relative link of the README, CONTRIBUTING.md, docs/ and bench/README.md resolves: the file
// or folder is there and, for an #anchor, a heading of the target makes it (as GitHub renders
// anchors). Text moved out of the README keeps being reachable from it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, brokenLinks, headings, links, slug } from '../helpers/markdown.js';
import { ROOT } from '../helpers/fixtures.js';

const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
const FILES = ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...docs];

describe('the links of the Markdown files', () => {
  it('finds the documents: README, CONTRIBUTING and the docs/ folder with its pages', () => {
    expect(docs).toEqual(expect.arrayContaining(['docs/README.md', 'docs/security.md', 'docs/testing.md', 'docs/command-line.md']));
    for (const f of FILES) expect(fs.existsSync(path.join(ROOT, f)), f).toBe(true);
  });

  it.each(FILES)('%s: every relative link and #anchor resolves', (file) => {
    expect(brokenLinks(path.join(ROOT, file))).toEqual([]);
  });

  it('the README and docs/README.md link every page of docs/, and each page links back somewhere', () => {
    const targets = (file: string) =>
      new Set(links(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((l) => path.normalize(path.join(path.dirname(file), l.target.split('#')[0]!))));
    const fromReadme = targets('README.md');
    const fromIndex = targets('docs/README.md');
    for (const d of docs.filter((f) => f !== 'docs/README.md')) {
      expect(fromIndex.has(d), `docs/README.md links ${d}`).toBe(true);
      expect(fromReadme.has(d) || d === 'docs/README.md', `README.md links ${d}`).toBe(true);
    }
    expect(fromReadme.has('CONTRIBUTING.md')).toBe(true);
  });

  it('the README links into docs/ with anchors that exist, not just files (so a renamed heading is caught)', () => {
    const readme = links(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(readme.filter((l) => l.target.startsWith('docs/') && l.target.includes('#')).length).toBeGreaterThanOrEqual(3);
    expect(readme.length).toBeGreaterThanOrEqual(15);
  });
});

describe('the link checker', () => {
  it('makes GitHub\'s anchors: punctuation dropped, spaces made hyphens, code marks gone, repeats numbered', () => {
    expect(slug('Admitting zticache.exe: for the security team')).toBe('admitting-zticacheexe-for-the-security-team');
    expect(slug('8. The status MIF and the Reporting tab')).toBe('8-the-status-mif-and-the-reporting-tab');
    expect(slug('`zticache check`')).toBe('zticache-check');
    expect(slug('How it differs from ZTICache.vbs')).toBe('how-it-differs-from-zticachevbs');
    expect(slug('On a real Windows test machine: `zticache.exe selftest`')).toBe('on-a-real-windows-test-machine-zticacheexe-selftest');
    expect(slug('Measured again 2026-12-02: the names authority, `zticache util`')).toBe('measured-again-2026-12-02-the-names-authority-zticache-util');
    expect([...anchors('# A\n## B\n## B\n### B\n')]).toEqual(['a', 'b', 'b-1', 'b-2']);
  });

  it('reads no heading or link inside a code fence or a code span', () => {
    const text = '# Top\n```powershell\n# zticache.exe: a comment\n[x](nowhere.md)\n```\n`[y](nor-here.md)` and [z](#top)\n';
    expect(headings(text).map((h) => h.text)).toEqual(['Top']);
    expect(links(text).map((l) => l.target)).toEqual(['#top']);
  });

  it('finds a missing file, a missing anchor, an anchor in this file and one into a folder, and lets a good link and a URL be', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-links-'));
    try {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(path.join(dir, 'docs', 'a.md'), '# A page\n\n## The part\n');
      fs.writeFileSync(
        path.join(dir, 'README.md'),
        [
          '# Read me',
          '[ok](docs/a.md) [ok](docs/a.md#the-part) [ok](#read-me) [ok](docs) [url](https://example.com/x#y)',
          '[gone](docs/b.md) [no anchor](docs/a.md#a-part) [not here](#nowhere) [folder](docs#x)',
        ].join('\n'),
      );
      expect(brokenLinks(path.join(dir, 'README.md'))).toEqual([
        'README.md:3: docs/b.md: no such file',
        'README.md:3: docs/a.md#a-part: no heading makes #a-part',
        'README.md:3: #nowhere: no heading makes #nowhere',
        'README.md:3: docs#x: an anchor into something that is not a Markdown file',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
