/*
 * benchproc.c: CPU time and context switches from /proc (see benchproc.h).
 */
#include "benchproc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Reads /proc/PID/stat's fields after the command (which may hold spaces and brackets):
 * field 4 is the parent, 14-17 utime, stime, cutime, cstime in clock ticks. */
static int read_stat(pid_t pid, long long f[18])
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2; /* field 3, the state */
    int i = 3;
    while (*p && i < 18) {
        while (*p == ' ')
            p++;
        f[i] = i == 3 ? 0 : strtoll(p, NULL, 10);
        while (*p && *p != ' ')
            p++;
        i++;
    }
    return i == 18 ? 0 : -1;
}

/* The context switches of one thread (/proc/PID/task/TID/status); its name into name. */
static long long task_switches(pid_t pid, const char *tid, char name[16])
{
    char path[384], line[256];
    long long n = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%s/status", (int)pid, tid);
    FILE *fp = fopen(path, "r");
    snprintf(name, 16, "other");
    if (!fp)
        return 0;
    while (fgets(line, sizeof line, fp)) {
        long long v;
        if (sscanf(line, "Name: %15s", name) == 1)
            continue;
        if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1 ||
            sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1)
            n += v;
    }
    fclose(fp);
    return n;
}

/* The CPU ms of one thread (/proc/PID/task/TID/stat). */
static double task_cpu_ms(pid_t pid, const char *tid)
{
    char path[384], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%s/stat", (int)pid, tid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    long long ut = 0, st = 0;
    /* after the name: state, then fields 4..13, then utime (14) and stime (15) */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* Adds one thread's figures under its name. */
static void add_named(struct benchproc_sample *s, const char *name, double cpu_ms, long long csw)
{
    int i = 0;
    while (i < s->n_names && strcmp(s->name[i], name) != 0)
        i++;
    if (i == s->n_names && s->n_names < BENCHPROC_NAMES) {
        snprintf(s->name[i], sizeof s->name[i], "%s",
                 s->n_names == BENCHPROC_NAMES - 1 ? "other" : name);
        s->n_names++;
    } else if (i == s->n_names) {
        i = BENCHPROC_NAMES - 1;
    }
    s->name_cpu_ms[i] += cpu_ms;
    s->name_csw[i] += csw;
}

int benchproc_add(pid_t pid, int children, struct benchproc_sample *s)
{
    long long f[18] = {0};
    if (read_stat(pid, f) != 0)
        return -1;
    double tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
    s->cpu_ms += (double)(f[14] + f[15] + (children ? f[16] + f[17] : 0)) * tick_ms;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char name[16];
            long long n = task_switches(pid, e->d_name, name);
            s->csw += n;
            add_named(s, name, task_cpu_ms(pid, e->d_name), n);
        }
        closedir(d);
    }
    s->processes++;
    return 0;
}

pid_t benchproc_parent(pid_t pid)
{
    long long f[18] = {0};
    return read_stat(pid, f) == 0 ? (pid_t)f[4] : -1;
}

int benchproc_add_children(pid_t ppid, struct benchproc_sample *s)
{
    int found = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end = NULL;
        long pid = strtol(e->d_name, &end, 10);
        if (pid > 0 && *end == '\0' && benchproc_parent((pid_t)pid) == ppid &&
            benchproc_add((pid_t)pid, 0, s) == 0)
            found++;
    }
    closedir(d);
    return found;
}

void benchproc_self(struct benchproc_sample *s)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    s->cpu_ms += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
    s->csw += ru.ru_nvcsw + ru.ru_nivcsw;
    s->processes++;
}

void benchproc_machine(double *busy_ms, long long *csw, double *load1)
{
    char line[512];
    *busy_ms = -1;
    *csw = -1;
    *load1 = -1;
    FILE *fp = fopen("/proc/stat", "r");
    if (fp) {
        double tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
        while (fgets(line, sizeof line, fp)) {
            unsigned long long u, ni, sy, id, io, irq, sirq, st;
            if (strncmp(line, "cpu ", 4) == 0 &&
                sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &ni, &sy, &id, &io,
                       &irq, &sirq, &st) == 8)
                *busy_ms = (double)(u + ni + sy + irq + sirq + st) * tick_ms;
            else
                (void)sscanf(line, "ctxt %lld", csw);
        }
        fclose(fp);
    }
    fp = fopen("/proc/loadavg", "r");
    if (fp) {
        if (fscanf(fp, "%lf", load1) != 1)
            *load1 = -1;
        fclose(fp);
    }
}
