/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-guest-spec.c - guest spec parsing: every kind of key, and every kind of mistake
 *
 * Each error must name the file, the line and the key, and say what was expected.
 */
#include <string.h>

#include "guest-spec.h"

#define SPEC_PATH "/etc/ccmd/guests/web1.guest"
#define A128 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static CcmGuestSpec *parse(const char *text, GError **error)
{
    return ccm_guest_spec_parse(SPEC_PATH, text, strlen(text), error);
}

static void expect_error_n(const char *text, size_t size, const char *prefix,
                           const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_parse(SPEC_PATH, text, size, &error);

    if (spec)
        g_error("parsed, but expected an error containing '%s':\n%s", needle, text);
    g_assert_error(error, CCM_KEYFILE_ERROR, error->code);
    g_test_message("%s", error->message);
    if (!g_str_has_prefix(error->message, prefix))
        g_error("message '%s' does not start with '%s'", error->message, prefix);
    if (!strstr(error->message, needle))
        g_error("message '%s' does not contain '%s'", error->message, needle);
}

static void expect_error(const char *text, const char *prefix, const char *needle)
{
    expect_error_n(text, strlen(text), prefix, needle);
}

static void test_minimal_defaults(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = parse("[Guest]\nFirmware=OVMF.fd\n", &error);

    g_assert_no_error(error);
    g_assert_cmpstr(spec->name, ==, "web1"); /* from the file name */
    g_assert_cmpint(spec->platform, ==, CCM_GUEST_PLATFORM_NONE);
    g_assert_cmpuint(spec->vcpus, ==, 1);
    g_assert_cmpuint(spec->memory, ==, 1u << 30);
    g_assert_cmpstr(spec->firmware, ==, "/etc/ccmd/guests/OVMF.fd"); /* relative to the spec */
    g_assert_cmpint(spec->network, ==, CCM_NETWORK_NONE);
    g_assert_cmpuint(spec->disks->len, ==, 0);
    g_assert_cmpint(spec->on_drift, ==, CCM_ON_DRIFT_REGISTER_BOTH);
}

static void test_on_drift(void)
{
    static const struct {
        const char *value;
        CcmOnDrift policy;
    } cases[] = {
        { "register-both", CCM_ON_DRIFT_REGISTER_BOTH },
        { "alert", CCM_ON_DRIFT_ALERT },
        { "refuse", CCM_ON_DRIFT_REFUSE },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = g_strdup_printf("[Guest]\nOnDrift=%s\n", cases[i].value);
        g_autoptr(CcmGuestSpec) spec = parse(text, &error);
        g_assert_no_error(error);
        g_assert_cmpint(spec->on_drift, ==, cases[i].policy);
        g_assert_cmpstr(ccm_on_drift_to_string(spec->on_drift), ==, cases[i].value);
    }
    expect_error("[Guest]\nOnDrift=ignore\n", SPEC_PATH ":2: [Guest] OnDrift=:",
                 "expected register-both, alert or refuse");
}

/* A spec named by a relative path resolves its own relative paths against its folder
 * (this used to hit a GLib assertion). */
static void test_relative_spec_path(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_parse(
        "guests/web1.guest", "[Guest]\nKernel=vmlinuz\n", 22, &error);
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *expected = g_build_filename(cwd, "guests", "vmlinuz", NULL);

    g_assert_no_error(error);
    g_assert_cmpstr(spec->kernel, ==, expected);
}

