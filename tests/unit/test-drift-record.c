/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-drift-record.c - the drift member of ccmd's Guest record (ccmd/client/drift-record.c):
 * its states, the text `ccmctl drift` prints for it, and the shapes it refuses
 */
#include <string.h>

#include <json-c/json.h>

#include "drift-record.h"
#include "varlink-client.h"

#define OLD_FW "1111111111111111111111111111111111111111111111111111111111111111"
#define NEW_FW "2222222222222222222222222222222222222222222222222222222222222222"

/* A Guest record with @drift (JSON text, or NULL for none). */
static json_object *guest(const char *drift)
{
    g_autofree char *text = g_strdup_printf(
        "{\"name\": \"td1\", \"platform\": \"tdx\", \"state\": \"running\", "
        "\"spec\": \"/etc/ccmd/guests/td1.guest\", \"launched_by\": \"ccmd\"%s%s}",
        drift ? ", \"drift\": " : "", drift ? drift : "");
    json_object *o = json_tokener_parse(text);
    g_assert_nonnull(o);
    return o;
}

/* 2026-12-07 21:00:00 UTC in microseconds. */
#define SINCE "1796677200000000"

static const char full[] =
    "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": " SINCE ", "
    "\"inputs\": [{\"input\": \"firmware\", \"path\": \"/usr/share/ovmf/OVMF.fd\", "
    "\"old_sha256\": \"" OLD_FW "\", \"new_sha256\": \"" NEW_FW "\"}, "
    "{\"input\": \"qemu\", \"path\": \"/usr/bin/qemu-system-x86_64\", "
    "\"old_sha256\": null, \"new_sha256\": null}], "
    "\"old_measurement\": \"aa\", \"new_measurement\": \"bb\"}";

static void test_none(void)
{
    g_autoptr(GError) error = NULL;
    CcmDriftState state = CCM_GUEST_DRIFT_OTHER;
    json_object *g = guest(NULL);
    g_assert_true(ccm_drift_record_read(g, &state, &error));
    g_assert_cmpint(state, ==, CCM_GUEST_DRIFT_NONE);
    g_autoptr(GString) s = g_string_new(NULL);
    ccm_drift_record_describe(g, TRUE, s);
    g_assert_cmpstr(s->str, ==, "td1                  tdx      none\n");
    json_object_put(g);

    /* A null drift (an optional field sent as null) is none too. */
    g = guest("null");
    state = CCM_GUEST_DRIFT_OTHER;
    g_assert_true(ccm_drift_record_read(g, &state, &error));
    g_assert_cmpint(state, ==, CCM_GUEST_DRIFT_NONE);
    json_object_put(g);
}

static void test_describe(void)
{
    g_autoptr(GError) error = NULL;
    CcmDriftState state;
    json_object *g = guest(full);
    g_assert_true(ccm_drift_record_read(g, &state, &error));
    g_assert_no_error(error);
    g_assert_cmpint(state, ==, CCM_GUEST_DRIFT_DRIFT);
    g_autoptr(GString) s = g_string_new(NULL);
    ccm_drift_record_describe(g, TRUE, s);
    g_assert_cmpstr(s->str, ==,
                    "td1                  tdx      drift (policy warn, since 2026-12-07 21:00:00)\n"
                    "  firmware     /usr/share/ovmf/OVMF.fd\n"
                    "                 sha256 " OLD_FW " -> " NEW_FW "\n"
                    "  qemu         /usr/bin/qemu-system-x86_64\n"
                    "                 sha256 (none) -> (gone)\n"
                    "  measurement  aa\n"
                    "                 -> bb\n");
    json_object_put(g);
}

static void test_states(void)
{
    static const struct {
        const char *state;
        CcmDriftState want;
    } cases[] = {
        { "drift", CCM_GUEST_DRIFT_DRIFT },
        { "missing", CCM_GUEST_DRIFT_MISSING },
        { "refused", CCM_GUEST_DRIFT_REFUSED },
        { "frozen", CCM_GUEST_DRIFT_OTHER }, /* a newer ccmd's */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *d = g_strdup_printf("{\"state\": \"%s\", \"policy\": \"refuse\", "
                                             "\"since\": 0, \"inputs\": []}",
                                             cases[i].state);
        g_autoptr(GError) error = NULL;
        CcmDriftState state;
        json_object *g = guest(d);
        g_assert_true(ccm_drift_record_read(g, &state, &error));
        g_assert_cmpint(state, ==, cases[i].want);
        /* Without measurements: the header line alone. */
        g_autoptr(GString) s = g_string_new(NULL);
        ccm_drift_record_describe(g, TRUE, s);
        g_autofree char *want = g_strdup_printf(
            "td1                  tdx      %s (policy refuse, since 1970-01-01 00:00:00)\n",
            cases[i].state);
        g_assert_cmpstr(s->str, ==, want);
        json_object_put(g);
    }
}

static void test_refused_shapes(void)
{
    static const char *const bad[] = {
        "\"drift\"",
        "{\"policy\": \"warn\", \"since\": 0, \"inputs\": []}",
        "{\"state\": 1, \"policy\": \"warn\", \"since\": 0, \"inputs\": []}",
        "{\"state\": \"drift\", \"since\": 0, \"inputs\": []}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"inputs\": []}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": -1, \"inputs\": []}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": \"now\", \"inputs\": []}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0, \"inputs\": {}}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0, \"inputs\": [1]}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0, "
        "\"inputs\": [{\"input\": \"firmware\"}]}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0, "
        "\"inputs\": [{\"input\": \"firmware\", \"path\": \"/x\", \"new_sha256\": 5}]}",
        "{\"state\": \"drift\", \"policy\": \"warn\", \"since\": 0, \"inputs\": [], "
        "\"old_measurement\": []}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        CcmDriftState state = CCM_GUEST_DRIFT_NONE;
        json_object *g = guest(bad[i]);
        g_test_message("%s", bad[i]);
        g_assert_false(ccm_drift_record_read(g, &state, &error));
        g_assert_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL);
        g_assert_nonnull(strstr(error->message, "ccmd's"));
        json_object_put(g);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/drift-record/none", test_none);
    g_test_add_func("/drift-record/describe", test_describe);
    g_test_add_func("/drift-record/states", test_states);
    g_test_add_func("/drift-record/refused-shapes", test_refused_shapes);
    return g_test_run();
}
