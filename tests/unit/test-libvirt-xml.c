/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-libvirt-xml.c - libvirt domain XML: write, read back, and the same VM both ways
 *
 * For every sample spec libvirt can express (tests/data/guests/): spec -> plan -> XML ->
 * spec -> plan -> XML must give the same XML, the same QEMU command line (against QEMU
 * 11.1's recorded capabilities) and, for SEV guests, the same launch measurement. What
 * libvirt cannot express must be refused by the writer; bad or unsupported XML must be
 * refused by the reader with the element and line named.
 */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ccm-autocleanups.h"
#include "libvirt-xml.h"
#include "expectation.h"
#include "qemu-argv.h"
#include "qemu-caps.h"

static char *data_dir;
static char *tmp_dir;
static CcmQemuCaps *caps_11_1;

/* ---- helpers --------------------------------------------------------------------- */

static CcmLaunchPlan *plan_in(CcmGuestSpec *spec, const char *const *firmware_dirs)
{
    g_autoptr(GError) error = NULL;
    CcmLaunchPlanOptions options = { .firmware_dirs = firmware_dirs };
    CcmLaunchPlan *plan = ccm_launch_plan_new(spec, &options, &error);
    g_assert_no_error(error);
    return plan;
}

static CcmLaunchPlan *plan_of(CcmGuestSpec *spec)
{
    return plan_in(spec, NULL);
}

/* A spec from text, as if it were the file tests/data/guests/NAME.guest. */
static CcmGuestSpec *spec_text(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(data_dir, "guests", "inline.guest", NULL);
    CcmGuestSpec *spec = ccm_guest_spec_parse(path, text, strlen(text), &error);
    g_assert_no_error(error);
    return spec;
}

static char *write_xml(const CcmLaunchPlan *plan)
{
    g_autoptr(GError) error = NULL;
    char *xml = ccm_libvirt_xml_write(plan, &error);
    g_assert_no_error(error);
    return xml;
}

static CcmGuestSpec *read_xml(const char *xml)
{
    g_autoptr(GError) error = NULL;
    CcmGuestSpec *spec = ccm_libvirt_xml_read(xml, strlen(xml), "domain.xml", &error);
    g_assert_no_error(error);
    return spec;
}

/* The argv after the emulator (whose path is absolute in the XML), or "error: " and the
 * message without the source it names (the spec file, or the XML). */
static char *argv_line(const CcmLaunchPlan *plan)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) argv = ccm_qemu_argv_render(plan, caps_11_1, NULL, &error);
    if (!argv) {
        const char *message = g_str_has_prefix(error->message, plan->spec->path)
                                  ? error->message + strlen(plan->spec->path)
                                  : error->message;
        return g_strconcat("error", message, NULL);
    }
    return g_strjoinv(" ", (char **) argv->pdata + 1);
}

/* Measured as SEV, SEV-ES or SEV-SNP (rehearsals included). */
static bool is_sev(const CcmLaunchPlan *plan)
{
    CcmGuestPlatform p = ccm_guest_spec_measured_platform(plan->spec);
    return p == CCM_GUEST_PLATFORM_SEV || p == CCM_GUEST_PLATFORM_SEV_ES ||
           p == CCM_GUEST_PLATFORM_SEV_SNP;
}

static void assert_same_measurement(const CcmLaunchPlan *plan1, const CcmLaunchPlan *plan2)
{
    g_autoptr(GError) error = NULL;

    g_autoptr(CcmExpectation) e1 = ccm_expectation_new(plan1, CCM_EXPECTATION_DEFAULT, &error);
    g_assert_no_error(error);
    g_autoptr(CcmExpectation) e2 = ccm_expectation_new(plan2, CCM_EXPECTATION_DEFAULT, &error);
    g_assert_no_error(error);
    const CcmExpectedValue *d1 = ccm_expectation_value(e1, "measurement");
    const CcmExpectedValue *d2 = ccm_expectation_value(e2, "measurement");
    g_assert_nonnull(d1);
    g_assert_nonnull(d2);
    g_assert_cmpmem(d1->value, d1->size, d2->value, d2->size);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}

/* ---- round trips ----------------------------------------------------------------- */

