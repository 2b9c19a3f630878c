/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-drift.c - ccmctl drift: which guests' measurements an upgrade changes, and to what
 *
 * With --with-firmware or --with-qemu, a preview: each guest (a GUEST.guest file, or a
 * guest of ccmd, whose spec file is read) is computed as it is and as it would be with
 * the new file (launch/drift-preview.h decides and computes; this file gathers the guests
 * and prints). Without them, what ccmd has detected: the "drift" member of each Guest
 * record (ccmd/client/drift-record.h reads it).
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccm-autocleanups.h"
#include "ccmctl.h"
#include "drift-preview.h"
#include "drift-record.h"
#include "guest-spec.h"
#include "json-document.h"
#include "varlink-client.h"

/* One guest to preview: where its spec comes from. */
typedef struct DriftGuest {
    char *name;         /* the name given, or the spec's Name= (file) */
    char *source;       /* "file" or "ccmd" */
    char *spec;         /* the spec file; "libvirt:DOMAIN" for a domain ccmd follows */
    char *registered;   /* ccmd's measurement, or NULL */
    char *platform;     /* ccmd's platform, or NULL */
    CcmDriftPreview *preview;
    char *note;         /* one sentence to read beside the result, or NULL */
} DriftGuest;

static void drift_guest_free(gpointer data)
{
    DriftGuest *g = data;
    g_free(g->name);
    g_free(g->source);
    g_free(g->spec);
    g_free(g->registered);
    g_free(g->platform);
    ccm_drift_preview_free(g->preview);
    g_free(g->note);
    g_free(g);
}

static const char *string_of(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static gboolean is_spec_file(const char *arg)
{
    return g_str_has_suffix(arg, ".guest");
}

/* The Guest records of ccmd: of @names (Status each), or all (List). */
static json_object *ccmd_guests(const char *socket, GPtrArray *names, GError **error)
{
    const char *path = socket ? socket : g_getenv("CCMD_SOCKET");
    g_autoptr(CcmVarlinkClient) client =
        ccm_varlink_client_connect(path ? path : CCMCTL_DEFAULT_SOCKET, error);
    if (!client)
        return NULL;
    if (!names->len) {
        json_object *reply = ccm_varlink_client_call(client, "io.ccm.Manager.List",
                                                     json_object_new_object(), NULL, error);
        json_object *list = NULL;
        if (!reply)
            return NULL;
        if (!json_object_object_get_ex(reply, "guests", &list) ||
            !json_object_is_type(list, json_type_array)) {
            json_object_put(reply);
            g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                                "ccmd's List reply has no guests");
            return NULL;
        }
        json_object_get(list);
        json_object_put(reply);
        return list;
    }
    json_object *list = json_object_new_array();
    for (guint i = 0; i < names->len; i++) {
        json_object *params = json_object_new_object(), *g = NULL;
        json_object_object_add(params, "name", json_object_new_string(names->pdata[i]));
        json_object *reply = ccm_varlink_client_call(client, "io.ccm.Manager.Status", params,
                                                     NULL, error);
        if (!reply) {
            json_object_put(list);
            return NULL;
        }
        if (!json_object_object_get_ex(reply, "guest", &g) ||
            !json_object_is_type(g, json_type_object)) {
            json_object_put(reply);
            json_object_put(list);
            g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                                "ccmd's Status reply has no guest");
            return NULL;
        }
        json_object_array_add(list, json_object_get(g));
        json_object_put(reply);
    }
    return list;
}

/* The guest's spec, parsed (again for each call): a file, or a libvirt domain's XML. */
static CcmGuestSpec *load_spec(const DriftGuest *g, GError **error)
{
    if (g_str_has_prefix(g->spec, "libvirt:"))
        return ccmctl_domain_spec(NULL, g->spec + strlen("libvirt:"), error);
    return ccm_guest_spec_load(g->spec, error);
}

