/* What a hostile user would put in koffi.node's place (mingw-w64, -shared): a DLL whose
 * DllMain writes "ran" to the file named by %ZTI_EVIL_MARK%, so a test sees that it was loaded. */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved) {
    (void)h;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        WCHAR p[1024];
        if (GetEnvironmentVariableW(L"ZTI_EVIL_MARK", p, 1024)) {
            HANDLE f = CreateFileW(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
            if (f != INVALID_HANDLE_VALUE) {
                DWORD w;
                WriteFile(f, "ran", 3, &w, NULL);
                CloseHandle(f);
            }
        }
    }
    return TRUE;
}
