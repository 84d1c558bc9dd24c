/* What a hostile standard user would plant as C:\MININT\PackageSource\OSDLaunch.exe, for the Wine
 * suite: if zticache ever runs it, it leaves C:\PLANTED.txt behind.
 *   planted.exe [anything] */
#include <windows.h>

int wmain(void) {
    HANDLE h = CreateFileW(L"C:\\PLANTED.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) CloseHandle(h);
    return 0;
}
