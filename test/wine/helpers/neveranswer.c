/* A share that never answers, for the Wine suite: an LD_PRELOAD library for the wine processes of
 * one run (not the wineserver), built for Linux with gcc. Wine's ntdll looks a Windows path up
 * with the C library's stat, lstat, fstatat, open, opendir, access and realpath on its Unix name;
 * \\SLOW\share is dosdevices/unc/slow/share there. A call on a name holding ZTI_NEVER_ANSWER
 * (case ignored) blocks, as a call to a share whose server stopped answering blocks in the
 * redirector: the thread that made it waits; the process can still exit or be killed. It first
 * appends "pid milliseconds name" to ZTI_NEVER_ANSWER_MARK, so a test knows the look really hung
 * and when, and it returns only once ZTI_NEVER_ANSWER_RELEASE exists (the test's clean-up). */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int (*real_access)(const char *, int);

static int marked(const char *name) {
    const char *m = getenv("ZTI_NEVER_ANSWER");
    return name && m && *m && strcasestr(name, m) != NULL;
}

static void never_answer(const char *name) {
    const char *mark = getenv("ZTI_NEVER_ANSWER_MARK");
    const char *release = getenv("ZTI_NEVER_ANSWER_RELEASE");
    if (!real_access) real_access = dlsym(RTLD_NEXT, "access");
    if (mark) {
        FILE *f = fopen(mark, "a");
        if (f) {
            struct timespec t;
            clock_gettime(CLOCK_REALTIME, &t);
            fprintf(f, "%d %lld %s\n", getpid(), (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000, name);
            fclose(f);
        }
    }
    struct timespec tick = {0, 50 * 1000 * 1000};
    while (!(release && real_access(release, F_OK) == 0)) nanosleep(&tick, NULL);
}

#define REAL(fn) static __typeof__(fn) *real; if (!real) real = dlsym(RTLD_NEXT, #fn)
#define BLOCK(name) if (marked(name)) never_answer(name)

int stat(const char *name, struct stat *st) { REAL(stat); BLOCK(name); return real(name, st); }
int lstat(const char *name, struct stat *st) { REAL(lstat); BLOCK(name); return real(name, st); }
int fstatat(int dir, const char *name, struct stat *st, int flags) { REAL(fstatat); BLOCK(name); return real(dir, name, st, flags); }
int access(const char *name, int mode) { REAL(access); BLOCK(name); return real(name, mode); }
DIR *opendir(const char *name) { REAL(opendir); BLOCK(name); return real(name); }
char *realpath(const char *name, char *resolved) { REAL(realpath); BLOCK(name); return real(name, resolved); }
int open(const char *name, int flags, ...) {
    REAL(open);
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list a;
        va_start(a, flags);
        mode = (mode_t)va_arg(a, int);
        va_end(a);
    }
    BLOCK(name);
    return real(name, flags, mode);
}
