/* Prints the DACL of a file or folder as an SDDL string (GetNamedSecurityInfoW), for the Wine
 * suite: what Wine keeps of the protected descriptor zticache asked for.
 *   sddl.exe <path> */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    PSECURITY_DESCRIPTOR sd = NULL;
    LPWSTR text = NULL;
    if (argc < 2) return 2;
    DWORD err = GetNamedSecurityInfoW(argv[1], SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, NULL, NULL, &sd);
    if (err) { fprintf(stderr, "sddl: error %lu\n", err); return 3; }
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, NULL)) return 4;
    static char utf8[16384];
    WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof utf8, NULL, NULL);
    printf("%s\n", utf8);
    LocalFree(text);
    LocalFree(sd);
    return 0;
}