static void test_full_snp(void)
{
    static const char text[] =
        "# comment\n"
        "; another\n"
        "[Guest]\n"
        "Name = web-1.example\n"
        "Platform=sev-snp\n"
        "VCPUs=0x4\n"
        "CPUModel=EPYC-Milan\n"
        "Memory=4G\n"
        "Firmware=/usr/share/ovmf/OVMF.amdsev.fd\n"
        "Kernel=images/vmlinuz\n"
        "Initrd=/boot/initrd.img\n"
        "Cmdline=console=ttyS0 root=/dev/vda1 ro\n"
        "Disk=/var/lib/ccmd/web1/root.qcow2\n"
        "Disk=/var/lib/ccmd/web1/data.img, format=raw, readonly=yes\n"
        "Network=tap:tap-web1\n"
        "SerialLog=/run/ccmd/web1.log\n"
        "\n"
        "[SEV-SNP]\n"
        "Policy=0x30000\n"
        "HostData=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"
        "VCEK=no\n"
        "CBitPos=51\n"
        "ReducedPhysBits=1\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec = parse(text, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(spec->name, ==, "web-1.example");
    g_assert_cmpint(spec->platform, ==, CCM_GUEST_PLATFORM_SEV_SNP);
    g_assert_cmpuint(spec->vcpus, ==, 4);
    g_assert_cmphex(spec->cpu_signature, ==, 0xa00f11);
    g_assert_cmpuint(spec->memory, ==, G_GUINT64_CONSTANT(4) << 30);
    g_assert_cmpstr(spec->kernel, ==, "/etc/ccmd/guests/images/vmlinuz");
    g_assert_cmpuint(spec->disks->len, ==, 2);
    const CcmGuestDisk *d0 = spec->disks->pdata[0], *d1 = spec->disks->pdata[1];
    g_assert_cmpstr(d0->format, ==, "qcow2");
    g_assert_false(d0->readonly);
    g_assert_cmpstr(d1->format, ==, "raw");
    g_assert_true(d1->readonly);
    g_assert_cmpint(spec->network, ==, CCM_NETWORK_TAP);
    g_assert_cmpstr(spec->network_ifname, ==, "tap-web1");
    g_assert_true(spec->snp.kernel_hashes); /* default with a kernel */
    g_assert_false(spec->snp.vcek);
    g_assert_cmpuint(g_bytes_get_size(spec->snp.host_data), ==, 32);
    g_assert_cmpuint(spec->snp.cbitpos, ==, 51);
    unsigned line = 0;
    g_assert_true(ccm_guest_spec_given(spec, "SEV-SNP", "VCEK", &line));
    g_assert_cmpuint(line, ==, 21);
}

static void test_sev_defaults(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) es = parse("[Guest]\nPlatform=sev-es\nCPUModel=EPYC\n", &error);
    g_assert_no_error(error);
    g_assert_cmphex(es->sev.policy, ==, 0x5);
    g_assert_false(es->sev.kernel_hashes);
    g_autoptr(CcmGuestSpec) sev = parse("[Guest]\nPlatform=sev\nCPUModel=EPYC\n", &error);
    g_assert_no_error(error);
    g_assert_cmphex(sev->sev.policy, ==, 0x1);
}

static void test_syntax_errors(void)
{
    expect_error("Name=x\n", SPEC_PATH ":1:", "Name= comes before any [Section]");
    expect_error("[Guest]\nthis is not a key\n", SPEC_PATH ":2:",
                 "is neither Key=Value, a [Section] nor a comment");
    expect_error("[Guest\n", SPEC_PATH ":1:", "is not a section header");
    expect_error("[Guest]\nBad Key=1\n", SPEC_PATH ":2:", "is not a key name");
    static const char nul[] = "[Guest]\nName=a\0b\n";
    expect_error_n(nul, sizeof(nul) - 1, SPEC_PATH ":", "NUL bytes");
    expect_error("[Guest]\nName=\xff\n", SPEC_PATH ":", "not valid UTF-8");
}