/* spec -> XML -> spec -> XML: the same XML, argv and measurement; returns the XML. */
static char *round_trip(CcmGuestSpec *spec, bool compare_argv)
{
    g_autoptr(CcmLaunchPlan) plan1 = plan_of(spec);
    char *xml1 = write_xml(plan1);
    g_autoptr(CcmLaunchPlan) plan2 = plan_of(read_xml(xml1));
    g_autofree char *xml2 = write_xml(plan2);

    g_assert_cmpstr(xml2, ==, xml1);
    g_assert_cmpint(plan2->spec->platform, ==, plan1->spec->platform);
    g_assert_cmpint(plan2->spec->rehearses, ==, plan1->spec->rehearses);
    if (compare_argv) {
        g_autofree char *argv1 = argv_line(plan1);
        g_autofree char *argv2 = argv_line(plan2);
        g_test_message("argv: %s", argv1);
        g_assert_cmpstr(argv2, ==, argv1);
    }
    if (is_sev(plan1))
        assert_same_measurement(plan1, plan2);
    return xml1;
}

static void test_round_trip(gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CcmGuestSpec *spec = ccm_guest_spec_load(data, &error);
    g_assert_no_error(error);
    g_autofree char *xml = round_trip(spec, true);
    g_test_message("%s", xml);
}

