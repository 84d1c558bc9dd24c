// How the site database compares IDs and names, in one place: without case, and without trailing
// blanks (SQL Server pads the shorter string with blanks before comparing), so an advertisement
// whose ProgramName is "Install XP " runs the program "Install XP" and "cen00010" is CEN00010.

export const siteKey = (...parts: string[]) => parts.map((s) => s.replace(/ +$/, '').toUpperCase()).join('\u0000');
