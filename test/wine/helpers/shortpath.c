/* Prints the 8.3 short form of an existing path (GetShortPathNameW), for the Wine suite's
 * "another spelling of the same folder" cases.
 *   shortpath.exe <path> */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    static wchar_t out[4096];
    if (argc < 2 || !GetShortPathNameW(argv[1], out, 4096)) return 1;
    static char utf8[16384];
    WideCharToMultiByte(CP_UTF8, 0, out, -1, utf8, sizeof utf8, NULL, NULL);
    printf("%s\n", utf8);
    return 0;
}
