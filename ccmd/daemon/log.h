/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.h - ccmd's log: the journal with a GUEST= field, or stderr */
#pragma once

#include <syslog.h>

#include <glib.h>

/* Sends structured entries to the journal when stderr is connected to it (or always
 * with @force_journal), else writes "ccmd: [GUEST] message" lines to stderr. */
void ccm_log_init(gboolean force_journal);

/* @guest: the guest's name, or NULL for daemon-wide messages. */
void ccm_log(int priority, const char *guest, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* ccm_log() with structured fields: @fields is a NULL-terminated list of "KEY=value"
 * (journal field names: upper case, digits, '_'). On stderr they follow the message. */
void ccm_log_fields(int priority, const char *guest, const char *const *fields,
                    const char *format, ...) G_GNUC_PRINTF(4, 5);

#define ccm_log_info(guest, ...) ccm_log(LOG_INFO, guest, __VA_ARGS__)
#define ccm_log_notice(guest, ...) ccm_log(LOG_NOTICE, guest, __VA_ARGS__)
#define ccm_log_warning(guest, ...) ccm_log(LOG_WARNING, guest, __VA_ARGS__)
#define ccm_log_error(guest, ...) ccm_log(LOG_ERR, guest, __VA_ARGS__)
