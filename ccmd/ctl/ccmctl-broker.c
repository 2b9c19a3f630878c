/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-broker.c - ccmctl register|export: a guest's reference values for a key broker,
 * without a daemon
 *
 * Both commands compute the same values, under the same names and identity, as ccmd
 * does before a start (broker-values.c): build pipelines register or hand them on, and
 * the guest launched later (by ccmd, or with the printed HostData=) matches them.
 * register writes them to a Trustee KBS and reads them back; export only prints them.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "broker-policies.h"
#include "broker-values.h"
#include "ccmctl.h"
#include "expectation.h"
#include "guest-identity.h"
#include "json-text.h"
#include "kbs-admin.h"

typedef struct Prepared {
    CcmLaunchPlan *plan;
    unsigned trustee_minor;
    char *measurement;
    char *scope;                /* the guest's key in the broker's names */
    char *identity_b64;         /* the identity the launch must carry */
    GHashTable *ids;            /* broker id -> JSON text */
} Prepared;

static void prepared_clear(Prepared *p)
{
    ccm_launch_plan_free(p->plan);
    g_free(p->measurement);
    g_free(p->scope);
    g_free(p->identity_b64);
    if (p->ids)
        g_hash_table_unref(p->ids);
}

/* The --trustee-version option (default: the newest release ccm knows). */
static gboolean parse_version(const char *version, unsigned *ret_minor, GError **error)
{
    *ret_minor = CCM_TRUSTEE_MINOR_DEFAULT;
    if (version && !ccm_trustee_version_parse(version, ret_minor, error)) {
        g_prefix_error(error, "--trustee-version: ");
        return FALSE;
    }
    return TRUE;
}

/* Spec -> plan with the guest's identity -> scoped values, for Trustee 0.@minor. */
static gboolean prepare(const char *spec_path, const char *host_id, unsigned minor, Prepared *p,
                        GError **error)
{
    p->trustee_minor = minor;
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(spec_path, error);
    if (!spec)
        return FALSE;
    const char *refusal =
        ccm_expectation_trustee_refusal(ccm_guest_spec_measured_platform(spec));
    if (refusal) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s: %s", spec_path, refusal);
        return FALSE;
    }
    g_autofree char *own_host_id = host_id ? g_strdup(host_id) : ccm_host_id_default();
    ccm_expectation_apply_identity(spec, own_host_id);
    p->plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, error);
    if (!p->plan)
        return FALSE;
    g_autoptr(GHashTable) values = NULL;
    if (!ccm_broker_expected_values(p->plan, true, &p->measurement, &values, error)) {
        g_prefix_error(error, "%s: ", spec_path);
        return FALSE;
    }
    g_autoptr(GBytes) identity = ccm_expectation_identity(p->plan->spec);
    if (!identity) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "%s: Platform=%s has no identity a broker can scope its values by",
                    spec_path, ccm_guest_platform_to_string(p->plan->spec->platform));
        return FALSE;
    }
    p->scope = ccm_broker_scope(p->plan->spec, minor);
    gsize n = 0;
    const guint8 *id = g_bytes_get_data(identity, &n);
    p->identity_b64 = g_base64_encode(id, n);
    p->ids = ccm_broker_scoped_values(p->scope, values);
    return TRUE;
}

static json_object *summary_json(const Prepared *p)
{
    json_object *o = json_object_new_object();
    json_object *values = json_object_new_object();
    json_object *resources = json_object_new_array();
    GHashTableIter it;
    gpointer k, v;

    json_object_object_add(o, "guest", json_object_new_string(p->plan->spec->name));
    json_object_object_add(o, "measurement", json_object_new_string(p->measurement));
    json_object_object_add(o, "identity", json_object_new_string(p->scope));
    json_object_object_add(o, "identity_field",
                           json_object_new_string(ccm_expectation_identity_key(
                               ccm_guest_spec_measured_platform(p->plan->spec))));
    json_object_object_add(o, "identity_value", json_object_new_string(p->identity_b64));
    if (ccm_guest_spec_measured_platform(p->plan->spec) == CCM_GUEST_PLATFORM_SEV_SNP)
        json_object_object_add(o, "host_data", json_object_new_string(p->identity_b64));
    g_hash_table_iter_init(&it, p->ids);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_autofree char *enc = ccm_kbs_encode_value(p->trustee_minor, k, v);
        json_object_object_add(values, k, json_tokener_parse(enc));
    }
    json_object_object_add(o, "reference_values", values);
    for (guint i = 0; i < p->plan->spec->resources->len; i++) {
        g_autofree char *path = g_strdup_printf("ccm-%s/%s", p->scope,
                                                (const char *) p->plan->spec->resources->pdata[i]);
        json_object_array_add(resources, json_object_new_string(path));
    }
    json_object_object_add(o, "resources", resources);
    return o;
}

