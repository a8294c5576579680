/* A hostile local user for the Security tests: run as an unprivileged uid that owns DIR, it races every file
 * SmartCardPS creates there the way an attacker would, as fast as inotify tells it:
 *   - it tries to open each new file for writing and keeps the descriptor (a temporary file made with the
 *     umask's mode would let it append to root's output after the rename);
 *   - it renames a symbolic link to VICTIM over each new temporary file ("*.tmp"), and puts one in place of
 *     each new directory, so that a chown or chmod by path afterwards would land on VICTIM;
 *   - when a file is renamed into place it writes "ATTACK" through every descriptor it kept.
 * It counts what it did in STATS ("events N", "swaps N", "opened N", "appended N") after every event, and runs
 * until it is killed. Usage: file-attacker DIR VICTIM STATS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define MAX_KEPT 4096

static int kept[MAX_KEPT];
static int nkept;
static long events, swaps, opened, appended;

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void save_stats(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fprintf(f, "events %ld\nswaps %ld\nopened %ld\nappended %ld\n", events, swaps, opened, appended);
    fclose(f);
    rename(tmp, path);
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: file-attacker DIR VICTIM STATS\n"); return 2; }
    const char *dir = argv[1], *victim = argv[2], *stats = argv[3];
    int in = inotify_init1(0);
    if (in < 0 || inotify_add_watch(in, dir, IN_CREATE | IN_MOVED_TO) < 0) { perror("inotify"); return 1; }
    save_stats(stats);
    char buf[65536] __attribute__((aligned(8)));
    long counter = 0;
    for (;;) {
        ssize_t len = read(in, buf, sizeof buf);
        if (len <= 0) continue;
        for (char *p = buf; p < buf + len;) {
            struct inotify_event *e = (struct inotify_event *)p;
            p += sizeof *e + e->len;
            if (e->len == 0 || strncmp(e->name, ".attack", 7) == 0) continue;
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, e->name);
            if (e->mask & IN_MOVED_TO) {
                for (int i = 0; i < nkept; i++)
                    if (write(kept[i], "ATTACK\n", 7) == 7) appended++;
                continue;
            }
            int is_dir = (e->mask & IN_ISDIR) != 0;
            if (!is_dir && !ends_with(e->name, ".tmp")) continue;
            events++;
            if (!is_dir) {
                int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW);
                if (fd >= 0 && nkept < MAX_KEPT) { kept[nkept++] = fd; opened++; }
            }
            if (is_dir) {
                /* An empty directory cannot be renamed over: remove it (this user may, in its own directory) and
                 * put the link in its place. */
                if (rmdir(path) == 0 && symlink(victim, path) == 0) swaps++;
                continue;
            }
            char link[PATH_MAX];
            snprintf(link, sizeof link, "%s/.attack-%ld", dir, counter++);
            if (symlink(victim, link) == 0) {
                if (rename(link, path) == 0) swaps++;
                else unlink(link);
            }
        }
        save_stats(stats);
    }
}
