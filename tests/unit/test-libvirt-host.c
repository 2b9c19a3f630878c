/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-libvirt-host.c - which libvirt can define which guest, and what its domain
 * capabilities say it can launch
 */
#include <string.h>

#include "host-check.h"
#include "launch-plan.h"
#include "libvirt-version.h"

static CcmLibvirtVersion v(const char *text)
{
    CcmLibvirtVersion r = { 0 };
    g_autoptr(GError) error = NULL;
    g_assert_true(ccm_libvirt_version_parse(text, &r, &error));
    g_assert_no_error(error);
    return r;
}

static void test_version_parse(void)
{
    CcmLibvirtVersion r = v("10.5.0");
    g_assert_cmpuint(r.major, ==, 10);
    g_assert_cmpuint(r.minor, ==, 5);
    g_assert_cmpuint(r.micro, ==, 0);
    r = v("9.0");
    g_assert_cmpuint(r.major, ==, 9);
    g_assert_cmpuint(r.micro, ==, 0);
    r = ccm_libvirt_version_from_number(11006002);
    g_autofree char *s = ccm_libvirt_version_to_string(r);
    g_assert_cmpstr(s, ==, "11.6.2");
    g_assert_cmpint(ccm_libvirt_version_compare(v("10.4.9"), v("10.5.0")), <, 0);
    g_assert_cmpint(ccm_libvirt_version_compare(v("11.0.0"), v("10.5.0")), >, 0);
    g_assert_cmpint(ccm_libvirt_version_compare(v("10.5"), v("10.5.0")), ==, 0);

    const char *bad[] = { "", "10", "10.", "10.5.", "10.5.0.1", "v10.5", "10.5.x", "1000.1",
                          "10..5", "-1.2" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_assert_false(ccm_libvirt_version_parse(bad[i], &r, &error));
        g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
        g_assert_nonnull(strstr(error->message, "MAJOR.MINOR"));
    }
}

static void test_check_version(void)
{
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_new("web1.guest");
    g_autoptr(GError) error = NULL;

    spec->platform = CCM_GUEST_PLATFORM_SEV_SNP;
    g_assert_false(ccm_libvirt_check_version(spec, v("10.4.0"), "--libvirt-version", &error));
    g_assert_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED);
    g_assert_cmpstr(error->message, ==,
                    "web1.guest: libvirt 10.4.0 (--libvirt-version) has no SEV-SNP launch "
                    "security; it needs libvirt 10.5.0 or later");
    g_clear_error(&error);
    g_assert_true(ccm_libvirt_check_version(spec, v("10.5.0"), "x", &error));

    spec->platform = CCM_GUEST_PLATFORM_TDX;
    g_assert_false(ccm_libvirt_check_version(spec, v("11.3.0"), "x", &error));
    g_assert_nonnull(strstr(error->message, "needs libvirt 11.6.0"));
    g_clear_error(&error);
    g_assert_true(ccm_libvirt_check_version(spec, v("12.8.0"), "x", &error));

    spec->platform = CCM_GUEST_PLATFORM_CCA;
    g_assert_false(ccm_libvirt_check_version(spec, v("12.8.0"), "x", &error));
    g_assert_nonnull(strstr(error->message, "no libvirt release has Arm CCA"));
    g_clear_error(&error);

    /* A rehearsal has no launch security: any libvirt defines it. */
    spec->platform = CCM_GUEST_PLATFORM_NONE;
    spec->rehearses = CCM_GUEST_PLATFORM_SEV_SNP;
    g_assert_true(ccm_libvirt_check_version(spec, v("9.0.0"), "x", &error));
    spec->platform = CCM_GUEST_PLATFORM_SEV;
    g_assert_true(ccm_libvirt_check_version(spec, v("9.0.0"), "x", &error));
    g_assert_no_error(error);
}

static char *domcaps(const char *name)
{
    g_autofree char *path = g_build_filename(g_getenv("CCM_TEST_DATA"), "libvirt", name, NULL);
    g_autoptr(GError) error = NULL;
    char *text = NULL;
    g_file_get_contents(path, &text, NULL, &error);
    g_assert_no_error(error);
    return text;
}

static CcmHostCheck *empty_check(void)
{
    return ccm_host_check_new();
}