static char *summary_text(const Prepared *p, const char *verb)
{
    g_autoptr(GString) s = g_string_new(NULL);
    GHashTableIter it;
    gpointer k, v;

    g_string_append_printf(s, "guest:       %s\nmeasurement: %s\nidentity:    %s\n",
                           p->plan->spec->name, p->measurement, p->scope);
    g_string_append_printf(s, "launch with: %s%s\n",
                           ccm_expectation_identity_key(
                               ccm_guest_spec_measured_platform(p->plan->spec)),
                           p->identity_b64);
    g_hash_table_iter_init(&it, p->ids);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_autofree char *enc = ccm_kbs_encode_value(p->trustee_minor, k, v);
        g_string_append_printf(s, "%s %s = %s\n", verb, (const char *) k, enc);
    }
    for (guint i = 0; i < p->plan->spec->resources->len; i++)
        g_string_append_printf(s, "resource:    ccm-%s/%s\n", p->scope,
                               (const char *) p->plan->spec->resources->pdata[i]);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

static char *json_text(json_object *o)
{
    g_autofree char *text = ccm_json_text_make_utf8(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    return g_strconcat(text, "\n", NULL);
}

/* ---- register ------------------------------------------------------------------------ */

static gboolean install_policies(CcmKbs *kbs, const char *dir, GError **error)
{
    g_autofree char *attestation = NULL, *resource = NULL;
    return ccm_broker_policies_load(dir, kbs->trustee_minor, &attestation, &resource, error) &&
           ccm_kbs_set_attestation_policy(kbs, "default_cpu", attestation, error) &&
           ccm_kbs_set_resource_policy(kbs, resource, error);
}

/* Writes @p's values to the broker @o names (and ccm's policies with o->policies), reading
 * them back; returns the broker's handle. */
static CcmKbs *register_prepared(const Prepared *p, const CcmctlBrokerOptions *o, GError **error)
{
    g_autoptr(CcmKbs) kbs = g_new0(CcmKbs, 1);
    if (!ccm_http_check_url(o->url, o->insecure, error) ||
        (o->admin_key && !(kbs->admin_key = ccm_admin_key_load(o->admin_key, error))))
        return NULL;
    kbs->url = g_strdup(o->url);
    while (g_str_has_suffix(kbs->url, "/"))
        kbs->url[strlen(kbs->url) - 1] = '\0';
    kbs->ca_file = g_strdup(o->ca_file);
    kbs->http.allow_insecure_http = o->insecure;
    kbs->http.retries = o->retries;
    kbs->role = g_strdup(o->role ? o->role : "admin");
    kbs->issuer = g_strdup(o->issuer);
    kbs->audience = g_strdup(o->audience);
    kbs->trustee_minor = o->trustee_minor;
    if (o->policies &&
        !install_policies(kbs, o->policy_dir ? o->policy_dir : CCM_POLICY_DIR, error))
        return NULL;
    if (!ccm_kbs_register_checked(kbs, p->ids, error))
        return NULL;
    return g_steal_pointer(&kbs);
}

gboolean ccmctl_broker_register_spec(const char *spec_path, const char *host_id,
                                     const CcmctlBrokerOptions *o, char **ret_measurement,
                                     char **ret_identity_b64, GError **error)
{
    Prepared p = { 0 };
    g_autoptr(CcmKbs) kbs = NULL;
    gboolean ok = prepare(spec_path, host_id, o->trustee_minor, &p, error) &&
                  (kbs = register_prepared(&p, o, error)) != NULL;
    if (ok) {
        *ret_measurement = g_steal_pointer(&p.measurement);
        *ret_identity_b64 = g_steal_pointer(&p.identity_b64);
    }
    prepared_clear(&p);
    return ok;
}

int ccmctl_register(int argc, char **argv)
{
    g_autofree char *url = NULL, *admin_key = NULL, *ca_file = NULL, *policy_dir = NULL;
    g_autofree char *version = NULL, *role = NULL, *issuer = NULL, *audience = NULL;
    g_autofree char *host_id = NULL;
    gboolean policies = FALSE, insecure = FALSE, json = FALSE;
    gint retries = 4;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "broker", 0, 0, G_OPTION_ARG_STRING, &url, "The KBS (https://HOST:PORT)", "URL" },
        { "admin-key", 0, 0, G_OPTION_ARG_FILENAME, &admin_key,
          "Ed25519 admin private key (mode 0600)", "PEM" },
        { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "The broker's CA certificate(s)",
          "PEM" },
        { "resource-policy", 0, 0, G_OPTION_ARG_NONE, &policies,
          "Also install ccm's resource and attestation policies", NULL },
        { "policy-dir", 0, 0, G_OPTION_ARG_FILENAME, &policy_dir,
          "Where the policies are (default " CCM_POLICY_DIR ")", "DIR" },
        { "trustee-version", 0, 0, G_OPTION_ARG_STRING, &version,
          "The broker's trustee release (default 0.21)", "VERSION" },
        { "role", 0, 0, G_OPTION_ARG_STRING, &role, "Token role claim (default admin)", "ROLE" },
        { "issuer", 0, 0, G_OPTION_ARG_STRING, &issuer, "Token iss claim", "ISS" },
        { "audience", 0, 0, G_OPTION_ARG_STRING, &audience, "Token aud claim", "AUD" },
        { "host-id", 0, 0, G_OPTION_ARG_STRING, &host_id,
          "The launching host's id (default this machine's)", "ID" },
        { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure,
          "Allow http:// to a host that is not loopback", NULL },
        { "retries", 0, 0, G_OPTION_ARG_INT, &retries,
          "Attempts after a connection error or 5xx (default 4)", "N" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_set_prgname("ccmctl register");
    g_autoptr(GOptionContext) context =
        g_option_context_new("GUEST.guest - register a guest's expected values with a KBS");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 registered and read back, 1 "
                                              "failed, 2 usage error. See ccmctl-register(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("register", error);
    if (argc != 2 || !url || retries < 0 || retries > 20) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            argc != 2 ? "expected one GUEST.guest"
                            : !url    ? "--broker URL is required"
                                      : "--retries: expected 0 to 20");
        return ccmctl_fail("register", error);
    }
    unsigned minor = 0;
    if (!parse_version(version, &minor, &error))
        return ccmctl_fail("register", error);

    Prepared p = { 0 };
    g_autoptr(CcmKbs) kbs = NULL;
    g_autofree char *text = NULL;
    int rc = CCMCTL_EXIT_FAILURE;
    CcmctlBrokerOptions options = { .url = url, .admin_key = admin_key, .ca_file = ca_file,
                              .policy_dir = policy_dir, .role = role, .issuer = issuer,
                              .audience = audience, .insecure = insecure, .policies = policies,
                              .retries = (unsigned) retries, .trustee_minor = minor };
    if (!prepare(argv[1], host_id, minor, &p, &error) ||
        !(kbs = register_prepared(&p, &options, &error)))
        goto out;

    if (json) {
        json_object *o = summary_json(&p);
        json_object_object_add(o, "broker", json_object_new_string(kbs->url));
        json_object_object_add(o, "policies_installed", json_object_new_boolean(policies));
        text = ccmctl_json_text("ccm-register/1", o);
    } else {
        g_autofree char *body = summary_text(&p, "registered:  ");
        text = g_strdup_printf("%sbroker:      %s (read back, identical)%s\n", body, kbs->url,
                               policies ? "; ccm's policies installed" : "");
    }
    rc = ccmctl_write_stdout(text, &error) ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
