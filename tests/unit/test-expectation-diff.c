/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-expectation-diff.c - two expectations of one TD compared value by value
 * (launch/expectation-diff.c): the same inputs, another TDVF image, and RTMR0 predicted on
 * one side only; and the JSON list `ccmctl drift --json` prints
 */
#include <string.h>

#include "expectation-diff.h"
#include "expectation-tdx.h"
#include "hex.h"

/* bookworm's or trixie's TDVF image, 2 vCPUs and 2 GiB, with the ACPI tables captured
 * from QEMU 7.2 for that shape or (@acpi FALSE) without. */
static CcmExpectation *td(const char *image, gboolean acpi)
{
    const char *data = g_getenv("CCM_TEST_DATA");
    g_assert_nonnull(data);
    g_autofree char *firmware = g_build_filename(data, "tdx", image, NULL);
    g_autofree char *acpi_dir = g_build_filename(data, "tdx", "acpi-qemu7.2-q35-2cpu-2G", NULL);
    CcmTdxInputs in = {
        .firmware = firmware,
        .memory = 2ull << 30,
        .vcpus = 2,
        .page_order = CCM_TDX_PAGE_ORDER_PER_PAGE,
        .layout = -1,
        .acpi_dir = acpi ? acpi_dir : NULL,
        .qemu_major = 7,
        .qemu_minor = 2,
    };
    g_autoptr(GError) error = NULL;
    CcmExpectation *e = ccm_expectation_new_tdx(&in, &error);
    g_assert_no_error(error);
    return e;
}

static const CcmValueChange *change(const CcmExpectationDiff *d, const char *name)
{
    for (guint i = 0; i < d->values->len; i++) {
        const CcmValueChange *c = &g_array_index(d->values, CcmValueChange, i);
        if (strcmp(c->name, name) == 0)
            return c;
    }
    g_assert_not_reached();
}

static char *hex(const CcmExpectation *e, const char *name)
{
    const CcmExpectedValue *v = ccm_expectation_value(e, name);
    g_assert_nonnull(v);
    return v->known ? ccm_hex_encode(v->value, v->size) : NULL;
}

static void test_same(void)
{
    g_autoptr(CcmExpectation) a = td("OVMF.bookworm.fd", TRUE);
    g_autoptr(CcmExpectation) b = td("OVMF.bookworm.fd", TRUE);
    g_autoptr(CcmExpectationDiff) d = ccm_expectation_diff_new(a, b);
    g_assert_cmpuint(d->values->len, ==, a->values->len);
    g_assert_cmpuint(d->changes, ==, 0);
    g_assert_cmpuint(d->undecided, ==, 0);
    g_autofree char *mrtd = hex(a, "mrtd");
    g_autofree char *rtmr0 = hex(a, "rtmr0");
    g_assert_nonnull(rtmr0);
    g_assert_cmpint(change(d, "mrtd")->drift, ==, CCM_VALUE_UNCHANGED);
    g_assert_cmpstr(change(d, "mrtd")->old_hex, ==, mrtd);
    g_assert_cmpstr(change(d, "mrtd")->new_hex, ==, mrtd);
    g_assert_cmpint(change(d, "rtmr0")->drift, ==, CCM_VALUE_UNCHANGED);
    /* Without direct boot RTMR1..3 are not predicted on either side: no question. */
    for (int i = 1; i <= 3; i++) {
        g_autofree char *name = g_strdup_printf("rtmr%d", i);
        g_assert_cmpint(change(d, name)->drift, ==, CCM_VALUE_NOT_PREDICTED);
        g_assert_null(change(d, name)->old_hex);
        g_assert_null(change(d, name)->new_hex);
    }
}

static void test_other_firmware(void)
{
    g_autoptr(CcmExpectation) a = td("OVMF.bookworm.fd", TRUE);
    g_autoptr(CcmExpectation) b = td("OVMF.trixie.fd", TRUE);
    g_autoptr(CcmExpectationDiff) d = ccm_expectation_diff_new(a, b);
    g_autofree char *old_mrtd = hex(a, "mrtd");
    g_autofree char *new_mrtd = hex(b, "mrtd");
    g_assert_cmpstr(old_mrtd, !=, new_mrtd);
    const CcmValueChange *c = change(d, "mrtd");
    g_assert_cmpint(c->drift, ==, CCM_VALUE_CHANGES);
    g_assert_cmpstr(c->old_hex, ==, old_mrtd);
    g_assert_cmpstr(c->new_hex, ==, new_mrtd);
    g_assert_cmpuint(d->changes, >=, 1);
    g_assert_cmpuint(d->undecided, ==, 0);

    /* The JSON list: one object per value, in the platform's order. */
    json_object *list = ccm_expectation_diff_to_json(d);
    g_assert_cmpuint(json_object_array_length(list), ==, d->values->len);
    json_object *first = json_object_array_get_idx(list, 0), *v = NULL;
    g_assert_true(json_object_object_get_ex(first, "name", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "mrtd");
    g_assert_true(json_object_object_get_ex(first, "state", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "changes");
    g_assert_true(json_object_object_get_ex(first, "old", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, old_mrtd);
    g_assert_true(json_object_object_get_ex(first, "new", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, new_mrtd);
    json_object *last = json_object_array_get_idx(list, d->values->len - 1);
    g_assert_true(json_object_object_get_ex(last, "state", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "not_predicted");
    g_assert_true(json_object_object_get_ex(last, "old", &v));
    g_assert_null(v);
    json_object_put(list);
}

static void test_one_sided(void)
{
    /* RTMR0 without the ACPI tables is not predicted: before it was, after it is not. */
    g_autoptr(CcmExpectation) a = td("OVMF.bookworm.fd", TRUE);
    g_autoptr(CcmExpectation) b = td("OVMF.bookworm.fd", FALSE);
    g_autoptr(CcmExpectationDiff) d = ccm_expectation_diff_new(a, b);
    const CcmValueChange *c = change(d, "rtmr0");
    g_assert_cmpint(c->drift, ==, CCM_VALUE_NOT_PREDICTED);
    g_assert_nonnull(c->old_hex);
    g_assert_null(c->new_hex);
    g_assert_cmpuint(d->changes, ==, 0);
    g_assert_cmpuint(d->undecided, ==, 1);
    g_assert_cmpstr(ccm_value_drift_to_string(CCM_VALUE_NOT_PREDICTED), ==, "not_predicted");
    g_assert_null(ccm_value_drift_to_string(_CCM_VALUE_DRIFT_MAX));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/expectation-diff/same", test_same);
    g_test_add_func("/expectation-diff/other-firmware", test_other_firmware);
    g_test_add_func("/expectation-diff/one-sided", test_one_sided);
    return g_test_run();
}