static CcmHostCheck *check_with(const char *file, const char *version, const char *virttype)
{
    g_autofree char *xml = domcaps(file);
    g_autoptr(GError) error = NULL;
    CcmHostCheck *c = empty_check();
    g_assert_true(ccm_host_check_add_libvirt(c, "qemu:///system", v(version), xml, virttype,
                                             &error));
    g_assert_no_error(error);
    return c;
}

static void free_check(CcmHostCheck *c)
{
    ccm_host_check_free(c);
}

static void test_domcaps_bookworm_tcg(void)
{
    CcmHostCheck *c = check_with("domcaps-9.0.0-tcg.xml", "9.0.0", "qemu");
    const CcmCheckItem *i = ccm_host_check_find(c, "libvirt");
    g_assert_nonnull(i);
    g_assert_nonnull(strstr(i->reason, "/usr/bin/qemu-system-x86_64"));
    g_assert_cmpstr(c->libvirt.source, ==, "domain capabilities of libvirt 9.0.0 at qemu:///system");
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_NONE]);
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV]);
    g_assert_cmpstr(c->libvirt.why_not[CCM_GUEST_PLATFORM_SEV], ==,
                    "libvirt has no KVM here, and confidential guests need it");
    g_assert_nonnull(strstr(c->libvirt.why_not[CCM_GUEST_PLATFORM_SEV_SNP], "needs 10.5.0"));
    g_assert_nonnull(strstr(c->libvirt.why_not[CCM_GUEST_PLATFORM_TDX], "needs 11.6.0"));
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_CCA]);
    /* libvirt's view leaves ccmd's own verdict alone. */
    i = ccm_host_check_find(c, "libvirt-sev-snp");
    g_assert_nonnull(i);
    g_assert_cmpint(i->status, ==, CCM_CHECK_FAIL);
    g_assert_cmpuint(i->platforms, ==, 0);
    free_check(c);
}

static void test_domcaps_snp_host(void)
{
    CcmHostCheck *c = check_with("domcaps-sev-snp-kvm.xml", "10.5.0", "kvm");
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV]);
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV_ES]);
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV_SNP]);
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_TDX]);
    free_check(c);

    /* The same host with an older libvirt: its schema has no sev-snp. */
    c = check_with("domcaps-sev-snp-kvm.xml", "10.4.0", "kvm");
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV]);
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV_SNP]);
    free_check(c);
}

static void test_domcaps_tdx_host(void)
{
    CcmHostCheck *c = check_with("domcaps-tdx-kvm.xml", "11.6.0", "kvm");
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_TDX]);
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV]);
    g_assert_cmpstr(c->libvirt.why_not[CCM_GUEST_PLATFORM_SEV], ==,
                    "its domain capabilities do not list launch security type 'sev'");
    free_check(c);
}

static void test_domcaps_no_es_slots(void)
{
    CcmHostCheck *c = check_with("domcaps-sev-es-exhausted-kvm.xml", "9.0.0", "kvm");
    g_assert_true(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV]);
    g_assert_false(c->libvirt.can_launch[CCM_GUEST_PLATFORM_SEV_ES]);
    g_assert_nonnull(strstr(c->libvirt.why_not[CCM_GUEST_PLATFORM_SEV_ES], "maxESGuests"));
    free_check(c);
}

static void test_domcaps_garbage(void)
{
    const char *bad[] = { "", "<capabilities/>", "not xml", "<domainCapabilities>" };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        CcmHostCheck *c = empty_check();
        g_assert_false(ccm_host_check_add_libvirt(c, "qemu:///system", v("9.0.0"), bad[i],
                                                  "kvm", &error));
        g_assert_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_LIBVIRT);
        g_assert_nonnull(strstr(error->message, "qemu:///system"));
        g_assert_cmpuint(c->items->len, ==, 0);
        g_assert_null(c->libvirt.source);
        free_check(c);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/libvirt/version-parse", test_version_parse);
    g_test_add_func("/libvirt/check-version", test_check_version);
    g_test_add_func("/libvirt/domcaps-bookworm-tcg", test_domcaps_bookworm_tcg);
    g_test_add_func("/libvirt/domcaps-snp-host", test_domcaps_snp_host);
    g_test_add_func("/libvirt/domcaps-tdx-host", test_domcaps_tdx_host);
    g_test_add_func("/libvirt/domcaps-no-es-slots", test_domcaps_no_es_slots);
    g_test_add_func("/libvirt/domcaps-garbage", test_domcaps_garbage);
    return g_test_run();
}