out:
    prepared_clear(&p);
    if (rc != CCMCTL_EXIT_OK && error)
        return ccmctl_fail("register", error);
    return rc;
}

/* ---- export -------------------------------------------------------------------------- */

static char *export_rvps(const Prepared *p)
{
    json_object *payload = json_object_new_object();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, p->ids);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_autofree char *enc = ccm_kbs_encode_value(p->trustee_minor, k, v);
        json_object_object_add(payload, k, json_tokener_parse(enc));
    }
    const char *text = json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
    g_autofree char *b64 = g_base64_encode((const guchar *) text, strlen(text));
    json_object_put(payload);
    json_object *m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_string("0.1.0"));
    json_object_object_add(m, "type", json_object_new_string("sample"));
    json_object_object_add(m, "payload", json_object_new_string(b64));
    char *out = json_text(m);
    json_object_put(m);
    return out;
}

/* kbs-client commands; its set-sample-reference-value wraps one string in a list. */
static char *export_kbs_client(const Prepared *p)
{
    g_autoptr(GString) s = g_string_new("# Register with kbs-client (trustee tools/kbs-client); "
                                        "set KBS_URL and the admin credential first.\n");
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, p->ids);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_autofree char *enc = ccm_kbs_encode_value(p->trustee_minor, k, v);
        json_object *list = json_tokener_parse(enc);
        for (size_t i = 0; list && i < json_object_array_length(list); i++) {
            g_autofree char *quoted =
                g_shell_quote(json_object_get_string(json_object_array_get_idx(list, i)));
            g_string_append_printf(s,
                                   "kbs-client --url \"$KBS_URL\" config "
                                   "set-sample-reference-value %s %s\n",
                                   (const char *) k, quoted);
        }
        json_object_put(list);
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

