/* Runs a program and writes its full 32-bit exit code to a file, for the Wine suite: a Linux
 * parent of wine sees only the low 8 bits of an exit code.
 *   relay.exe <code-file> <program> [arguments...]
 * The child inherits relay's standard handles (give wine files, not pipes: node.exe cannot start
 * on a Unix pipe under Wine). ZTI_RELAY_FLAGS (hex) adds process creation flags, as a launcher of
 * the field would start zticache.exe: 0x08000000 CREATE_NO_WINDOW gives it a console whose title
 * is empty, 0x8 DETACHED_PROCESS none at all.
 * Wine's CreateProcessW fails with ERROR_INTERNAL_ERROR (1359) when the new process dies before
 * its start-up is done (seen once in CI, under load): the program's own code never ran, so relay
 * starts it again, up to three times, and says so on standard error.
 * Run in a console (Wine.runInConsole), relay shares it with the child: a Ctrl+C typed there
 * reaches both, and relay lets it pass without ending, so that it still writes the child's code. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

/* The command line after the first n arguments, as CommandLineToArgvW splits them. */
static wchar_t *skip_args(wchar_t *cmd, int n) {
    for (int i = 0; i < n; i++) {
        while (*cmd == L' ' || *cmd == L'\t') cmd++;
        int quoted = 0;
        while (*cmd && (quoted || (*cmd != L' ' && *cmd != L'\t'))) {
            if (*cmd == L'"') quoted = !quoted;
            cmd++;
        }
    }
    while (*cmd == L' ' || *cmd == L'\t') cmd++;
    return cmd;
}

static BOOL WINAPI outlive_ctrl_c(DWORD type) {
    (void)type;
    return TRUE; /* relay's own: the child's handlers are its own (not inherited) */
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 3) { fwprintf(stderr, L"usage: relay <code-file> <program> [args...]\n"); return 2; }
    wchar_t *child = skip_args(GetCommandLineW(), 2);
    SetConsoleCtrlHandler(outlive_ctrl_c, TRUE);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    DWORD flags = 0;
    wchar_t buf[32];
    if (GetEnvironmentVariableW(L"ZTI_RELAY_FLAGS", buf, 32)) flags = wcstoul(buf, NULL, 16);
    for (int attempt = 1;; attempt++) {
        if (CreateProcessW(NULL, child, NULL, NULL, TRUE, flags, NULL, NULL, &si, &pi)) break;
        DWORD error = GetLastError();
        if (error != ERROR_INTERNAL_ERROR || attempt == 3) {
            fwprintf(stderr, L"relay: cannot start %ls: error %lu\n", child, error);
            return 3;
        }
        fwprintf(stderr, L"relay: Wine could not start %ls (error %lu, attempt %d): starting it again\n", child, error, attempt);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    FILE *f = _wfopen(argv[1], L"w");
    if (f) { fprintf(f, "%lu\n", code); fclose(f); }
    return (int)code;
}
