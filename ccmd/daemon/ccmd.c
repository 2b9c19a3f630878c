/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmd.c - the ccm daemon: load state, reconnect to guests, serve io.ccm.Manager
 *
 * Shape (systemd's): umask 0077, parse options, load ccmd.conf, create the manager
 * (which locks the state directory -- a second ccmd on it exits with status 1 here,
 * before the socket -- opens the state database and reconnects to running guests),
 * take the listening socket from systemd (sd_listen_fds) or create it, announce
 * READY=1 only then, run the main loop, and on SIGTERM/SIGINT announce STOPPING=1 and
 * return. Guests keep running: QEMU is not ccmd's child (see qemu-process.c) and
 * ccmd.service uses KillMode=process.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "daemon-config.h"
#include "log.h"
#include "manager-api.h"
#include "manager.h"
#include "private-dir.h"
#include "varlink-server.h"

static GMainLoop *loop;

static gboolean on_signal(gpointer userdata)
{
    ccm_log_info(NULL, "stopping on %s; guests keep running", (const char *) userdata);
    (void) sd_notify(0, "STOPPING=1\nSTATUS=Stopping; guests keep running");
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

static gboolean watchdog_ping(gpointer userdata)
{
    (void) sd_notify(0, "WATCHDOG=1");
    return G_SOURCE_CONTINUE;
}

static void update_status(CcmGuest *guest, gpointer userdata)
{
    CcmManager *m = userdata;
    g_autoptr(GPtrArray) all = ccm_manager_list(m);
    unsigned running = 0;
    for (guint i = 0; i < all->len; i++)
        running += ccm_guest_is_active(all->pdata[i]);
    (void) sd_notifyf(0, "STATUS=Serving; %u guests, %u active", all->len, running);
}

/* The socket from systemd, or our own (0660, the client group when there is one). */
static gboolean serve_socket(CcmVarlinkServer *server, const char *path, gid_t group,
                             GError **error)
{
    int n = sd_listen_fds(1);

    if (n < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-n), "sd_listen_fds: %s",
                    g_strerror(-n));
        return FALSE;
    }
    if (n > 1) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "systemd passed %d sockets; ccmd.socket should pass one", n);
        return FALSE;
    }
    if (n == 1) {
        ccm_log_info(NULL, "serving io.ccm.Manager on the socket from systemd");
        return ccm_varlink_server_listen_fd(server, SD_LISTEN_FDS_START, error);
    }
    /* Clients must reach the socket: a folder made for it is 0755 despite our umask. */
    g_autofree char *dir = g_path_get_dirname(path);
    if (!ccm_private_dir(dir, 0755, error))
        return FALSE;
    if (!ccm_varlink_server_listen_path(server, path, 0660, error))
        return FALSE;
    if (group != (gid_t) -1 && geteuid() == 0 && chown(path, 0, group) < 0)
        ccm_log_warning(NULL, "cannot give %s to the client group (gid %u): %s, ignoring",
                        path, (unsigned) group, g_strerror(errno));
    ccm_log_info(NULL, "serving io.ccm.Manager on %s", path);
    return TRUE;
}

int main(int argc, char **argv)
{
    g_autofree char *config_path = NULL, *state_dir = NULL, *runtime_dir = NULL,
                    *socket_path = NULL;
    gboolean version = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
          "Configuration file (default /etc/ccmd/ccmd.conf)", "PATH" },
        { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "State folder (database)",
          "DIR" },
        { "runtime-dir", 0, 0, G_OPTION_ARG_FILENAME, &runtime_dir,
          "Runtime folder (QMP sockets)", "DIR" },
        { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_path, "io.ccm.Manager socket path",
          "PATH" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
        { NULL },
    };

    /* Everything ccmd writes is its own (database, pid files, QMP sockets): private,
     * whatever umask ccmd was started with. What must be shared gets an explicit mode. */
    umask(0077);
    setlocale(LC_ALL, "");
    g_autoptr(GOptionContext) context = g_option_context_new("- the ccm daemon");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "See ccmd(8) and ccmd.conf(5).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "ccmd: %s\n", error->message);
        return 2;
    }
    if (version) {
        printf("ccmd %s\n", CCM_VERSION);
        return 0;
    }
    ccm_log_init(FALSE);

    CcmDaemonConfig config;
    if (!ccm_daemon_config_load(config_path ? config_path : "/etc/ccmd/ccmd.conf",
                                config_path != NULL, &config, &error)) {
        ccm_log_error(NULL, "%s", error->message);
        return 1;
    }
    /* Options override the file. */
    if (state_dir) {
        g_free(config.manager.state_dir);
        config.manager.state_dir = g_strdup(state_dir);
    }
    if (runtime_dir) {
        g_free(config.manager.runtime_dir);
        config.manager.runtime_dir = g_strdup(runtime_dir);
        if (!socket_path) {
            g_free(config.socket);
            config.socket = g_build_filename(runtime_dir, "io.ccm.Manager", NULL);
        }
    }
    if (socket_path) {
        g_free(config.socket);
        config.socket = g_strdup(socket_path);
    }

    loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGTERM, on_signal, (gpointer) "SIGTERM");
    g_unix_signal_add(SIGINT, on_signal, (gpointer) "SIGINT");

    g_autofree char *socket = g_strdup(config.socket);
    gid_t client_group = config.manager.client_group;
    config.manager.socket = g_strdup(config.socket);
    CcmVarlinkLimits client_limits = config.clients;
    CcmManager *manager = ccm_manager_new(&config.manager, &error);
    ccm_daemon_config_clear(&config);
    if (!manager) {
        ccm_log_error(NULL, "%s", error->message);
        (void) sd_notifyf(0, "STATUS=Failed: %s", error->message);
        return 1;
    }
    CcmVarlinkServer *server = ccm_varlink_server_new("ccm", "ccmd", CCM_VERSION,
                                                      CCM_PROJECT_URL);
    ccm_varlink_server_set_limits(server, &client_limits);
    CcmManagerApi *api = ccm_manager_api_new(manager, server);
    if (!serve_socket(server, socket, client_group, &error)) {
        ccm_log_error(NULL, "%s", error->message);
        (void) sd_notifyf(0, "STATUS=Failed: %s", error->message);
        ccm_manager_api_free(api);
        ccm_varlink_server_free(server);
        ccm_manager_free(manager);
        return 1;
    }
    (void) ccm_manager_watch(manager, update_status, manager);

    uint64_t watchdog_usec = 0;
    if (sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0)
        g_timeout_add((guint) (watchdog_usec / 2000), watchdog_ping, NULL);

    update_status(NULL, manager);
    (void) sd_notify(0, "READY=1");
    ccm_log_info(NULL, "ready");
    g_main_loop_run(loop);

    ccm_manager_api_free(api);
    ccm_varlink_server_free(server);
    ccm_manager_free(manager);
    g_main_loop_unref(loop);
    return 0;
}
