/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rehearsal-init.c - the whole userspace of the integration test's guest
 *
 * Runs as /init from the initramfs: mounts devtmpfs, prints a marker on the first
 * serial port (the test waits for it) and powers the VM off. Built static.
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
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
