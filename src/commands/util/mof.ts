// The MOF text of a WMI object (SWbemObject.GetObjectText_), read back into plain values. zticache
// reads arrays of embedded objects this way (an advertisement's AssignedSchedule, a collection's
// CollectionRules): the COM layer reads scalars and objects, not SAFEARRAYs, and the text is one
// BSTR that carries the whole object, lazy properties included when it was got by its path. Only
// what GetObjectText_ writes is read: `instance of Class { Name = value; ... };` where a value is
// a string (C escapes, adjacent strings joined), a number, TRUE, FALSE, NULL, `{ v, v }` or an
// embedded instance; qualifiers in [brackets] are skipped. Anything else is an error naming where.

export interface MofInstance {
  __class: string;
  [prop: string]: MofValue;
}
export type MofValue = string | number | boolean | null | MofInstance | MofValue[];

export function parseMof(text: string): MofInstance {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`MOF text: ${what} at character ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] !== '[') return;
      const end = text.indexOf(']', i);
      if (end < 0) fail('an unclosed qualifier list');
      i = end + 1;
    }
  };
  const word = (): string => {
    skip();
    const m = /^[A-Za-z_][\w]*/.exec(text.slice(i));
    if (!m) return fail('a name expected');
    i += m[0].length;
    return m[0];
  };
  const expect = (c: string) => {
    skip();
    if (text[i] !== c) fail(`"${c}" expected`);
    i++;
  };
  const string = (): string => {
    let s = '';
    while (text[i] === '"') {
      i++;
      for (;;) {
        const c = text[i++];
        if (c === undefined) fail('an unclosed string');
        if (c === '"') break;
        if (c === '\\') {
          const e = text[i++];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e ?? '';
        } else s += c;
      }
      skip();
    }
    return s;
  };
  const value = (): MofValue => {
    skip();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{') {
      i++;
      const items: MofValue[] = [];
      skip();
      if (text[i] === '}') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return items;
        } else fail('"," or "}" expected');
      }
    }
    const num = /^[+-]?(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    const w = word();
    const upper = w.toUpperCase();
    if (upper === 'TRUE') return true;
    if (upper === 'FALSE') return false;
    if (upper === 'NULL') return null;
    if (upper === 'INSTANCE') return instanceBody();
    return fail(`an unknown value ${w}`);
  };
  // after "instance": "of Class { ... }"
  const instanceBody = (): MofInstance => {
    if (word().toLowerCase() !== 'of') fail('"of" expected');
    const o: MofInstance = { __class: word() };
    expect('{');
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        return o;
      }
      const name = word();
      expect('=');
      o[name] = value();
      expect(';');
    }
  };
  skip();
  if (word().toLowerCase() !== 'instance') fail('"instance of" expected');
  const o = instanceBody();
  skip();
  if (text[i] === ';') i++;
  skip();
  if (i < text.length) fail('text after the instance');
  return o;
}

/** A property of an instance without regard to case, as WMI names them. */
export function mofProp(o: MofInstance, name: string): MofValue | undefined {
  const k = Object.keys(o).find((p) => p.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}
