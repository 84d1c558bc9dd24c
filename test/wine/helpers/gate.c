/* An attacker's perfect timing, for test/wine/native.test.ts: an LD_PRELOAD library (Linux gcc) for
 * the wine processes of one run. Wine's ntdll reads a file with read or pread on its Unix descriptor, and
 * looks a Windows path up with the C library's stat family on its Unix name. Once a file whose
 * Unix name holds ZTI_GATE_NAME has been read to its end (a check of its content), the next look
 * at that name (whatever the process does with it next: open it again, load it) first writes
 * ZTI_GATE_MARK and waits until ZTI_GATE_RELEASE exists: the moment between "the file was read
 * and checked" and its next use by name, which an attacker on Windows wins with an oplock or a
 * loop. Nothing else is changed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static int armed, gated;

static int named(const char *name) {
    const char *want = getenv("ZTI_GATE_NAME");
    return name && want && *want && strstr(name, want) != NULL;
}

static void arm(int fd, long long off, ssize_t got) {
    if (armed || got <= 0) return;
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof name - 1);
    if (n <= 0) return;
    name[n] = 0;
    if (!named(name)) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || off + got < st.st_size) return;
    armed = 1;
}

static void gate(const char *name) {
    if (!armed || gated || !named(name)) return;
    gated = 1;
    const char *mark = getenv("ZTI_GATE_MARK"), *release = getenv("ZTI_GATE_RELEASE");
    if (!mark || !release) return;
    FILE *f = fopen(mark, "w");
    if (f) { fprintf(f, "%d %s\n", getpid(), name); fclose(f); }
    struct timespec tick = {0, 20 * 1000 * 1000};
    while (access(release, F_OK) != 0) nanosleep(&tick, NULL);
}

#define REAL(fn) static __typeof__(fn) *real; if (!real) real = dlsym(RTLD_NEXT, #fn)

ssize_t pread(int fd, void *buf, size_t count, off_t off) { REAL(pread); ssize_t r = real(fd, buf, count, off); arm(fd, off, r); return r; }
ssize_t pread64(int fd, void *buf, size_t count, off_t off) { REAL(pread64); ssize_t r = real(fd, buf, count, off); arm(fd, off, r); return r; }
ssize_t read(int fd, void *buf, size_t count) {
    REAL(read);
    off_t before = lseek(fd, 0, SEEK_CUR);
    ssize_t r = real(fd, buf, count);
    if (before >= 0) arm(fd, before, r);
    return r;
}
int stat(const char *name, struct stat *st) { REAL(stat); gate(name); return real(name, st); }
int stat64(const char *name, struct stat64 *st) { REAL(stat64); gate(name); return real(name, st); }
int lstat(const char *name, struct stat *st) { REAL(lstat); gate(name); return real(name, st); }
int lstat64(const char *name, struct stat64 *st) { REAL(lstat64); gate(name); return real(name, st); }
int fstatat(int dir, const char *name, struct stat *st, int flags) { REAL(fstatat); gate(name); return real(dir, name, st, flags); }
int fstatat64(int dir, const char *name, struct stat64 *st, int flags) { REAL(fstatat64); gate(name); return real(dir, name, st, flags); }
int statx(int dir, const char *name, int flags, unsigned mask, struct statx *st) { REAL(statx); gate(name); return real(dir, name, flags, mask, st); }
