// Issue 40 (found by an attack), `util /collection`: "an existing collection of that name is refused unless
// /force". How it breaks: collectionsNamed() asks the provider for `Name = '...'` and then throws
// away every row whose name differs under siteKey() (JavaScript toUpperCase, trailing blanks). The
// site database compares names in SQL Server's collation, which ConfigMgr requires to be
// SQL_Latin1_General_CP1_CI_AS: case-, kana- and WIDTH-insensitive. A name typed with full-width
// letters (an IME left in full-width mode, a name pasted from a Japanese document) is the same
// name to the site: the provider returns the existing "Deploy XP", zticache drops it as "not the
// same name", and on SMS 2003 / ConfigMgr 2007 (which allow two) creates a second collection of a
// name the site takes as the same one, without /force, exit 0.
import { describe, expect, it } from 'vitest';
import { runUtil } from '../../../src/commands/util/util.js';
import { readinessSite } from '../../helpers/readiness-site.js';

/** SQL Server's comparison in a width-insensitive, case-insensitive collation, trailing blanks padded */
const sqlKey = (s: string) => s.normalize('NFKC').replace(/ +$/, '').toUpperCase();

describe('/collection with a name the site takes as an existing one', () => {
  it('full-width letters: refused as SMS_COLLECTION_EXISTS, nothing written', async () => {
    const site = readinessSite(1);
    site.collections[0]!.CollectionID = 'MTN00555'; // apart from the IDs the double hands out
    site.noLimitToCollection = true; // SMS 2003 / ConfigMgr 2007: two collections may share a name
    const query = site.query.bind(site);
    site.query = (wql: string) => {
      const m = /^select CollectionID, Name from SMS_Collection where Name = '((?:[^'\\]|\\.)*)'$/.exec(wql);
      if (!m) return query(wql);
      site.queries.push(wql);
      const asked = m[1]!.replace(/\\(.)/g, '$1');
      return site.collections.filter((c) => sqlKey(c.Name) === sqlKey(asked)).flatMap((c) => query(`select CollectionID, Name from SMS_Collection where CollectionID = '${c.CollectionID}'`));
    };
    const fullWidth = 'Ｄｅｐｌｏｙ ＸＰ'; // "Deploy XP", the existing collection MTN00555's name
    expect(sqlKey(fullWidth)).toBe(sqlKey('Deploy XP'));
    let code: number | undefined;
    try {
      await runUtil({ whatIf: false, collection: fullWidth, package: 'XXX00001' } as never, { connect: () => site, out: () => {} });
    } catch (err) {
      code = (err as { exitCode?: number }).exitCode;
    }
    expect({ code, puts: site.puts.length }).toEqual({ code: 900000040, puts: 0 });
  });
});