/* What each sample must say in libvirt's words. */
static void test_sample_details(void)
{
    g_autofree char *dir = g_build_filename(data_dir, "guests", NULL);
    struct {
        const char *file, *needle;
    } expect[] = {
        { "none.guest", "<domain type=\"qemu\">" },
        { "none.guest", "<cpu mode=\"maximum\"/>" },
        { "none.guest", "<target dev=\"tap-plain1\" managed=\"no\"/>" },
        { "none.guest", "<readonly/>" },
        { "sev.guest", "<launchSecurity type=\"sev\" kernelHashes=\"yes\">" },
        { "sev.guest", "<policy>0x0003</policy>" },
        { "sev.guest", "<driver name=\"qemu\" type=\"qcow2\" iommu=\"on\"/>" },
        { "sev.guest", "<model fallback=\"forbid\">EPYC-Milan</model>" },
        { "sev-es.guest", "<launchSecurity type=\"sev\">\n    <policy>0x0005</policy>" },
        { "sev-snp.guest",
          "<launchSecurity type=\"sev-snp\" kernelHashes=\"yes\" authorKey=\"yes\" vcek=\"no\">" },
        { "sev-snp.guest", "<hostData>EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8=</hostData>" },
        { "sev-snp.guest", "<guestVisibleWorkarounds>paWlpaWlpaWlpaWlpaWlpQ==<" },
        { "sev-snp.guest", "<idBlock>AAECAwQF" },
        { "sev-snp.guest", "<idAuth>AQAAAAEAAAA" },
        { "sev-snp.guest", "<policy>0x00030000</policy>" },
        { "tdx.guest", "<policy>0x10000000</policy>" },
        { "tdx.guest", "<pmu state=\"off\"/>" },
        { "tdx.guest", "<ioapic driver=\"qemu\"/>" },
        { "tdx.guest", "<cpu mode=\"host-passthrough\"/>" },
        { "tdx.guest", "<quoteGenerationService path=\"/var/run/tdx-qgs/qgs.socket\"/>" },
        { "tdx.guest", "<mrOwnerConfig>AwMD" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = g_build_filename(dir, expect[i].file, NULL);
        g_autoptr(CcmLaunchPlan) plan = plan_of(ccm_guest_spec_load(path, &error));
        g_assert_no_error(error);
        g_autofree char *xml = write_xml(plan);
        assert_contains(xml, expect[i].needle);
    }
}

/* The spec has no C-bit position: libvirt takes it from the host (domain capabilities). */
static void test_no_cbitpos(void)
{
    g_autofree char *xml = round_trip(spec_text("[Guest]\nPlatform=sev-snp\nCPUModel=EPYC-Milan\n"
                                                "Firmware=../snp/fixtures-sev-snp-measure/"
                                                "ovmf_AmdSev_suffix.bin\n"),
                                      false);
    g_assert_null(strstr(xml, "cbitpos"));
    g_assert_null(strstr(xml, "reducedPhysBits"));
}

static char *write_key(const char *name)
{
    g_autoptr(EVP_PKEY) key = EVP_EC_gen("P-384");
    g_assert_nonnull(key);
    char *path = g_build_filename(tmp_dir, name, NULL);
    FILE *f = fopen(path, "w");
    g_assert_nonnull(f);
    g_assert_true(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    return path;
}

/* IdKey=: the writer signs the ID block over the plan's measurement; reading the XML
 * back gives a ready-made block that writes the same XML. */
static void test_id_key(gconstpointer data)
{
    bool with_author = GPOINTER_TO_INT(data);
    g_autofree char *id_key = write_key("id.pem");
    g_autofree char *author_key = write_key("author.pem");
    g_autofree char *text = g_strdup_printf(
        "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC-Milan\nVCPUs=2\n"
        "Firmware=../snp/fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin\n"
        "Kernel=../snp/inputs/empty.bin\nCmdline=quiet\n"
        "[SEV-SNP]\nCBitPos=51\nReducedPhysBits=1\nIdKey=%s\n%s%s%s",
        id_key, with_author ? "AuthorKey=" : "", with_author ? author_key : "",
        with_author ? "\n" : "");

    /* The signature is randomised: compare XML and digests, not the argv's id-auth. */
    g_autofree char *xml = round_trip(spec_text(text), false);
    assert_contains(xml, "<idBlock>");
    assert_contains(xml, "<idAuth>");
    if (with_author)
        assert_contains(xml, "authorKey=\"yes\"");
    else
        g_assert_null(strstr(xml, "authorKey"));

    g_autoptr(CcmGuestSpec) back = read_xml(xml);
    g_assert_nonnull(back->snp.id_block);
    g_assert_null(back->snp.id_key);
}

static void write_file(const char *path, const char *text)
{
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* Firmware from a pflash descriptor: written as pflash + NVRAM template; read back as
 * Firmware= (the same image, measured the same; ccm's own renderer loads it with -bios). */
static void test_pflash(void)
{
    g_autofree char *fw_dir = g_build_filename(tmp_dir, "firmware", NULL);
    g_autofree char *vars = g_build_filename(tmp_dir, "VARS.fd", NULL);
    g_autofree char *code = g_build_filename(data_dir, "snp", "fixtures-sev-snp-measure",
                                             "ovmf_AmdSev_suffix.bin", NULL);
    g_autofree char *descriptor = g_build_filename(fw_dir, "60-test.json", NULL);
    g_autofree char *json = g_strdup_printf(
        "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\", "
        "\"executable\": {\"filename\": \"%s\", \"format\": \"raw\"}, "
        "\"nvram-template\": {\"filename\": \"%s\", \"format\": \"raw\"}}, "
        "\"targets\": [{\"architecture\": \"x86_64\", \"machines\": [\"pc-q35-*\"]}], "
        "\"features\": [\"amd-sev\"], \"tags\": []}",
        code, vars);
    g_assert_cmpint(g_mkdir_with_parents(fw_dir, 0700), ==, 0);
    write_file(vars, "vars");
    write_file(descriptor, json);

    const char *const dirs[] = { fw_dir, NULL };
    g_autoptr(CcmLaunchPlan) plan1 =
        plan_in(spec_text("[Guest]\nPlatform=sev\nCPUModel=EPYC-Milan\n[SEV]\nCBitPos=51\n"
                          "ReducedPhysBits=1\n"),
                dirs);
    g_assert_true(plan1->firmware->flash);
    g_autofree char *xml = write_xml(plan1);
    g_autofree char *loader = g_strdup_printf(
        "<loader readonly=\"yes\" type=\"pflash\">%s</loader>\n    <nvram template=\"%s\"/>",
        code, vars);
    assert_contains(xml, loader);

    g_autoptr(CcmLaunchPlan) plan2 = plan_in(read_xml(xml), dirs);
    g_assert_cmpstr(plan2->spec->firmware, ==, code);
    g_assert_false(plan2->firmware->flash);
    assert_same_measurement(plan1, plan2);
    g_unlink(descriptor);
    g_unlink(vars);
    g_rmdir(fw_dir);
}

/* ---- writer refusals ------------------------------------------------------------- */

static void expect_write_error(const char *text, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmLaunchPlan) plan = plan_of(spec_text(text));
    g_autofree char *xml = ccm_libvirt_xml_write(plan, &error);

    g_assert_null(xml);
    g_assert_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED);
    g_test_message("%s", error->message);
    assert_contains(error->message, needle);
}

#define FW "Firmware=../snp/fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin\n"

static void test_write_errors(void)
{
    expect_write_error("[Guest]\nPlatform=cca\n" FW,
                       "libvirt has no Arm CCA launch security (type='cca' is not in libvirt "
                       "12.8;");
    /* A realm that boots its kernel directly has no firmware: still the CCA refusal. */
    expect_write_error("[Guest]\nPlatform=cca\nKernel=/boot/Image\n",
                       "libvirt has no Arm CCA launch security");
    expect_write_error("[Guest]\nPlatform=tdx\n" FW "[TDX]\nAttributes=0x50000000\n",
                       "[TDX] Attributes=: libvirt accepts only bits 0 (debug) and 28");
    expect_write_error("[Guest]\nPlatform=tdx\n" FW "[TDX]\nQuoteGenerationSocket=vsock:2:4050\n",
                       "[TDX] QuoteGenerationSocket=: libvirt reaches the quote service over a "
                       "unix socket only");
    expect_write_error("[Guest]\nPlatform=sev-es\nCPUModel=EPYC-Milan\n" FW
                       "[SEV]\nLegacyVMType=off\n",
                       "[SEV] LegacyVMType=: libvirt has no setting");
    expect_write_error("[Guest]\nPlatform=sev-snp\nCPUModel=EPYC-Milan\n" FW
                       "[SEV-SNP]\nGuestFeatures=0x3\n",
                       "[SEV-SNP] GuestFeatures=");
}

/* ---- reader ---------------------------------------------------------------------- */

static void expect_read_error(const char *xml, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(xml, strlen(xml), "bad.xml", &error);

    if (spec)
        g_error("read, but expected an error containing '%s':\n%s", needle, xml);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, "bad.xml"));
    assert_contains(error->message, needle);
}

