/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* daemon-config.h - ccmd.conf(5) */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "manager.h"
#include "varlink-server.h"

typedef struct CcmDaemonConfig {
    CcmManagerConfig manager;
    char *socket;                  /* the Varlink socket path */
    CcmVarlinkLimits clients;      /* MaxClients=, MaxClientsPerUser=, ClientIdleTimeoutSec= */
} CcmDaemonConfig;

void ccm_daemon_config_clear(CcmDaemonConfig *config);

/**
 * ccm_daemon_config_load() - defaults, then @path (if it exists), then systemd's
 * $STATE_DIRECTORY / $RUNTIME_DIRECTORY where the file did not set the folders
 *
 * A missing file is fine unless @must_exist (a file named on the command line); a file
 * with an unknown key or a bad value is an error naming the file, line and key.
 */
gboolean ccm_daemon_config_load(const char *path, bool must_exist, CcmDaemonConfig *ret,
                                GError **error);
