/* Holds a file open with share mode 0 (no other process may open it at all), as an antivirus scan
 * or another program might, for the Wine suite.
 *   hold.exe <file> <milliseconds> <marker-file>
 * Creates <marker-file> once the file is held, releases it after <milliseconds>. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc < 4) return 2;
    HANDLE h = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE) { fprintf(stderr, "hold: error %lu\n", GetLastError()); return 3; }
    HANDLE m = CreateFileW(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CloseHandle(m);
    Sleep((DWORD)wcstoul(argv[2], NULL, 10));
    CloseHandle(h);
    return 0;
}
