/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.c - ccmd's log: the journal with a GUEST= field, or stderr
 *
 * Under systemd, stderr is a journal stream ($JOURNAL_STREAM names it); then every
 * message is sent as a structured entry so `journalctl GUEST=web1` finds what happened
 * to one guest. Elsewhere (tests, a terminal) messages go to stderr, prefixed with the
 * guest's name.
 */
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "log.h"

static gboolean use_journal;

/* $JOURNAL_STREAM is "DEVICE:INODE" of the journal stream; compare with stderr's. */
static gboolean stderr_is_journal(void)
{
    const char *e = g_getenv("JOURNAL_STREAM");
    struct stat st;
    unsigned long long dev, ino;

    if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
        return FALSE;
    return st.st_dev == dev && st.st_ino == ino;
}

void ccm_log_init(gboolean force_journal)
{
    use_journal = force_journal || stderr_is_journal();
}

void ccm_log(int priority, const char *guest, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);

    if (use_journal) {
        if (guest)
            sd_journal_send("MESSAGE=%s", message, "PRIORITY=%d", priority, "GUEST=%s", guest,
                            "SYSLOG_IDENTIFIER=ccmd", NULL);
        else
            sd_journal_send("MESSAGE=%s", message, "PRIORITY=%d", priority,
                            "SYSLOG_IDENTIFIER=ccmd", NULL);
        return;
    }
    if (guest)
        fprintf(stderr, "ccmd: [%s] %s\n", guest, message);
    else
        fprintf(stderr, "ccmd: %s\n", message);
}

void ccm_log_fields(int priority, const char *guest, const char *const *fields,
                    const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);

    if (use_journal) {
        g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(texts, g_strconcat("MESSAGE=", message, NULL));
        g_ptr_array_add(texts, g_strdup_printf("PRIORITY=%d", priority));
        g_ptr_array_add(texts, g_strdup("SYSLOG_IDENTIFIER=ccmd"));
        if (guest)
            g_ptr_array_add(texts, g_strconcat("GUEST=", guest, NULL));
        for (size_t i = 0; fields && fields[i]; i++)
            g_ptr_array_add(texts, g_strdup(fields[i]));
        g_autofree struct iovec *iov = g_new0(struct iovec, texts->len);
        for (guint i = 0; i < texts->len; i++) {
            iov[i].iov_base = texts->pdata[i];
            iov[i].iov_len = strlen(texts->pdata[i]);
        }
        (void) sd_journal_sendv(iov, (int) texts->len);
        return;
    }
    g_autoptr(GString) line = g_string_new("ccmd: ");
    if (guest)
        g_string_append_printf(line, "[%s] ", guest);
    g_string_append(line, message);
    for (size_t i = 0; fields && fields[i]; i++)
        g_string_append_printf(line, "%s%s", i ? " " : " (", fields[i]);
    if (fields && fields[0])
        g_string_append_c(line, ')');
    fprintf(stderr, "%s\n", line->str);
}
