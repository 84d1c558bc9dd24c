/* The bare copy a Windows copy run is measured against (bench/run.mjs, under Wine):
 *   copyfile-loop.exe <from> <to>   creates <to> and copies the tree under <from> into it, a
 *   CreateDirectoryW per folder and a CopyFileW(failIfExists) per file, found by FindFirstFileW;
 *   nothing checked, logged or journalled. Prints how many files and how long (ms) it took. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static size_t files;

static int copy_tree(const wchar_t *from, const wchar_t *to) {
    wchar_t pattern[2048], a[2048], b[2048];
    WIN32_FIND_DATAW fd;
    if (!CreateDirectoryW(to, NULL)) { fprintf(stderr, "mkdir error %lu\n", GetLastError()); return 3; }
    swprintf(pattern, 2048, L"%ls\\*", from);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) return 0;
    int rc = 0;
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
        swprintf(a, 2048, L"%ls\\%ls", from, fd.cFileName);
        swprintf(b, 2048, L"%ls\\%ls", to, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) rc = copy_tree(a, b);
        else if (CopyFileW(a, b, TRUE)) files++;
        else { fprintf(stderr, "copy error %lu\n", GetLastError()); rc = 3; }
    } while (!rc && FindNextFileW(h, &fd));
    FindClose(h);
    return rc;
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 3) return 0;
    LARGE_INTEGER f, a, b;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&a);
    int rc = copy_tree(argv[1], argv[2]);
    QueryPerformanceCounter(&b);
    printf("%zu %.1f\n", files, (double)(b.QuadPart - a.QuadPart) * 1000.0 / f.QuadPart);
    return rc;
}
