/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vtpm-init.c - the whole userspace of the vTPM capture guest (tests/vtpm/capture)
 *
 * Runs as /init from the initramfs of a guest booted by OVMF with a TPM (swtpm). Mounts
 * devtmpfs, proc, sysfs and securityfs, turns the console log level down so printk
 * does not land inside the output, and prints on the first serial port, one item per
 * line, every line starting with "ccm-vtpm: ":
 *
 *   ccm-vtpm: begin
 *   ccm-vtpm: kernel <release>
 *   ccm-vtpm: boot_params secure_boot <n>    (0 unset, 1 unknown, 2 disabled, 3 enabled)
 *   ccm-vtpm: log begin
 *   ccm-vtpm: <base64 of binary_bios_measurements, 76 characters a line>
 *   ccm-vtpm: log end <size in bytes>
 *   ccm-vtpm: pcr <bank> <index> <lowercase hex>   (each bank of sha1 sha256 sha384
 *                                                   sha512 the TPM has, index 0..23)
 *   ccm-vtpm: uptime <seconds>
 *   ccm-vtpm: done
 *
 * or "ccm-vtpm: error <what>" for what it could not read, then powers the VM off.
 * Built static.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define EVENT_LOG "/sys/kernel/security/tpm0/binary_bios_measurements"
#define PCR_DIR "/sys/class/tpm/tpm0"
#define BOOT_PARAMS "/sys/kernel/boot_params/data"
#define BOOT_PARAMS_SECURE_BOOT 0x1ec /* struct boot_params.secure_boot */
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define LINE_CHARS 76

static int out = -1;

static void write_all(const char *buf, size_t len)
{
    while (len > 0 && out >= 0) {
        ssize_t n = write(out, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        buf += n;
        len -= (size_t) n;
    }
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t) n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    write_all("ccm-vtpm: ", strlen("ccm-vtpm: "));
    write_all(line, (size_t) n);
}

/* The whole of @path (a sysfs or securityfs file, whose size stat() does not tell) in a
 * malloc'ed buffer; NULL on failure. */
static unsigned char *read_file(const char *path, size_t *ret_len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 16384, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (n == 0)
            break;
        len += (size_t) n;
    }
    close(fd);
    if (buf)
        *ret_len = len;
    return buf;
}

static void print_base64(const unsigned char *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[LINE_CHARS + 1];
    size_t used = 0;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t) data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        char quad[4] = {
            alphabet[(v >> 18) & 63],
            alphabet[(v >> 12) & 63],
            i + 1 < len ? alphabet[(v >> 6) & 63] : '=',
            i + 2 < len ? alphabet[v & 63] : '=',
        };
        memcpy(line + used, quad, 4);
        used += 4;
        if (used == LINE_CHARS) {
            line[used] = '\0';
            say("%s", line);
            used = 0;
        }
    }
    if (used > 0) {
        line[used] = '\0';
        say("%s", line);
    }
}

/* The event log appears when the TPM driver has registered the chip, which happens
 * before init runs with the driver built in; wait a little in case it is late. */
static unsigned char *read_event_log(size_t *ret_len)
{
    for (int tries = 0; tries < 50; tries++) {
        unsigned char *log = read_file(EVENT_LOG, ret_len);
        if (log)
            return log;
        struct timespec pause_time = { 0, 100 * 1000 * 1000 };
        nanosleep(&pause_time, NULL);
    }
    return NULL;
}

static void print_pcrs(void)
{
    static const char *const banks[] = { "sha1", "sha256", "sha384", "sha512" };

    for (size_t b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
        char path[128];
        snprintf(path, sizeof(path), PCR_DIR "/pcr-%s", banks[b]);
        struct stat st;
        if (stat(path, &st) < 0)
            continue;
        for (int i = 0; i < 24; i++) {
            snprintf(path, sizeof(path), PCR_DIR "/pcr-%s/%d", banks[b], i);
            size_t len;
            char *value = (char *) read_file(path, &len);
            if (!value) {
                say("error cannot read %s: %s", path, strerror(errno));
                continue;
            }
            while (len > 0 && isspace((unsigned char) value[len - 1]))
                len--;
            for (size_t k = 0; k < len; k++)
                value[k] = (char) tolower((unsigned char) value[k]);
            say("pcr %s %d %.*s", banks[b], i, (int) len, value);
            free(value);
        }
    }
}

static void quiet_console(void)
{
    (void) klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 1);
    int fd = open("/proc/sys/kernel/printk", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void) !write(fd, "1\n", 2);
        close(fd);
    }
}

/* Raw output: no "\r\n" for every "\n". */
static void raw_serial(void)
{
    struct termios t;
    if (tcgetattr(out, &t) == 0) {
        t.c_oflag &= ~(tcflag_t) OPOST;
        (void) tcsetattr(out, TCSANOW, &t);
    }
}

int main(void)
{
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    mkdir("/sys", 0555);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
    quiet_console();

    out = open("/dev/ttyS0", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (out < 0)
        out = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    raw_serial();
    write_all("\n", 1);
    say("begin");

    struct utsname u;
    if (uname(&u) == 0)
        say("kernel %s", u.release);

    size_t len;
    unsigned char *params = read_file(BOOT_PARAMS, &len);
    if (params && len > BOOT_PARAMS_SECURE_BOOT)
        say("boot_params secure_boot %u", params[BOOT_PARAMS_SECURE_BOOT]);
    free(params);

    unsigned char *log = read_event_log(&len);
    if (log) {
        say("log begin");
        print_base64(log, len);
        say("log end %zu", len);
        free(log);
    } else {
        say("error cannot read " EVENT_LOG ": %s", strerror(errno));
    }

    print_pcrs();

    char *uptime = (char *) read_file("/proc/uptime", &len);
    if (uptime) {
        size_t n = strcspn(uptime, " \n");
        say("uptime %.*s", (int) (n < len ? n : len), uptime);
        free(uptime);
    }
    say("done");
    if (out >= 0) {
        (void) tcdrain(out);
        fsync(out);
    }
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
