/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rehearsal-init.c - the whole userspace of the integration test's guest
 *
 * Runs as /init from the initramfs: mounts devtmpfs, prints a marker on the first
 * serial port (the test waits for it) and powers the VM off; with "ccm.hold" on the
 * kernel command line it stays up instead (tools/demo stops it from the host). Built
 * static.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

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
