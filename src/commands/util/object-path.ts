// A WMI object path, built in one place: Class.Key='value',Key2='value'. A key's value is quoted
// with single quotes, inside which WMI takes a backslash as an escape, so a backslash and a quote
// are escaped as \\ and \'. Written by hand, `Install XP\SP2` was an invalid object path (reported
// as the provider being out of reach) and a quote ended the value early. A string in a WQL query
// (`where Name = '...'`) is read by the same rules, so quote() serves both.

/** 'value' with \ and ' escaped, as an object path's key and a WQL string literal take it. */
export const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `SMS_Program.PackageID='XXX00001',ProgramName='Install XP\\SP2'` */
export function objectPath(cls: string, keys: Readonly<Record<string, string>>): string {
  const parts = Object.entries(keys).map(([k, v]) => `${k}=${quote(v)}`);
  return `${cls}.${parts.join(',')}`;
}
