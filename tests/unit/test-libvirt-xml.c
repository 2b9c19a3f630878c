/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-libvirt-xml.c - libvirt domain XML: write, read back, and the same VM both ways
 *
 * For every sample spec libvirt can express: spec -> plan -> XML -> spec -> plan -> XML
 * must give the same XML, the same QEMU command line (against QEMU 11.1's recorded
 * capabilities) and, for SEV guests, the same launch measurement. Bad XML must be
 * refused with the element and line named.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "libvirt-xml.h"
#include "plan-measure.h"
#include "qemu-argv.h"
#include "qemu-caps.h"

static char *data_dir;
static CcmQemuCaps *caps_11_1;

static CcmLaunchPlan *plan_of(CcmGuestSpec *spec)
{
    g_autoptr(GError) error = NULL;
    CcmLaunchPlan *plan = ccm_launch_plan_new(spec, NULL, &error);
    g_assert_no_error(error);
    return plan;
}

static char *argv_line(const CcmLaunchPlan *plan)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) argv = ccm_qemu_argv_render(plan, caps_11_1, NULL, &error);
    g_assert_no_error(error);
    return g_strjoinv(" ", (char **) argv->pdata);
}

static void test_round_trip(gconstpointer data)
{
    const char *spec_path = data;
    g_autoptr(GError) error = NULL;

    g_autoptr(CcmGuestSpec) spec1 = ccm_guest_spec_load(spec_path, &error);
    g_assert_no_error(error);
    g_autoptr(CcmLaunchPlan) plan1 = plan_of(g_steal_pointer(&spec1));
    g_autofree char *xml1 = ccm_libvirt_xml_write(plan1, &error);
    g_assert_no_error(error);

    g_autoptr(CcmGuestSpec) spec2 = ccm_libvirt_xml_read(xml1, strlen(xml1), "domain.xml", &error);
    g_assert_no_error(error);
    g_autoptr(CcmLaunchPlan) plan2 = plan_of(g_steal_pointer(&spec2));
    g_autofree char *xml2 = ccm_libvirt_xml_write(plan2, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(xml2, ==, xml1);

    /* The emulator path is absolute in the XML; compare the rest of the argv. */
    g_autofree char *argv1 = argv_line(plan1);
    g_autofree char *argv2 = argv_line(plan2);
    g_assert_cmpstr(strchr(argv2, ' '), ==, strchr(argv1, ' '));

    if (plan1->spec->platform == CCM_GUEST_PLATFORM_SEV ||
        plan1->spec->platform == CCM_GUEST_PLATFORM_SEV_ES ||
        plan1->spec->platform == CCM_GUEST_PLATFORM_SEV_SNP) {
        uint8_t d1[CCM_DIGEST_MAX_SIZE], d2[CCM_DIGEST_MAX_SIZE];
        size_t n1 = 0, n2 = 0;
        g_assert_true(ccm_launch_plan_measure(plan1, NULL, NULL, d1, &n1, &error));
        g_assert_true(ccm_launch_plan_measure(plan2, NULL, NULL, d2, &n2, &error));
        g_assert_cmpmem(d1, n1, d2, n2);
    }
}

static void expect_read_error(const char *xml, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(xml, strlen(xml), "bad.xml", &error);

    g_assert_null(spec);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, "bad.xml"));
    if (!strstr(error->message, needle))
        g_error("'%s' does not contain '%s'", error->message, needle);
}

#define DOMAIN_HEAD                                                                            \
    "<domain type='kvm'>\n<name>web1</name>\n<memory unit='KiB'>1048576</memory>\n"           \
    "<vcpu>2</vcpu>\n<os><type arch='x86_64' machine='q35'>hvm</type>"                         \
    "<loader type='rom'>/usr/share/ovmf/OVMF.fd</loader></os>\n"                               \
    "<cpu mode='custom'><model>EPYC-Milan</model></cpu>\n"

static void test_read_errors(void)
{
    expect_read_error("<domain", "not well-formed XML");
    expect_read_error("<vm/>", "the root element is not <domain>");
    expect_read_error("<domain type='xen'/>", "domain type 'xen' is neither kvm nor qemu");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='s390-pv'/></domain>",
                      "bad.xml:7: <launchSecurity>: launch security type 's390-pv' is not "
                      "supported");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev-snp'><policy>0x10000</policy>"
                                  "</launchSecurity></domain>",
                      "bad.xml:7: <policy>: bit 17 is reserved and must be 1");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev-snp'><policy>0x30000</policy>"
                                  "<hostData>AAAA</hostData></launchSecurity></domain>",
                      "<hostData>: expected base64 of exactly 32 bytes");
    expect_read_error("<domain type='kvm'><name>a</name><memory unit='PiB'>1</memory></domain>",
                      "<memory>: unit 'PiB' is not one of");
    expect_read_error("<domain type='kvm'><name>a b</name></domain>", "<name>: 'a b' is not a guest "
                                                                     "name");
    expect_read_error("<domain type='kvm'>\n<name>web1</name>\n<memory>1048576</memory>\n<os>"
                      "<type arch='x86_64'>hvm</type></os>\n<cpu mode='host-model'/>\n</domain>",
                      "bad.xml:5: <cpu>: CPU mode 'host-model' does not name one CPU model");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>"
                      "<vcpu>0</vcpu></domain>",
                      "<vcpu>: '0' is not a number from 1 to 4096");
}

/* An external entity must never be read (no network, no DTD, no substitution). */
static void test_no_external_entities(void)
{
    g_autofree char *dir = g_dir_make_tmp("ccm-xxe-XXXXXX", NULL);
    g_autofree char *secret = g_build_filename(dir, "secret", NULL);
    g_assert_true(g_file_set_contents(secret, "leaked", -1, NULL));
    g_autofree char *xml = g_strdup_printf(
        "<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>\n"
        "<domain type='kvm'><name>a&x;</name><memory>1048576</memory></domain>",
        secret);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(xml, strlen(xml), "xxe.xml", &error);

    /* Either refused, or read without the file's contents. */
    if (spec)
        g_assert_null(strstr(spec->name, "leaked"));
    else
        g_assert_null(strstr(error->message, "leaked"));
    g_unlink(secret);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *raw = g_test_build_filename(G_TEST_DIST, "..", "data", NULL);
    data_dir = g_canonicalize_filename(raw, NULL);

    g_autofree char *recording = g_build_filename(data_dir, "qmp", "11.1_x86_64.replies", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmQmpTranscript) t = ccm_qmp_transcript_load(recording, &error);
    g_assert_no_error(error);
    caps_11_1 = ccm_qemu_caps_from_transcript(t, &error);
    g_assert_no_error(error);

    const char *specs[] = { "replay/specs/none.guest", "replay/specs/sev.guest",
                            "replay/specs/sev-es.guest", "replay/specs/sev-snp.guest",
                            "replay/specs/sev-snp-idblock.guest", "libvirt/tdx.guest" };
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < G_N_ELEMENTS(specs); i++) {
        char *path = g_build_filename(data_dir, specs[i], NULL);
        g_ptr_array_add(paths, path);
        g_autofree char *name = g_strdup_printf("/libvirt-xml/round-trip/%s", specs[i]);
        g_test_add_data_func(name, path, test_round_trip);
    }
    g_test_add_func("/libvirt-xml/read-errors", test_read_errors);
    g_test_add_func("/libvirt-xml/no-external-entities", test_no_external_entities);
    int r = g_test_run();
    ccm_qemu_caps_free(caps_11_1);
    g_free(data_dir);
    return r;
}
