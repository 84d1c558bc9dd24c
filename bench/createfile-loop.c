/* The bare loop the Windows guard is measured against (bench/run.mjs, under Wine):
 *   createfile-loop.exe <folder> [program args...]   opens every file under <folder> with
 *   CreateFileW(GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS), keeps the
 *   handles, prints how many and how long (ms) the opening took; with a program, runs it in
 *   <folder> while the handles are held and waits for it (what any stager that protects the files
 *   must do: under Wine a process opening files while 18,000 others are held is slower), then
 *   closes them. Without arguments it just exits 0. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static HANDLE *handles;
static size_t count, cap;
static wchar_t **paths;
static size_t npaths, pcap;

static void collect(const wchar_t *dir) {
    wchar_t pattern[2048];
    WIN32_FIND_DATAW fd;
    swprintf(pattern, 2048, L"%ls\\*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) return;
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
        wchar_t *p = malloc(2048 * sizeof *p);
        swprintf(p, 2048, L"%ls\\%ls", dir, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) { collect(p); free(p); continue; }
        if (npaths == pcap) paths = realloc(paths, (pcap = pcap ? pcap * 2 : 1024) * sizeof *paths);
        paths[npaths++] = p;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 2) return 0;
    collect(argv[1]);
    LARGE_INTEGER f, a, b;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&a);
    for (size_t i = 0; i < npaths; i++) {
        HANDLE h = CreateFileW(paths[i], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
        if (h == INVALID_HANDLE_VALUE) { fprintf(stderr, "error %lu\n", GetLastError()); return 3; }
        if (count == cap) handles = realloc(handles, (cap = cap ? cap * 2 : 1024) * sizeof *handles);
        handles[count++] = h;
    }
    QueryPerformanceCounter(&b);
    printf("%zu %.1f\n", count, (double)(b.QuadPart - a.QuadPart) * 1000.0 / f.QuadPart);
    fflush(stdout);
    if (argc > 2) {
        static wchar_t cmd[32768];
        size_t at = 0;
        for (int i = 2; i < argc && at < 32000; i++) at += swprintf(cmd + at, 32768 - at, i > 2 ? L" \"%ls\"" : L"\"%ls\"", argv[i]);
        STARTUPINFOW si = { sizeof si };
        PROCESS_INFORMATION pi;
        if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, argv[1], &si, &pi)) { fprintf(stderr, "cannot start: %lu\n", GetLastError()); return 4; }
        WaitForSingleObject(pi.hProcess, INFINITE);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
    for (size_t i = 0; i < count; i++) CloseHandle(handles[i]);
    return 0;
}