int ccmctl_export(int argc, char **argv)
{
    g_autofree char *format = NULL, *version = NULL, *host_id = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format,
          "trustee-rvps (default), kbs-client or json", "FORMAT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (--format json)", NULL },
        { "trustee-version", 0, 0, G_OPTION_ARG_STRING, &version,
          "The broker's trustee release (default 0.21)", "VERSION" },
        { "host-id", 0, 0, G_OPTION_ARG_STRING, &host_id,
          "The launching host's id (default this machine's)", "ID" },
        { NULL },
    };
    g_set_prgname("ccmctl export");
    g_autoptr(GOptionContext) context =
        g_option_context_new("GUEST.guest - print a guest's expected values for a broker");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 failed, 2 usage "
                                              "error. See ccmctl-export(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error) ||
        !ccmctl_json_option(json, "--format", &format, &error))
        return ccmctl_fail("export", error);
    const char *fmt = format ? format : "trustee-rvps";
    if (argc != 2 || (strcmp(fmt, "trustee-rvps") != 0 && strcmp(fmt, "kbs-client") != 0 &&
                      strcmp(fmt, "json") != 0)) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s",
                    argc != 2 ? "expected one GUEST.guest"
                              : "--format: expected trustee-rvps, kbs-client or json");
        return ccmctl_fail("export", error);
    }
    unsigned minor = 0;
    if (!parse_version(version, &minor, &error))
        return ccmctl_fail("export", error);
    Prepared p = { 0 };
    if (!prepare(argv[1], host_id, minor, &p, &error)) {
        prepared_clear(&p);
        return ccmctl_fail("export", error);
    }
    g_autofree char *text = NULL;
    if (strcmp(fmt, "trustee-rvps") == 0) {
        text = export_rvps(&p);
    } else if (strcmp(fmt, "kbs-client") == 0) {
        text = export_kbs_client(&p);
    } else {
        text = ccmctl_json_text("ccm-export/1", summary_json(&p));
    }
    prepared_clear(&p);
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("export", error);
    return CCMCTL_EXIT_OK;
}