#define DOMAIN_HEAD                                                                            \
    "<domain type='kvm'>\n<name>web1</name>\n<memory unit='KiB'>1048576</memory>\n"           \
    "<vcpu>2</vcpu>\n<os><type arch='x86_64' machine='q35'>hvm</type>"                         \
    "<loader type='rom'>/usr/share/ovmf/OVMF.fd</loader></os>\n"                               \
    "<cpu mode='custom'><model>EPYC-Milan</model></cpu>\n"

#define TDX_HEAD                                                                               \
    "<domain type='kvm'>\n<name>td1</name>\n<memory unit='GiB'>4</memory>\n"                 \
    "<os><type arch='x86_64' machine='q35'>hvm</type>"                                         \
    "<loader type='rom'>/usr/share/ovmf/OVMF.inteltdx.fd</loader></os>\n"

/* A rehearsal's metadata: the rehearsed <launchSecurity> in ccm's namespace, read by the
 * same code as libvirt's own element. */
static void test_rehearsal(void)
{
    g_autoptr(GError) error = NULL;
    const char *tail = "<features><acpi/></features>\n<devices><emulator>/usr/bin/qemu-system-x86_64"
                       "</emulator></devices>\n</domain>\n";
    g_autofree char *snp = g_strconcat(
        DOMAIN_HEAD,
        "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'>"
        "<ccm:rehearses type='sev-snp'><ccm:policy>0x30000</ccm:policy>"
        "<ccm:hostData>EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8=</ccm:hostData>"
        "</ccm:rehearses></ccm:guest></metadata>\n",
        tail, NULL);
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(snp, strlen(snp), "r.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpint(spec->platform, ==, CCM_GUEST_PLATFORM_NONE);
    g_assert_cmpint(spec->rehearses, ==, CCM_GUEST_PLATFORM_SEV_SNP);
    g_assert_cmpint(ccm_guest_spec_measured_platform(spec), ==, CCM_GUEST_PLATFORM_SEV_SNP);
    g_assert_cmphex(spec->snp.policy, ==, 0x30000);
    g_assert_nonnull(spec->snp.host_data);
    g_assert_cmpuint(g_bytes_get_size(spec->snp.host_data), ==, 32);
    g_assert_false(spec->snp.kernel_hashes);

    /* A TDX rehearsal needs no <pmu state='off'/>: TCG sets no TD attributes. */
    g_autofree char *td = g_strconcat(
        TDX_HEAD,
        "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'>"
        "<ccm:rehearses type='tdx'><ccm:policy>0x10000000</ccm:policy></ccm:rehearses>"
        "</ccm:guest></metadata>\n",
        tail, NULL);
    g_autoptr(CcmGuestSpec) td_spec = ccm_libvirt_xml_read(td, strlen(td), "td.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpint(td_spec->rehearses, ==, CCM_GUEST_PLATFORM_TDX);
    g_assert_cmphex(td_spec->tdx.attributes, ==, 0x10000000);

    /* Other namespaces' metadata is not ccm's affair. */
    g_autofree char *other = g_strconcat(
        DOMAIN_HEAD, "<metadata><x:app xmlns:x='urn:example'><x:rehearses type='tdx'/></x:app>"
                     "</metadata>\n", tail, NULL);
    g_autoptr(CcmGuestSpec) plain = ccm_libvirt_xml_read(other, strlen(other), "o.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpint(plain->rehearses, ==, CCM_GUEST_PLATFORM_NONE);

    /* Errors: an unknown ccm element, an unknown or missing type, a rehearsal beside a
     * real <launchSecurity>, libvirt's own elements outside ccm's namespace. */
    g_autofree char *unknown = g_strconcat(
        DOMAIN_HEAD, "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'><ccm:identity>AA=="
                     "</ccm:identity></ccm:guest></metadata>\n", tail, NULL);
    expect_read_error(unknown, "<ccm:identity> is not an element of ccm's metadata");
    g_autofree char *cca = g_strconcat(
        DOMAIN_HEAD, "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'>"
                     "<ccm:rehearses type='cca'/></ccm:guest></metadata>\n", tail, NULL);
    expect_read_error(cca, "rehearsed launch security type 'cca' is not supported");
    g_autofree char *both = g_strconcat(
        DOMAIN_HEAD, "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'>"
                     "<ccm:rehearses type='sev-snp'><ccm:policy>0x30000</ccm:policy>"
                     "</ccm:rehearses></ccm:guest></metadata>\n"
                     "<launchSecurity type='sev'><policy>0x1</policy></launchSecurity>\n",
        tail, NULL);
    expect_read_error(both, "<ccm:rehearses> is for a domain without launch security");
    g_autofree char *mixed = g_strconcat(
        DOMAIN_HEAD, "<metadata><ccm:guest xmlns:ccm='urn:ccm:domain:1'>"
                     "<ccm:rehearses type='sev-snp'><policy>0x30000</policy>"
                     "</ccm:rehearses></ccm:guest></metadata>\n", tail, NULL);
    expect_read_error(mixed, "type 'sev-snp' needs a <policy>");
}

static void test_read_errors(void)
{
    expect_read_error("<domain", "not well-formed XML");
    expect_read_error("<vm/>", "the root element is not <domain>");
    expect_read_error("<domain type='xen'/>", "domain type 'xen' is neither kvm nor qemu");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='s390-pv'/></domain>",
                      "bad.xml:7: <launchSecurity>: launch security type 's390-pv' is not "
                      "supported");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='cca'/></domain>",
                      "launch security type 'cca' is not supported");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev'><cbitpos>51</cbitpos>"
                                  "</launchSecurity></domain>",
                      "bad.xml:7: <launchSecurity>: type 'sev' needs a <policy>");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev'><policy>zz</policy>"
                                  "</launchSecurity></domain>",
                      "bad.xml:7: <policy>: 'zz' is not a number");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev' kernelHashes='maybe'><policy>0x1"
                                  "</policy></launchSecurity></domain>",
                      "<launchSecurity>: 'maybe' is not a boolean");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev-snp'><policy>0x10000</policy>"
                                  "</launchSecurity></domain>",
                      "bad.xml:7: <policy>: bit 17 is reserved and must be 1");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev-snp'><policy>0x30000</policy>"
                                  "<hostData>AAAA</hostData></launchSecurity></domain>",
                      "<hostData>: expected base64 of exactly 32 bytes");
    expect_read_error(DOMAIN_HEAD "<launchSecurity type='sev-snp' kernelHashes='yes'><policy>"
                                  "0x30000</policy></launchSecurity></domain>",
                      "measures the kernel, initrd and command line: give Kernel= too");
    expect_read_error("<domain type='kvm'><name>a</name><memory unit='PiB'>1</memory></domain>",
                      "<memory>: unit 'PiB' is not one of libvirt's units");
    expect_read_error("<domain type='kvm'><name>a</name><memory>lots</memory></domain>",
                      "<memory>: 'lots' is not a whole number of KiB");
    expect_read_error("<domain type='kvm'><name>a</name><memory unit='b'>1000000000</memory>"
                      "</domain>",
                      "<memory>: 1000000000 b is not a whole number of KiB");
    expect_read_error("<domain type='kvm'><name>a b</name></domain>",
                      "<name>: 'a b' is not a guest name");
    expect_read_error("<domain type='kvm'>\n<name>web1</name>\n<memory>1048576</memory>\n<os>"
                      "<type arch='x86_64'>hvm</type></os>\n<cpu mode='host-model'/>\n</domain>",
                      "bad.xml:5: <cpu>: CPU mode 'host-model' does not name one CPU model");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>"
                      "<vcpu>0</vcpu></domain>",
                      "<vcpu>: '0' is not a number from 1 to 4096");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>\n"
                      "<vcpu current='1'>2</vcpu></domain>",
                      "bad.xml:2: <vcpu>: current='1' below the maximum 2 (vCPU hotplug)");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>"
                      "<os><type arch='aarch64' machine='virt'>hvm</type></os></domain>",
                      "<type>: architecture 'aarch64'");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>"
                      "<os><type arch='x86_64'>hvm</type><loader type='pflash' format='qcow2'>"
                      "/x/OVMF_CODE.qcow2</loader></os></domain>",
                      "<loader>: format='qcow2': ccm measures the bytes of raw firmware images");
    expect_read_error("<domain type='kvm'><name>a</name><memory>1048576</memory>"
                      "<os><type arch='x86_64'>hvm</type></os><devices><interface type='ethernet'>"
                      "<target dev='../eth0'/></interface></devices></domain>",
                      "<target>: '../eth0' is not a network interface name");

    /* libvirt's QEMU pass-through can change anything. */
    expect_read_error("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
                      "<name>a</name><memory>1048576</memory>\n<qemu:commandline>"
                      "<qemu:arg value='-bios'/><qemu:arg value='/tmp/other.fd'/>"
                      "</qemu:commandline></domain>",
                      "bad.xml:2: <commandline>: libvirt's QEMU pass-through (commandline)");

    /* TDX: the PMU and the attribute bits libvirt passes. */
    expect_read_error(TDX_HEAD "<launchSecurity type='tdx'/></domain>",
                      "bad.xml:5: <launchSecurity>: TDX guests need <features><pmu "
                      "state='off'/>");
    expect_read_error(TDX_HEAD "<features><pmu state='off'/></features>\n<launchSecurity "
                               "type='tdx'>\n<policy>0x40000000</policy></launchSecurity></domain>",
                      "bad.xml:7: <policy>: 0x40000000: libvirt accepts only bits 0 (debug) and "
                      "28");
    expect_read_error(TDX_HEAD "<features><pmu state='off'/></features><cpu mode='custom'><model>"
                               "SapphireRapids</model></cpu><launchSecurity type='tdx'/></domain>",
                      "TDX guests run with -cpu host only");

    /* authorKey= must agree with the ID authentication structure. */
    uint8_t block[96] = { 0 }, auth[4096] = { 0 };
    auth[0] = 1; /* ID key algorithm, no author key */
    g_autofree char *b64_block = g_base64_encode(block, sizeof(block));
    g_autofree char *b64_auth = g_base64_encode(auth, sizeof(auth));
    g_autofree char *snp = g_strdup_printf(
        DOMAIN_HEAD "<launchSecurity type='sev-snp' authorKey='yes'><policy>0x30000</policy>"
                    "<idBlock>%s</idBlock><idAuth>%s</idAuth></launchSecurity></domain>",
        b64_block, b64_auth);
    expect_read_error(snp, "bad.xml:7: <launchSecurity>: authorKey='yes' contradicts <idAuth>, "
                           "which does not hold an author key");
    g_autofree char *half = g_strdup_printf(
        DOMAIN_HEAD "<launchSecurity type='sev-snp'><policy>0x30000</policy>"
                    "<idBlock>%s</idBlock></launchSecurity></domain>",
        b64_block);
    expect_read_error(half, "<idBlock>: IdBlock= and IdAuth= go together");
}

