/* Holds a file open with share mode 0 (no other process may open it at all), as an antivirus scan
 * or another program might, for the Wine suite.
 *   hold.exe <file> <milliseconds> <marker-file> [<release-file>]
 * Creates <marker-file> once the file is held; releases it after <milliseconds>, or as soon as
 * <release-file> exists (then <milliseconds> is only a ceiling). ZTI_HOLD_SHARE (hex) sets the share
 * mode instead: 7 holds it as a program that lets others delete it (the name stays until it closes). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc < 4) return 2;
    DWORD share = 0;
    wchar_t buf[16];
    if (GetEnvironmentVariableW(L"ZTI_HOLD_SHARE", buf, 16)) share = wcstoul(buf, NULL, 16);
    HANDLE h = CreateFileW(argv[1], GENERIC_READ, share, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE) { fprintf(stderr, "hold: error %lu\n", GetLastError()); return 3; }
    HANDLE m = CreateFileW(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CloseHandle(m);
    DWORD ms = (DWORD)wcstoul(argv[2], NULL, 10);
    if (argc > 4) {
        for (DWORD waited = 0; waited < ms && GetFileAttributesW(argv[4]) == INVALID_FILE_ATTRIBUTES; waited += 20) Sleep(20);
    } else {
        Sleep(ms);
    }
    CloseHandle(h);
    return 0;
}