static void test_key_errors(void)
{
    struct {
        const char *text, *prefix, *needle;
    } cases[] = {
        /* unknown, repeated, misplaced */
        { "[Guest]\nVCPU=2\n", ":2: [Guest] VCPU=:", "unknown key in [Guest]; expected one of" },
        { "[Guest]\nvcpus=2\n", ":2: [Guest] vcpus=:", "did you mean VCPUs=?" },
        { "[Guest]\n[Brokers]\nResource=x\n", ":3:", "unknown section [Brokers]" },
        { "[Guest]\n[Broker]\nResource=x\n", ":3:", "[Broker] Resource=: expected TYPE/TAG" },
        { "[Guest]\n[Broker]\nResource=a/b/c\n", ":3:", "expected TYPE/TAG" },
        { "[Guest]\n[Broker]\nResource=.a/b\n", ":3:", "expected TYPE/TAG" },
        { "[Guest]\n[Broker]\nResource=key/disk\nResource=key/disk\n", ":4:",
          "'key/disk' is listed twice" },
        { "[Guest]\n[Broker]\nResourse=key/disk\n", ":3:", "Resourse" },
        { "[Guest]\nVCPUs=2\nVCPUs=4\n", ":3: [Guest] VCPUs=:", "given twice (first on line 2)" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[TDX]\nMROwner=x\n", ":5:",
          "section [TDX] does not apply to Platform=sev-snp (its section is [SEV-SNP])" },
        /* one per value kind */
        { "[Guest]\nName=-bad\n", ":2: [Guest] Name=:", "is not a guest name" },
        { "[Guest]\nCmdline=a\tb\n", ":2: [Guest] Cmdline=:", "control characters" },
        { "[Guest]\nFirmware=\n", ":2: [Guest] Firmware=:", "empty value" },
        { "[Guest]\nPlatform=snp\n", ":2: [Guest] Platform=:", "unknown platform 'snp'" },
        { "[Guest]\nAccelerator=hvf\n", ":2: [Guest] Accelerator=:", "expected kvm or tcg" },
        { "[Guest]\nPlatform=sev\nCPUModel=EPYC\n[SEV]\nKernelHashes=maybe\n",
          ":5: [SEV] KernelHashes=:", "is not a boolean" },
        { "[Guest]\nPlatform=sev\nCPUModel=EPYC\n[SEV]\nLegacyVMType=sometimes\n",
          ":5: [SEV] LegacyVMType=:", "is not on, off or auto" },
        { "[Guest]\nVCPUs=0\n", ":2: [Guest] VCPUs=:", "is not a number from 1 to 4096" },
        { "[Guest]\nVCPUs=5000\n", ":2: [Guest] VCPUs=:", "from 1 to 4096" },
        { "[Guest]\nVCPUs=two\n", ":2: [Guest] VCPUs=:", "'two' is not a number" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nPolicy=0xZZ\n",
          ":5: [SEV-SNP] Policy=:", "is not a 64-bit number" },
        { "[Guest]\nMemory=4096\n", ":2: [Guest] Memory=:", "with a unit, such as 4G" },
        { "[Guest]\nMemory=1M\n", ":2: [Guest] Memory=:", "from 16M to 16T" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=host\nCPUSignature=0x1ffffffff\n",
          ":4: [Guest] CPUSignature=:", "is not a number from 0 to 4294967295" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nHostData=AAAA\n",
          ":5: [SEV-SNP] HostData=:", "base64 of exactly 32 bytes" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nIdKey=k.pem\nFamilyId=00\n",
          ":6: [SEV-SNP] FamilyId=:", "exactly 32 hex digits" },
        { "[Guest]\nPlatform=cca\n[CCA]\nMeasurementAlgorithm=sha1\n",
          ":4: [CCA] MeasurementAlgorithm=:", "is not sha256, sha512 or sha384" },
        { "[Guest]\nPlatform=cca\n[CCA]\nMeasurementAlgorithm=sha384\n",
          ":4: [CCA] MeasurementAlgorithm=:", "sha384 exists from RMM 2.0 on" },
        { "[Guest]\nPlatform=cca\n[CCA]\nRMM=1.1\n", ":4: [CCA] RMM=:", "expected 1.0" },
        { "[Guest]\nPlatform=cca\n[CCA]\nSVEVectorLength=200\n", ":4: [CCA] SVEVectorLength=:",
          "multiple of 128" },
        { "[Guest]\nPlatform=cca\n[CCA]\nBreakpoints=1\n", ":4: [CCA] Breakpoints=:",
          "from 2 to 16" },
        { "[Guest]\nPlatform=cca\n[CCA]\nHostPageSize=16K\n", ":4: [CCA] HostPageSize=:",
          "4K or 64K" },
        { "[Guest]\nPlatform=tdx\n[TDX]\nQuoteGenerationSocket=localhost:4050\n",
          ":4: [TDX] QuoteGenerationSocket=:", "neither an absolute unix socket path nor" },
        { "[Guest]\nPlatform=tdx\n[TDX]\nQuoteGenerationSocket=vsock:2\n",
          ":4: [TDX] QuoteGenerationSocket=:", "is not vsock:CID:PORT" },
        /* lists */
        { "[Guest]\nDisk=/a.img,format=vmdk\n", ":2: [Guest] Disk=:", "is not raw or qcow2" },
        { "[Guest]\nDisk=/a.img,cache=none\n", ":2: [Guest] Disk=:", "unknown disk option" },
        { "[Guest]\nDisk=,format=raw\n", ":2: [Guest] Disk=:", "expected PATH[,format=" },
        { "[Guest]\nNetwork=bridge:br0\n", ":2: [Guest] Network=:", "expected none, user or tap" },
        /* the whole spec */
        { "[Guest]\nInitrd=/boot/initrd\n", ":2: [Guest] Initrd=:", "needs Kernel=" },
        { "[Guest]\nPlatform=sev\nCPUModel=EPYC\n[SEV]\nPolicy=0x5\n", ":5: [SEV] Policy=:",
          "use Platform=sev-es" },
        { "[Guest]\nPlatform=sev-es\nCPUModel=EPYC\n[SEV]\nPolicy=0x1\n", ":5: [SEV] Policy=:",
          "needs policy bit 2" },
        { "[Guest]\nPlatform=sev\nCPUModel=EPYC\n[SEV]\nKernelHashes=yes\n",
          ":5: [SEV] KernelHashes=:", "give Kernel= too" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nPolicy=0x10000\n",
          ":5: [SEV-SNP] Policy=:", "bit 17 is reserved and must be 1" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nGuestFeatures=0x20\n",
          ":5: [SEV-SNP] GuestFeatures=:", "bit 0 (SNPActive) must be set" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nIdBlock=" A128 "\n",
          ":5: [SEV-SNP] IdBlock=:", "IdBlock= and IdAuth= go together" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nAuthorKey=a.pem\n",
          ":5: [SEV-SNP] AuthorKey=:", "give IdKey= too" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\n[SEV-SNP]\nGuestSVN=2\n",
          ":5: [SEV-SNP] GuestSVN=:", "goes into the ID block" },
        { "[Guest]\nPlatform=tdx\n[TDX]\nAttributes=0x10000000\nSeptVeDisable=no\n",
          ":5: [TDX] SeptVeDisable=:", "contradicts bit 28 of Attributes=" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC\nAccelerator=tcg\n",
          ":4: [Guest] Accelerator=:", "confidential guests need KVM" },
        { "[Guest]\nPlatform=sev-snp\n", ": [Guest] CPUModel=:", "required for SEV guests" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=host\n", ":3: [Guest] CPUModel=:",
          "give CPUSignature=" },
        { "[Guest]\nPlatform=sev-snp\nCPUModel=EPYC-Milan\nCPUSignature=0x800f12\n",
          ":4: [Guest] CPUSignature=:", "contradicts CPUModel=EPYC-Milan (0xa00f11)" },
        { "[Guest]\nCPUSignature=0x800f12\n", ":2: [Guest] CPUSignature=:",
          "only SEV guests measure a CPU signature" },
        { "[Guest]\nPlatform=tdx\nCPUModel=EPYC\n", ":3: [Guest] CPUModel=:",
          "TDX guests run with -cpu host only" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *prefix = g_strconcat(SPEC_PATH, cases[i].prefix, NULL);
        expect_error(cases[i].text, prefix, cases[i].needle);
    }
}

static void test_name_from_file(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) spec =
        ccm_guest_spec_parse("/tmp/-odd name.guest", "[Guest]\n", 8, &error);

    g_assert_null(spec);
    g_assert_nonnull(strstr(error->message, "the file name '-odd name' is not a guest name"));
}

static void test_load_errors(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmGuestSpec) missing = ccm_guest_spec_load("/nonexistent/x.guest", &error);

    g_assert_null(missing);
    g_assert_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_READ);
    g_assert_nonnull(strstr(error->message, "/nonexistent/x.guest"));
    g_clear_error(&error);
    g_autoptr(CcmGuestSpec) dir = ccm_guest_spec_load("/tmp", &error);
    g_assert_null(dir);
    g_assert_nonnull(strstr(error->message, "is a directory"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/guest-spec/minimal-defaults", test_minimal_defaults);
    g_test_add_func("/guest-spec/on-drift", test_on_drift);
    g_test_add_func("/guest-spec/full-snp", test_full_snp);
    g_test_add_func("/guest-spec/relative-spec-path", test_relative_spec_path);
    g_test_add_func("/guest-spec/sev-defaults", test_sev_defaults);
    g_test_add_func("/guest-spec/syntax-errors", test_syntax_errors);
    g_test_add_func("/guest-spec/key-errors", test_key_errors);
    g_test_add_func("/guest-spec/name-from-file", test_name_from_file);
    g_test_add_func("/guest-spec/load-errors", test_load_errors);
    return g_test_run();
}