static void preview_guest(DriftGuest *g, const CcmPlanReplacement *r, GError **error)
{
    g_autoptr(GError) e = NULL;
    CcmGuestSpec *today = load_spec(g, &e);
    CcmGuestSpec *upgraded = today ? load_spec(g, &e) : NULL;
    if (!upgraded) {
        ccm_guest_spec_free(today);
        g->preview = g_new0(CcmDriftPreview, 1);
        g->preview->result = CCM_DRIFT_FAILED;
        g->preview->reason = g_strdup(e->message);
        /* The platform ccmd knows it by, when the spec says nothing. */
        for (int p = 0; g->platform && p < _CCM_GUEST_PLATFORM_MAX; p++)
            if (strcmp(g->platform, ccm_guest_platform_to_string((CcmGuestPlatform) p)) == 0)
                g->preview->platform = (CcmGuestPlatform) p;
        return;
    }
    if (!g->name)
        g->name = g_strdup(today->name);
    g->preview = ccm_drift_preview_new(today, upgraded, r, error);
    /* ccmd keeps the text it was given; a spec file edited since gives other values. */
    if (g->preview && g->registered && g->preview->measurement &&
        g_ascii_strcasecmp(g->registered, g->preview->measurement) != 0)
        g->note = g_strdup_printf("ccmd's measurement %s is not what %s gives today (%s): the "
                                  "file was edited after `ccmctl add`, or an input has drifted "
                                  "already",
                                  g->registered, g->spec, g->preview->measurement);
}

static const char *value_label(CcmValueDrift drift)
{
    return drift == CCM_VALUE_UNCHANGED ? "unchanged"
           : drift == CCM_VALUE_CHANGES ? "changes"
                                        : "not predicted";
}

