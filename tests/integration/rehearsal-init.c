/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rehearsal-init.c - the whole userspace of the integration test's guest
 *
 * Runs as /init from the initramfs: mounts devtmpfs, prints a marker on the first
 * serial port (the test waits for it) and powers the VM off; with "ccm.hold" on the
 * kernel command line it stays up instead (tools/demo stops it from the host). With
 * "ccm.attest" (the attest initrd, which also holds /ccm-guest-attest) it first runs
 * the guest's KBS client with its output on the first serial port, then prints
 * "ccm-rehearsal: attest exit N" with the client's exit status. Built static.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ATTEST_CLIENT "/ccm-guest-attest"

/* Whether the kernel command line holds @word, alone or as "word=...". */
static bool cmdline_has(const char *cmdline, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = cmdline; (p = strstr(p, word)); p += n) {
        bool starts = p == cmdline || p[-1] == ' ';
        bool ends = p[n] == '\0' || p[n] == ' ' || p[n] == '\n' || p[n] == '=';
        if (starts && ends)
            return true;
    }
    return false;
}

static void say(int fd, const char *text)
{
    if (fd >= 0)
        (void) !write(fd, text, strlen(text));
}

/* Run the KBS client with stdout and stderr on @fd; its exit status, or 128 + the
 * signal that ended it, or 127 if it could not run. */
static int run_attest(int fd)
{
    pid_t pid = fork();
    if (pid < 0)
        return 127;
    if (pid == 0) {
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        char *const argv[] = { (char *) ATTEST_CLIENT, NULL };
        char *const envp[] = { (char *) "PATH=/", NULL };
        execve(ATTEST_CLIENT, argv, envp);
        say(STDERR_FILENO, "ccm-rehearsal: cannot run " ATTEST_CLIENT "\n");
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
    static const char marker[] = "\nccm-rehearsal: init reached\n";

    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
    if (fd < 0)
        fd = open("/dev/console", O_WRONLY | O_NOCTTY);
    if (fd >= 0) {
        (void) !write(fd, marker, strlen(marker));
        fsync(fd);
    }
    sync();

    char cmdline[4096] = "";
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    int c = open("/proc/cmdline", O_RDONLY);
    if (c >= 0) {
        ssize_t n = read(c, cmdline, sizeof(cmdline) - 1);
        cmdline[n > 0 ? n : 0] = '\0';
        close(c);
    }
    if (cmdline_has(cmdline, "ccm.attest")) {
        say(fd, "ccm-rehearsal: running " ATTEST_CLIENT " (ccm.attest)\n");
        char line[64];
        snprintf(line, sizeof(line), "\nccm-rehearsal: attest exit %d\n", run_attest(fd));
        say(fd, line);
        if (fd >= 0)
            fsync(fd);
    }
    if (strstr(cmdline, "ccm.hold")) {
        static const char hold[] = "ccm-rehearsal: holding (ccm.hold); stop me from the host\n";
        if (fd >= 0)
            (void) !write(fd, hold, strlen(hold));
        for (;;)
            pause();
    }
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
