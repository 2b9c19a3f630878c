/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-guests.c - ccmctl list|status|add|remove|start|stop|kill|monitor: ccmd's client
 *
 * Each command is one io.ccm.Manager call. Human output is a table or "key: value"
 * lines; --json prints the reply's parameters as a JSON document (json_format()). Errors
 * are one line naming the guest (the daemon's message), exit status 1; usage errors exit 2.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "guest-spec.h"
#include "json-document.h"
#include "varlink-client.h"

typedef struct Command {
    const char *name;
    const char *args;        /* "NAME", "SPEC" or "" */
    const char *summary;
} Command;

static const char *string_of(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* The document --json prints for @command's reply: "ccm-list/1", "ccm-status/1",
 * "ccm-monitor/1" (one per line), "ccm-remove/1", else "ccm-guest/1" (the guest alone). */
static const char *json_format(const char *command)
{
    static const char *const formats[][2] = {
        { "list", "ccm-list/1" },
        { "status", "ccm-status/1" },
        { "monitor", "ccm-monitor/1" },
        { "remove", "ccm-remove/1" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++)
        if (strcmp(command, formats[i][0]) == 0)
            return formats[i][1];
    return "ccm-guest/1";
}

/* The guest's drift state ("drift", "missing", "refused"), or NULL. */
static const char *drift_state(json_object *g)
{
    json_object *drift = NULL;
    if (!json_object_object_get_ex(g, "drift", &drift) || !drift)
        return NULL;
    return string_of(drift, "state");
}

static void table_row(GString *s, json_object *g)
{
    json_object *pid = NULL;
    const char *m = string_of(g, "measurement");
    g_autofree char *pid_text = json_object_object_get_ex(g, "pid", &pid)
                                    ? g_strdup_printf("%" G_GINT64_FORMAT,
                                                      json_object_get_int64(pid))
                                    : g_strdup("-");
    g_autofree char *short_m = m ? g_strndup(m, 16) : g_strdup("-");
    const char *by = string_of(g, "launched_by");
    const char *drift = drift_state(g);
    g_autofree char *mark = drift ? g_strdup_printf("  [%s]", drift) : g_strdup("");
    g_string_append_printf(s, "%-20s %-9s %-8s %-8s %-8s %s%s%s\n", string_of(g, "name"),
                           string_of(g, "state"), string_of(g, "platform"), by ? by : "ccmd",
                           pid_text, short_m, m ? "…" : "", mark);
}

static char *format_time(int64_t usec)
{
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(usec / G_USEC_PER_SEC);
    return t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
}

/* "drift:       drift since ... (OnDrift=register-both)" and a line per changed input. */
static void status_drift(GString *s, json_object *drift)
{
    json_object *since = NULL, *inputs = NULL;
    json_object_object_get_ex(drift, "since", &since);
    g_autofree char *when = format_time(json_object_get_int64(since));
    g_string_append_printf(s, "drift:       %s since %s (OnDrift=%s)\n", string_of(drift, "state"),
                           when, string_of(drift, "policy"));
    json_object_object_get_ex(drift, "inputs", &inputs);
    for (size_t i = 0; inputs && i < json_object_array_length(inputs); i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        const char *old = string_of(in, "old_sha256"), *new = string_of(in, "new_sha256");
        g_string_append_printf(s, "  changed:   %s %s: sha256 %s -> %s\n", string_of(in, "input"),
                               string_of(in, "path"), old ? old : "none",
                               new ? new : "missing");
    }
    const char *old_m = string_of(drift, "old_measurement");
    const char *new_m = string_of(drift, "new_measurement");
    if (old_m || new_m)
        g_string_append_printf(s, "  expected:  %s -> %s\n", old_m ? old_m : "none",
                               new_m ? new_m : "unknown");
    if (string_of(drift, "registration_error"))
        g_string_append_printf(s, "  registration failed: %s\n",
                               string_of(drift, "registration_error"));
}

static char *human(const char *command, json_object *reply)
{
    g_autoptr(GString) s = g_string_new(NULL);
    json_object *v;

    if (strcmp(command, "list") == 0) {
        g_string_append_printf(s, "%-20s %-9s %-8s %-8s %-8s %s\n", "NAME", "STATE", "PLATFORM",
                               "BY", "PID", "MEASUREMENT");
        json_object_object_get_ex(reply, "guests", &v);
        for (size_t i = 0; v && i < json_object_array_length(v); i++)
            table_row(s, json_object_array_get_idx(v, i));
    } else if (strcmp(command, "status") == 0) {
        json_object *g = NULL, *history = NULL, *pid = NULL;
        json_object_object_get_ex(reply, "guest", &g);
        json_object_object_get_ex(reply, "history", &history);
        g_string_append_printf(s, "name:        %s\nplatform:    %s\nstate:       %s\n",
                               string_of(g, "name"), string_of(g, "platform"),
                               string_of(g, "state"));
        if (string_of(g, "reason"))
            g_string_append_printf(s, "reason:      %s\n", string_of(g, "reason"));
        if (g_strcmp0(string_of(g, "launched_by"), "libvirt") == 0)
            g_string_append(s, "launched by: libvirt (ccmd follows it through libvirt's hook)\n");
        if (json_object_object_get_ex(g, "pid", &pid))
            g_string_append_printf(s, "pid:         %" G_GINT64_FORMAT "\n",
                                   json_object_get_int64(pid));
        if (string_of(g, "measurement"))
            g_string_append_printf(s, "measurement: %s\n", string_of(g, "measurement"));
        if (string_of(g, "identity"))
            g_string_append_printf(s, "identity:    %s\n", string_of(g, "identity"));
        json_object *drift = NULL;
        if (json_object_object_get_ex(g, "drift", &drift) && drift)
            status_drift(s, drift);
        json_object *resources = NULL;
        json_object_object_get_ex(g, "resources", &resources);
        for (size_t i = 0; resources && i < json_object_array_length(resources); i++)
            g_string_append_printf(s, "resource:    %s\n",
                                   json_object_get_string(json_object_array_get_idx(resources, i)));
        g_string_append_printf(s, "spec:        %s\nhistory:\n", string_of(g, "spec"));
        for (size_t i = 0; history && i < json_object_array_length(history); i++) {
            json_object *t = json_object_array_get_idx(history, i), *time = NULL;
            json_object_object_get_ex(t, "time", &time);
            g_autofree char *when = format_time(json_object_get_int64(time));
            g_string_append_printf(s, "  %s  %-9s %s\n", when, string_of(t, "state"),
                                   string_of(t, "reason") ? string_of(t, "reason") : "");
        }
    } else if (strcmp(command, "remove") == 0) {
        g_string_append(s, "removed\n");
    } else {
        json_object *g = NULL;
        json_object_object_get_ex(reply, "guest", &g);
        const char *reason = string_of(g, "reason");
        g_string_append_printf(s, "%s: %s", string_of(g, "name"), string_of(g, "state"));
        if (reason)
            g_string_append_printf(s, " (%s)", reason);
        g_string_append_c(s, '\n');
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

typedef struct MonitorState {
    gboolean json;
    bool first;
} MonitorState;

static bool monitor_reply(json_object *params, gpointer userdata)
{
    MonitorState *st = userdata;
    json_object *g = NULL, *all = NULL;
    g_autoptr(GString) s = g_string_new(NULL);

    if (st->json) {
        json_object *doc = ccm_json_document(json_format("monitor"), json_object_get(params));
        g_autofree char *line = ccm_json_document_text(doc, true);
        json_object_put(doc);
        g_string_append(s, line);
    } else if (json_object_object_get_ex(params, "guests", &all)) {
        for (size_t i = 0; i < json_object_array_length(all); i++) {
            json_object *x = json_object_array_get_idx(all, i);
            g_string_append_printf(s, "%-20s %s\n", string_of(x, "name"), string_of(x, "state"));
        }
        g_string_append(s, "-- following changes --\n");
    } else if (json_object_object_get_ex(params, "guest", &g)) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *t = g_date_time_format(now, "%H:%M:%S");
        const char *drift = drift_state(g);
        g_autofree char *mark = drift ? g_strdup_printf(" [%s]", drift) : g_strdup("");
        g_string_append_printf(s, "%s %-20s %-9s %s%s\n", t, string_of(g, "name"),
                               string_of(g, "state"),
                               string_of(g, "reason") ? string_of(g, "reason") : "", mark);
    }
    st->first = false;
    return ccmctl_write_stdout(s->str, NULL);
}

static const Command commands[] = {
    { "list", "", "list the guests" },
    { "status", "NAME", "show a guest and its recent history" },
    { "add", "SPEC", "add a guest from its spec file (ccmd.guest(5))" },
    { "remove", "NAME", "remove a stopped guest and withdraw its reference values" },
    { "start", "NAME", "measure, register and start a guest" },
    { "stop", "NAME", "power a guest off (then quit QEMU after --timeout)" },
    { "kill", "NAME", "end a guest's QEMU now" },
    { "monitor", "", "follow state changes" },
};

static const char *method_of(const char *command)
{
    static const char *const methods[][2] = {
        { "list", "List" },     { "status", "Status" }, { "add", "Add" },
        { "remove", "Remove" }, { "start", "Start" },   { "stop", "Stop" },
        { "kill", "Kill" },     { "monitor", "Monitor" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
        if (strcmp(command, methods[i][0]) == 0)
            return methods[i][1];
    return NULL;
}

int ccmctl_guest_command(int argc, char **argv)
{
    const char *command = argv[0];
    const Command *cmd = NULL;
    gboolean json = FALSE;
    gint timeout = -1;
    gboolean accept_drift = FALSE;
    g_autofree char *socket = NULL;
    g_autoptr(GError) error = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(command, commands[i].name) == 0)
            cmd = &commands[i];
    g_assert(cmd);

    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket,
          "ccmd's socket (default $CCMD_SOCKET or " CCMCTL_DEFAULT_SOCKET ")", "PATH" },
        { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
          "stop: seconds to wait for the power-off before quitting QEMU", "SECONDS" },
        { NULL },
        { NULL },
    };
    /* --timeout is stop's alone, --accept-drift start's. */
    if (strcmp(command, "start") == 0)
        entries[2] = (GOptionEntry) { "accept-drift", 0, 0, G_OPTION_ARG_NONE, &accept_drift,
                                      "start even though OnDrift=refuse holds the guest back",
                                      NULL };
    else if (strcmp(command, "stop") != 0)
        entries[2] = (GOptionEntry) { NULL };
    g_autofree char *prgname = g_strdup_printf("ccmctl %s", command);
    g_set_prgname(prgname);
    g_autofree char *param = g_strdup_printf("%s - %s", cmd->args, cmd->summary);
    g_autoptr(GOptionContext) context = g_option_context_new(param);
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 ccmd refused or "
                                              "failed, 2 usage error. See ccmctl(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail(command, error);
    int want = cmd->args[0] ? 2 : 1;
    if (argc != want) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s",
                    argc < want ? (strcmp(cmd->args, "SPEC") == 0 ? "expected a SPEC file"
                                                                  : "expected a guest NAME")
                                : "too many arguments");
        return ccmctl_fail(command, error);
    }
    if (timeout < -1 || timeout > 3600) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--timeout: expected 0 to 3600 seconds");
        return ccmctl_fail(command, error);
    }

    if (strcmp(cmd->args, "NAME") == 0 && !ccm_guest_name_is_valid(argv[1])) {
        /* ccmd would refuse it too; say why here, with the bytes made visible. */
        GString *shown = g_string_new(NULL);
        for (const char *p = argv[1]; *p; p++) {
            guint8 b = (guint8) *p;
            if (b < 0x20 || b >= 0x7f || b == '\\')
                g_string_append_printf(shown, "\\x%02x", b);
            else
                g_string_append_c(shown, *p);
        }
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a guest name: 1 to 64 letters, digits, '.', '_' or '-', not "
                    "starting with '.' or '-'",
                    shown->str);
        g_string_free(shown, TRUE);
        return ccmctl_fail(command, error);
    }
    json_object *params = json_object_new_object();
    if (strcmp(cmd->args, "NAME") == 0)
        json_object_object_add(params, "name", json_object_new_string(argv[1]));
    if (strcmp(command, "stop") == 0 && timeout >= 0)
        json_object_object_add(params, "timeout", json_object_new_int(timeout));
    if (accept_drift)
        json_object_object_add(params, "accept_drift", json_object_new_boolean(TRUE));
    if (strcmp(command, "add") == 0) {
        g_autofree char *text = NULL;
        g_autofree char *abs = g_canonicalize_filename(argv[1], NULL);
        if (!g_file_get_contents(argv[1], &text, NULL, &error)) {
            json_object_put(params);
            return ccmctl_fail(command, error);
        }
        json_object_object_add(params, "path", json_object_new_string(abs));
        json_object_object_add(params, "spec", json_object_new_string(text));
    }

    const char *path = socket ? socket : g_getenv("CCMD_SOCKET");
    g_autoptr(CcmVarlinkClient) client = ccm_varlink_client_connect(path ? path : CCMCTL_DEFAULT_SOCKET,
                                                                    &error);
    if (!client) {
        json_object_put(params);
        return ccmctl_fail(command, error);
    }
    g_autofree char *method = g_strconcat("io.ccm.Manager.", method_of(command), NULL);

    if (strcmp(command, "monitor") == 0) {
        MonitorState st = { .json = json, .first = true };
        if (!ccm_varlink_client_call_more(client, method, params, monitor_reply, &st, &error))
            return ccmctl_fail(command, error);
        return CCMCTL_EXIT_OK;
    }
    json_object *reply = ccm_varlink_client_call(client, method, params, NULL, &error);
    if (!reply)
        return ccmctl_fail(command, error);
    g_autofree char *text = NULL;
    if (json) {
        text = ccmctl_json_text(json_format(command), reply);
    } else {
        text = human(command, reply);
        json_object_put(reply);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail(command, error);
    return CCMCTL_EXIT_OK;
}