static void test_read_limits(void)
{
    g_autoptr(GError) error = NULL;
    size_t size = CCM_LIBVIRT_XML_MAX_SIZE + 1;
    g_autofree char *big = g_malloc(size);
    memset(big, ' ', size);
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(big, size, "big.xml", &error);

    g_assert_null(spec);
    assert_contains(error->message, "big.xml: 4194305 bytes, larger than any domain XML");
}

/* No DOCTYPE at all, so no external entity is ever read (no network, no substitution). */
static void test_no_external_entities(void)
{
    g_autofree char *secret = g_build_filename(tmp_dir, "secret", NULL);
    write_file(secret, "leaked");
    g_autofree char *xml = g_strdup_printf(
        "<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>\n"
        "<domain type='kvm'><name>a&x;</name><memory>1048576</memory></domain>",
        secret);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(xml, strlen(xml), "xxe.xml", &error);

    g_assert_null(spec);
    g_assert_null(strstr(error->message, "leaked"));
    assert_contains(error->message, "xxe.xml: a <!DOCTYPE> is not accepted");
    g_unlink(secret);
}

/* The shapes libvirt itself writes (after define, as hooks see it), not only ours. */
static void test_read_libvirt_shapes(void)
{
    const char *snp =
        "<domain type='kvm' id='3'>\n"
        "  <name>snp-web</name>\n"
        "  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n"
        "  <memory unit='GiB'>4</memory>\n"
        "  <currentMemory unit='KiB'>4194304</currentMemory>\n"
        "  <memoryBacking><source type='memfd'/><access mode='private'/></memoryBacking>\n"
        "  <vcpu placement='static'>4</vcpu>\n"
        "  <os firmware='efi'>\n"
        "    <type arch='x86_64' machine='pc-q35-10.0'>hvm</type>\n"
        "    <firmware><feature enabled='no' name='secure-boot'/></firmware>\n"
        "    <loader readonly='yes' type='pflash' stateless='yes' format='raw'>"
        "/usr/share/OVMF/OVMF.amdsev.fd</loader>\n"
        "    <kernel>/var/lib/images/vmlinuz</kernel>\n"
        "    <boot dev='hd'/>\n"
        "  </os>\n"
        "  <features><acpi/><apic/><smm state='off'/></features>\n"
        "  <cpu mode='custom' match='exact' check='full'>\n"
        "    <model fallback='forbid'>EPYC-Genoa</model>\n"
        "    <topology sockets='1' dies='1' clusters='1' cores='4' threads='1'/>\n"
        "    <feature policy='require' name='x2apic'/>\n"
        "  </cpu>\n"
        "  <clock offset='utc'/>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "    <disk type='file' device='disk'>\n"
        "      <driver name='qemu' type='qcow2' iommu='on'/>\n"
        "      <source file='/var/lib/images/web.qcow2' index='1'/>\n"
        "      <target dev='vda' bus='virtio'/>\n"
        "      <alias name='virtio-disk0'/>\n"
        "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
        "    </disk>\n"
        "    <disk type='file' device='cdrom'>\n"
        "      <source file='/var/lib/images/seed.iso'/><target dev='sda' bus='sata'/>\n"
        "    </disk>\n"
        "    <controller type='pci' index='0' model='pcie-root'/>\n"
        "    <interface type='network'><source network='default'/></interface>\n"
        "    <interface type='ethernet'><target dev='vnet3' managed='no'/>"
        "<model type='virtio'/></interface>\n"
        "    <serial type='pty'><target port='0'/></serial>\n"
        "    <console type='pty'/>\n"
        "    <graphics type='vnc' port='-1'/>\n"
        "  </devices>\n"
        "  <launchSecurity type='sev-snp' vcek='yes'>\n"
        "    <cbitpos>51</cbitpos>\n"
        "    <reducedPhysBits>1</reducedPhysBits>\n"
        "    <policy>0x00030000</policy>\n"
        "  </launchSecurity>\n"
        "</domain>\n";
    g_autoptr(CcmGuestSpec) spec = read_xml(snp);

    g_assert_cmpstr(spec->name, ==, "snp-web");
    g_assert_cmpint(spec->platform, ==, CCM_GUEST_PLATFORM_SEV_SNP);
    g_assert_cmpuint(spec->memory, ==, UINT64_C(4) << 30);
    g_assert_cmpuint(spec->vcpus, ==, 4);
    g_assert_cmpstr(spec->machine, ==, "pc-q35-10.0");
    g_assert_cmpstr(spec->firmware, ==, "/usr/share/OVMF/OVMF.amdsev.fd");
    g_assert_cmpstr(spec->kernel, ==, "/var/lib/images/vmlinuz");
    g_assert_cmpstr(spec->cpu_model, ==, "EPYC-Genoa");
    g_assert_cmpuint(spec->cpu_signature, !=, 0);
    g_assert_cmpuint(spec->disks->len, ==, 1);
    const CcmGuestDisk *disk = spec->disks->pdata[0];
    g_assert_cmpstr(disk->path, ==, "/var/lib/images/web.qcow2");
    g_assert_cmpstr(disk->format, ==, "qcow2");
    g_assert_cmpint(spec->network, ==, CCM_NETWORK_TAP);
    g_assert_cmpstr(spec->network_ifname, ==, "vnet3");
    g_assert_null(spec->serial_log);
    g_assert_cmpstr(spec->qemu, ==, "/usr/bin/qemu-system-x86_64");
    g_assert_cmpstr(spec->accelerator, ==, "kvm");
    /* No kernelHashes=: libvirt passes none and QEMU's default is off, although a spec
     * file with Kernel= would default to on. */
    g_assert_false(spec->snp.kernel_hashes);
    g_assert_true(spec->snp.vcek);
    g_assert_cmpuint(spec->snp.policy, ==, 0x30000);
    g_assert_cmpuint(spec->snp.cbitpos, ==, 51);
    unsigned line = 0;
    g_assert_true(ccm_guest_spec_given(spec, "SEV-SNP", "Policy", &line));
    g_assert_cmpuint(line, ==, 44);
    g_assert_false(ccm_guest_spec_given(spec, "SEV-SNP", "HostData", NULL));

    /* SEV-ES by policy bit 2, and libvirt's default quote service socket for TDX. */
    g_autoptr(CcmGuestSpec) es = read_xml(DOMAIN_HEAD "<launchSecurity type='sev'><policy>0x0005"
                                                      "</policy></launchSecurity></domain>");
    g_assert_cmpint(es->platform, ==, CCM_GUEST_PLATFORM_SEV_ES);
    g_autoptr(CcmGuestSpec) td = read_xml(TDX_HEAD "<features><pmu state='off'/></features>"
                                                   "<launchSecurity type='tdx'>"
                                                   "<quoteGenerationService/></launchSecurity>"
                                                   "</domain>");
    g_assert_cmpstr(td->tdx.quote_generation_socket, ==, "/var/run/tdx-qgs/qgs.socket");
    g_assert_cmpuint(td->tdx.attributes, ==, 0x10000000); /* QEMU's default */
    g_assert_true(td->tdx.sept_ve_disable);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *raw = g_test_build_filename(G_TEST_DIST, "..", "data", NULL);
    data_dir = g_canonicalize_filename(raw, NULL);
    tmp_dir = g_dir_make_tmp("ccm-libvirt-xml-XXXXXX", NULL);
    g_assert_nonnull(tmp_dir);

    g_autofree char *recording = g_build_filename(data_dir, "qmp", "11.1_x86_64.replies", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmQmpTranscript) t = ccm_qmp_transcript_load(recording, &error);
    g_assert_no_error(error);
    caps_11_1 = ccm_qemu_caps_from_transcript(t, &error);
    g_assert_no_error(error);

    const char *samples[] = { "none", "sev", "sev-es", "sev-snp", "tdx", "rehearsal-sev-snp" };
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
        g_autofree char *file = g_strconcat(samples[i], ".guest", NULL);
        char *path = g_build_filename(data_dir, "guests", file, NULL);
        g_ptr_array_add(paths, path);
        g_autofree char *name = g_strdup_printf("/libvirt-xml/round-trip/%s", samples[i]);
        g_test_add_data_func(name, path, test_round_trip);
    }
    g_test_add_func("/libvirt-xml/sample-details", test_sample_details);
    g_test_add_func("/libvirt-xml/no-cbitpos", test_no_cbitpos);
    g_test_add_data_func("/libvirt-xml/id-key", GINT_TO_POINTER(0), test_id_key);
    g_test_add_data_func("/libvirt-xml/id-key-author-key", GINT_TO_POINTER(1), test_id_key);
    g_test_add_func("/libvirt-xml/pflash", test_pflash);
    g_test_add_func("/libvirt-xml/write-errors", test_write_errors);
    g_test_add_func("/libvirt-xml/read-errors", test_read_errors);
    g_test_add_func("/libvirt-xml/rehearsal", test_rehearsal);
    g_test_add_func("/libvirt-xml/read-limits", test_read_limits);
    g_test_add_func("/libvirt-xml/read-libvirt-shapes", test_read_libvirt_shapes);
    g_test_add_func("/libvirt-xml/no-external-entities", test_no_external_entities);
    int r = g_test_run();

    g_autofree char *id_pem = g_build_filename(tmp_dir, "id.pem", NULL);
    g_autofree char *author_pem = g_build_filename(tmp_dir, "author.pem", NULL);
    g_unlink(id_pem);
    g_unlink(author_pem);
    g_rmdir(tmp_dir);
    ccm_qemu_caps_free(caps_11_1);
    g_free(tmp_dir);
    g_free(data_dir);
    return r;
}