static char *preview_text(const CcmPlanReplacement *r, GPtrArray *guests)
{
    g_autoptr(GString) s = g_string_new(NULL);
    if (r->firmware && r->firmware_installed)
        g_string_append_printf(s, "firmware: %s replaces %s\n", r->firmware,
                               r->firmware_installed);
    else if (r->firmware)
        g_string_append_printf(s, "firmware: %s replaces every image named %s\n", r->firmware,
                               r->firmware_name);
    if (r->qemu)
        g_string_append_printf(s, "qemu:     %s (QEMU %s) replaces qemu-system-%s\n", r->qemu,
                               r->qemu_version, r->qemu_architecture);
    for (guint i = 0; i < guests->len; i++) {
        const DriftGuest *g = guests->pdata[i];
        const CcmDriftPreview *p = g->preview;
        g_string_append_printf(s, "\n%s (%s, %s): %s", g->name ? g->name : "-",
                               ccm_guest_platform_to_string(p->platform), g->spec,
                               ccm_drift_result_to_string(p->result));
        if (p->replaced && p->result != CCM_DRIFT_UNAFFECTED)
            g_string_append_printf(s, " (%s%s%s replaced)",
                                   p->replaced & CCM_PLAN_REPLACED_FIRMWARE ? "firmware" : "",
                                   p->replaced == (CCM_PLAN_REPLACED_FIRMWARE |
                                                   CCM_PLAN_REPLACED_QEMU)
                                       ? " and "
                                       : "",
                                   p->replaced & CCM_PLAN_REPLACED_QEMU ? "QEMU" : "");
        if (p->reason)
            g_string_append_printf(s, ": %s", p->reason);
        g_string_append_c(s, '\n');
        for (guint k = 0; p->diff && k < p->diff->values->len; k++) {
            const CcmValueChange *c = &g_array_index(p->diff->values, CcmValueChange, k);
            g_string_append_printf(s, "  %-12s %s", c->name, value_label(c->drift));
            if (c->old_hex || c->new_hex)
                g_string_append_printf(s, "%*s%s\n", 14 - (int) strlen(value_label(c->drift)),
                                       "", c->old_hex ? c->old_hex : "(not predicted)");
            else
                g_string_append_c(s, '\n');
            if (c->drift != CCM_VALUE_UNCHANGED && (c->old_hex || c->new_hex))
                g_string_append_printf(s, "  %-12s %11s -> %s\n", "", "",
                                       c->new_hex ? c->new_hex : "(not predicted)");
        }
        if (g->note)
            g_string_append_printf(s, "  note: %s\n", g->note);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static char *preview_json(const CcmPlanReplacement *r, GPtrArray *guests)
{
    json_object *o = json_object_new_object(), *list = json_object_new_array();
    ccm_plan_replacement_to_json(r, o);
    for (guint i = 0; i < guests->len; i++) {
        const DriftGuest *g = guests->pdata[i];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "name", g->name ? json_object_new_string(g->name) : NULL);
        json_object_object_add(x, "source", json_object_new_string(g->source));
        json_object_object_add(x, "spec", json_object_new_string(g->spec));
        ccm_drift_preview_to_json(g->preview, x);
        json_object_object_add(x, "registered",
                               g->registered ? json_object_new_string(g->registered) : NULL);
        json_object_object_add(x, "note", g->note ? json_object_new_string(g->note) : NULL);
        json_object_array_add(list, x);
    }
    json_object_object_add(o, "guests", list);
    return ccmctl_json_text("ccm-drift/1", o);
}

/* 4 when a guest's values change, else 3 when one could not be told, else 0. */
static int preview_status(GPtrArray *guests)
{
    int status = CCMCTL_EXIT_OK;
    for (guint i = 0; i < guests->len; i++) {
        const CcmDriftPreview *p = ((const DriftGuest *) guests->pdata[i])->preview;
        if (p->result == CCM_DRIFT_CHANGES)
            return CCMCTL_EXIT_CHANGES;
        if (p->result == CCM_DRIFT_FAILED || p->result == CCM_DRIFT_INCOMPLETE)
            status = CCMCTL_EXIT_INCOMPLETE;
    }
    return status;
}

static int preview(const char *firmware, const char *qemu, const char *socket, gboolean json,
                   int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmPlanReplacement) r = ccm_plan_replacement_new(firmware, qemu, &error);
    if (!r)
        return ccmctl_fail("drift", error);

    g_autoptr(GPtrArray) guests = g_ptr_array_new_with_free_func(drift_guest_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (int i = 1; i < argc; i++) {
        if (!is_spec_file(argv[i])) {
            g_ptr_array_add(names, argv[i]);
            continue;
        }
        /* A file named here must be a spec: a usage of the command, not a guest's state. */
        g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(argv[i], &error);
        if (!spec)
            return ccmctl_fail("drift", error);
        DriftGuest *g = g_new0(DriftGuest, 1);
        g->source = g_strdup("file");
        g->spec = g_strdup(argv[i]);
        g_ptr_array_add(guests, g);
    }
    if (names->len || argc == 1) {
        g_autoptr(json_object) records = ccmd_guests(socket, names, &error);
        if (!records)
            return ccmctl_fail("drift", error);
        for (size_t i = 0; i < json_object_array_length(records); i++) {
            json_object *rec = json_object_array_get_idx(records, i);
            const char *spec = string_of(rec, "spec");
            if (!string_of(rec, "name") || !spec) {
                g_set_error_literal(&error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                                    "ccmd sent a Guest record without name or spec");
                return ccmctl_fail("drift", error);
            }
            DriftGuest *g = g_new0(DriftGuest, 1);
            g->name = g_strdup(string_of(rec, "name"));
            g->source = g_strdup("ccmd");
            g->spec = g_strdup(spec);
            g->registered = g_strdup(string_of(rec, "measurement"));
            g->platform = g_strdup(string_of(rec, "platform"));
            g_ptr_array_add(guests, g);
        }
    }

    for (guint i = 0; i < guests->len; i++) {
        DriftGuest *g = guests->pdata[i];
        preview_guest(g, r, &error);
        if (!g->preview)
            return ccmctl_fail("drift", error);
    }
    g_autofree char *text = json ? preview_json(r, guests) : preview_text(r, guests);
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("drift", error);
    return preview_status(guests);
}

/* What ccmd has detected: each Guest record's drift. */
static int detected(const char *socket, gboolean json, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (int i = 1; i < argc; i++)
        g_ptr_array_add(names, argv[i]);
    g_autoptr(json_object) records = ccmd_guests(socket, names, &error);
    if (!records)
        return ccmctl_fail("drift", error);

    int status = CCMCTL_EXIT_OK;
    for (size_t i = 0; i < json_object_array_length(records); i++) {
        CcmDriftState state;
        json_object *rec = json_object_array_get_idx(records, i);
        if (!string_of(rec, "name")) {
            g_set_error_literal(&error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                                "ccmd sent a Guest record without a name");
            return ccmctl_fail("drift", error);
        }
        if (!ccm_drift_record_read(rec, &state, &error))
            return ccmctl_fail("drift", error);
        if (state == CCM_GUEST_DRIFT_DRIFT || state == CCM_GUEST_DRIFT_REFUSED)
            status = CCMCTL_EXIT_CHANGES;
        else if (state != CCM_GUEST_DRIFT_NONE && status == CCMCTL_EXIT_OK)
            status = CCMCTL_EXIT_INCOMPLETE;
    }

    g_autofree char *text = NULL;
    if (json) {
        json_object *o = json_object_new_object(), *list = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(records); i++) {
            json_object *rec = json_object_array_get_idx(records, i), *d = NULL;
            json_object *x = json_object_new_object();
            json_object_object_add(x, "name", json_object_new_string(string_of(rec, "name")));
            const char *platform = string_of(rec, "platform");
            json_object_object_add(x, "platform",
                                   platform ? json_object_new_string(platform) : NULL);
            json_object_object_get_ex(rec, "drift", &d);
            json_object_object_add(x, "drift", d ? json_object_get(d) : NULL);
            json_object_array_add(list, x);
        }
        json_object_object_add(o, "guests", list);
        text = ccmctl_json_text("ccm-drift-status/1", o);
    } else {
        g_autoptr(GString) s = g_string_new(NULL);
        g_string_append_printf(s, "%-20s %-8s %s\n", "NAME", "PLATFORM", "DRIFT");
        for (size_t i = 0; i < json_object_array_length(records); i++)
            ccm_drift_record_describe(json_object_array_get_idx(records, i), FALSE, s);
        text = g_string_free(g_steal_pointer(&s), FALSE);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("drift", error);
    return status;
}

int ccmctl_drift(int argc, char **argv)
{
    g_autofree char *firmware = NULL, *qemu = NULL, *socket = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "with-firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware,
          "Preview this firmware image (FILE: in place of the guests' image of the same file "
          "name; INSTALLED=FILE: of that image alone)",
          "FILE" },
        { "with-qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "Preview this QEMU binary in place of the QEMU of the guests of its architecture",
          "FILE" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket,
          "ccmd's socket (default $CCMD_SOCKET or " CCMCTL_DEFAULT_SOCKET ")", "PATH" },
        { NULL },
    };

    g_set_prgname("ccmctl drift");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "[GUEST...] - which guests' measurements a firmware or QEMU upgrade changes");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(
        context, "GUEST is a guest of ccmd (a NAME) or a spec file (a path ending in .guest); "
                 "none: every guest of ccmd.\nWithout --with-*: the drift ccmd has detected.");
    g_option_context_set_description(context, "Exit status: 0 no guest's values change, 1 "
                                              "failure, 2 usage error, 3 a guest's values could "
                                              "not be told, 4 a guest's values change. See "
                                              "ccmctl-drift(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("drift", error);
    for (int i = 1; i < argc; i++) {
        if (is_spec_file(argv[i])) {
            if (!firmware && !qemu) {
                g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "'%s': a spec file has no drift recorded by ccmd; give "
                            "--with-firmware or --with-qemu to preview one",
                            argv[i]);
                return ccmctl_fail("drift", error);
            }
        } else if (!ccm_guest_name_is_valid(argv[i])) {
            g_autofree char *shown = g_strescape(argv[i], NULL);
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "'%s' is neither a guest name (1 to 64 letters, digits, '.', '_' or "
                        "'-', not starting with '.' or '-') nor a spec file (NAME.guest)",
                        shown);
            return ccmctl_fail("drift", error);
        }
    }
    if (firmware || qemu)
        return preview(firmware, qemu, socket, json, argc, argv);
    return detected(socket, json, argc, argv);
}
