/* A stand-in for OSDLaunch.exe, for the Wine suite.
 *   osdlaunch.exe <cleanup-root> <report-file> <exit-code>
 * 1. records its working directory;
 * 2. deletes everything under <cleanup-root> it can, depth first, as OSD's cleanup of C:\MININT
 *    does, and records what it deleted and what it could not (with the Win32 error);
 * 3. reads every file under its working directory and records size and FNV-1a 64 of each;
 * 4. writes the report (UTF-8, tab-separated) and exits with <exit-code> (decimal or 0x hex).
 *   osdlaunch.exe <cleanup-root> <report-file> <exit-code> <gate-file>
 * first appends a line to <report-file>.started (one per run: the suite counts launches), then
 * waits (at most a minute) until <gate-file> exists, so a test can act while a run is at launch. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define MAXP 4096 /* long enough for the suite's over-260 paths; kept off the stack */

static FILE *report;

static void line(const char *kind, const wchar_t *path, const char *extra) {
    static char utf8[4 * MAXP];
    WideCharToMultiByte(CP_UTF8, 0, path, -1, utf8, sizeof utf8, NULL, NULL);
    fprintf(report, "%s\t%s%s%s\n", kind, utf8, extra ? "\t" : "", extra ? extra : "");
}

static void cleanup(const wchar_t *dir) {
    wchar_t *pattern = malloc(MAXP * sizeof *pattern), *p = malloc(MAXP * sizeof *p);
    WIN32_FIND_DATAW fd;
    swprintf(pattern, MAXP, L"%ls\\*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) { free(pattern); free(p); return; }
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
        char err[32];
        swprintf(p, MAXP, L"%ls\\%ls", dir, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            cleanup(p);
            if (RemoveDirectoryW(p)) line("deleted", p, NULL);
            else { sprintf(err, "%lu", GetLastError()); line("kept", p, err); }
        } else {
            SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
            if (DeleteFileW(p)) line("deleted", p, NULL);
            else { sprintf(err, "%lu", GetLastError()); line("kept", p, err); }
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    free(pattern);
    free(p);
}

static void readall(const wchar_t *dir, const wchar_t *rel) {
    wchar_t *pattern = malloc(MAXP * sizeof *pattern), *p = malloc(MAXP * sizeof *p), *r = malloc(MAXP * sizeof *r);
    unsigned char *buf = malloc(65536);
    WIN32_FIND_DATAW fd;
    swprintf(pattern, MAXP, L"%ls\\*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) { free(pattern); free(p); free(r); free(buf); return; }
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
        char extra[64];
        swprintf(p, MAXP, L"%ls\\%ls", dir, fd.cFileName);
        swprintf(r, MAXP, rel[0] ? L"%ls/%ls" : L"%ls%ls", rel, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) { readall(p, r); continue; }
        HANDLE f = CreateFileW(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        if (f == INVALID_HANDLE_VALUE) { sprintf(extra, "%lu", GetLastError()); line("readfail", r, extra); continue; }
        unsigned long long hash = 14695981039346656037ULL, size = 0;
        DWORD n;
        while (ReadFile(f, buf, 65536, &n, NULL) && n > 0) {
            for (DWORD i = 0; i < n; i++) { hash ^= buf[i]; hash *= 1099511628211ULL; }
            size += n;
        }
        CloseHandle(f);
        sprintf(extra, "%llu\t%016llx", size, hash);
        line("read", r, extra);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    free(pattern);
    free(p);
    free(r);
    free(buf);
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 4) { fwprintf(stderr, L"usage: osdlaunch <cleanup-root> <report> <exit-code> [<gate-file>]\n"); return 2; }
    if (argc > 4) {
        static wchar_t started[MAXP];
        swprintf(started, MAXP, L"%ls.started", argv[2]);
        FILE *f = _wfopen(started, L"ab");
        if (f) { fputs("started\n", f); fclose(f); }
        for (int i = 0; i < 3000 && GetFileAttributesW(argv[4]) == INVALID_FILE_ATTRIBUTES; i++) Sleep(20);
    }
    report = _wfopen(argv[2], L"wb");
    if (!report) return 3;
    static wchar_t cwd[MAXP], lcwd[MAXP], lroot[MAXP];
    GetCurrentDirectoryW(MAXP, cwd);
    line("cwd", cwd, NULL);
    swprintf(lroot, MAXP, L"\\\\?\\%ls", argv[1]);
    cleanup(lroot);
    swprintf(lcwd, MAXP, L"\\\\?\\%ls", cwd);
    readall(lcwd, L"");
    fprintf(report, "end\n");
    fclose(report);
    ExitProcess((UINT)wcstoul(argv[3], NULL, 0));
}
