/* Runs a command line exactly as written, for the Wine suite: what an admin pastes at cmd.exe's
 * prompt. The line is read from a UTF-8 file (Wine builds a Windows command line from Unix argv
 * with its own quoting, so a line cannot be handed over as an argument), its first word is
 * replaced by the program given, and it runs through cmd.exe /d /c, which takes its carets and
 * quotes as the console does, then through the C runtime's rules in the program.
 *   runline.exe <line-file> <program>
 * Its exit code is the program's (cmd.exe passes the last command's on). */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) { fwprintf(stderr, L"usage: runline <line-file> <program>\n"); return 2; }
    FILE *f = _wfopen(argv[1], L"rb");
    if (!f) { fwprintf(stderr, L"runline: cannot open %ls\n", argv[1]); return 2; }
    static char utf8[65536];
    size_t n = fread(utf8, 1, sizeof utf8 - 1, f);
    fclose(f);
    utf8[n] = 0;
    while (n && (utf8[n - 1] == '\n' || utf8[n - 1] == '\r')) utf8[--n] = 0;
    static wchar_t line[65536], cmd[70000];
    if (!MultiByteToWideChar(CP_UTF8, 0, utf8, -1, line, 65536)) return 2;
    wchar_t *rest = line;
    while (*rest && *rest != L' ') rest++; /* the first word: "zticache" */
    swprintf(cmd, 70000, L"cmd.exe /d /c \"%ls%ls\"", argv[2], rest);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"runline: cannot start %ls: error %lu\n", cmd, GetLastError());
        return 3;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    return (int)code;
}
