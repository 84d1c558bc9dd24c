/* The attacker's move (mingw-w64, -municode): MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING), as
 * any process of the account that owns the folder may do; exits with the Windows error, 0 when done. */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) return 87;
    if (!MoveFileExW(argv[1], argv[2], MOVEFILE_REPLACE_EXISTING)) {
        DWORD e = GetLastError();
        printf("MoveFileExW failed: %lu\n", e);
        return (int)e;
    }
    printf("replaced\n");
    return 0;
}
