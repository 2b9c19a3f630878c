/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check-uefi-rules.c - ccm's UEFI event rules against a real firmware event log
 *
 *   check-uefi-rules CAPTURE-DIR TDX-FIRMWARE KERNEL
 *
 * A vTPM boot logs, in PCRs, the UEFI events a TD logs in RTMRs (PCR1 and PCR7 -> RTMR0,
 * PCR4 -> RTMR1, PCR9 -> RTMR2), from the same OVMF code. For one capture of
 * tests/data/vtpm (its provenance.json says which QEMU, OVMF release, RAM, initrd and
 * command line), this checks, SHA-384 bank against libccm-measure:
 *   - PCR4's kernel event: the Authenticode of the kernel file, or of the kernel with
 *     QEMU's patched setup header, as ccm_tdx_boot_flags() decides for that OVMF release
 *     and QEMU, for a guest that is not confidential;
 *   - PCR9's LoadOptions event: the command line with "initrd=initrd" where that release
 *     puts it;
 *   - PCR1's boot-variable events: those ccm predicts for TDX-FIRMWARE, an image of the
 *     same edk2 release and build (Config-A, OvmfPkgX64).
 * Prints TAP; exits 1 on a difference, 77 when the capture's kernel is not KERNEL.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"

#define EV_EVENT_TAG 0x6u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u

static int failures, checks;

static void check(bool ok, const char *what, const uint8_t *got, const uint8_t *want)
{
    checks++;
    g_autofree char *g = got ? g_strdup_printf("%02x%02x%02x%02x", got[0], got[1], got[2], got[3])
                             : g_strdup("(none)");
    g_autofree char *w = want ? g_strdup_printf("%02x%02x%02x%02x", want[0], want[1], want[2],
                                                want[3])
                              : g_strdup("(none)");
    printf("%s %d - %s (log %s…, ccm %s…)\n", ok ? "ok" : "not ok", checks, what, g, w);
    if (!ok)
        failures++;
}

static const char *str(json_object *o, const char *a, const char *b)
{
    json_object *x = NULL, *y = NULL;
    if (!json_object_object_get_ex(o, a, &x))
        return NULL;
    if (!b)
        return json_object_get_string(x);
    return json_object_object_get_ex(x, b, &y) ? json_object_get_string(y) : NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: check-uefi-rules CAPTURE-DIR TDX-FIRMWARE KERNEL\n");
        return 2;
    }
    const char *dir = argv[1];
    g_autofree char *prov_path = g_build_filename(dir, "provenance.json", NULL);
    g_autofree char *log_path = g_build_filename(dir, "binary_bios_measurements", NULL);
    json_object *prov = json_object_from_file(prov_path);
    g_autofree char *log = NULL, *kernel = NULL, *fw = NULL;
    gsize log_size = 0, kernel_size = 0, fw_size = 0;
    if (!prov || !g_file_get_contents(log_path, &log, &log_size, NULL) ||
        !g_file_get_contents(argv[3], &kernel, &kernel_size, NULL) ||
        !g_file_get_contents(argv[2], &fw, &fw_size, NULL)) {
        fprintf(stderr, "check-uefi-rules: cannot read %s, %s or the kernel or firmware\n",
                prov_path, log_path);
        return 1;
    }
    g_autofree char *kernel_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                                 (const guchar *) kernel,
                                                                 kernel_size);
    const char *want_kernel = str(prov, "kernel", "sha256");
    if (!want_kernel || strcmp(want_kernel, kernel_sha256) != 0) {
        printf("1..0 # SKIP %s was captured with another kernel\n", dir);
        return 77;
    }
    int major = 0, minor = 0, initrd_size = 0;
    unsigned release = 0, year = 0, month = 0;
    const char *qemu = str(prov, "qemu", "version");
    const char *package = NULL;
    json_object *fwo = NULL, *code = NULL, *pkg = NULL, *initrd = NULL, *size = NULL;
    if (json_object_object_get_ex(prov, "firmware", &fwo) &&
        json_object_object_get_ex(fwo, "code", &code) &&
        json_object_object_get_ex(code, "package", &pkg))
        package = json_object_get_string(pkg);
    if (json_object_object_get_ex(prov, "initrd", &initrd) &&
        json_object_object_get_ex(initrd, "size", &size))
        initrd_size = json_object_get_int(size);
    const char *cmdline = str(prov, "cmdline", NULL);
    const char *memory = str(prov, "memory", NULL);
    const char *v = package ? strpbrk(package, "0123456789") : NULL;
    if (!qemu || sscanf(qemu, "QEMU emulator version %d.%d", &major, &minor) != 2 || !v ||
        sscanf(v, "%u.%u", &year, &month) != 2 || !cmdline || !memory || !initrd_size) {
        fprintf(stderr, "check-uefi-rules: %s lacks the QEMU, OVMF, initrd, memory or "
                        "command line\n", prov_path);
        return 1;
    }
    release = year * 100 + month;
    uint64_t ram = g_ascii_strtoull(memory, NULL, 10) << (strchr(memory, 'G') ? 30 : 20);
    unsigned flags = ccm_tdx_boot_flags(NULL, release, major, minor, 0); /* not a TD */
    printf("# %s: OVMF %u, QEMU %d.%d: kernel %s, initrd=initrd %s\n", dir, release, major, minor,
           flags & CCM_TDX_BOOT_KERNEL_FILE ? "file as is" : "with the patched header",
           flags & CCM_TDX_BOOT_INITRD_FIRST ? "first" : "last");

    CcmTcg2Event *events = NULL;
    size_t n = 0;
    CcmError error = { 0 };
    if (ccm_tcg2_event_log_parse(log, log_size, log_path, &events, &n, &error) < 0) {
        fprintf(stderr, "check-uefi-rules: %s\n", error.message);
        return 1;
    }

    /* PCR4: the kernel. */
    uint8_t want[CCM_SHA384_SIZE];
    int r = ccm_tdx_kernel_event_digest(kernel, kernel_size, flags, ram, initrd_size, want,
                                        &error);
    if (r < 0) {
        fprintf(stderr, "check-uefi-rules: %s\n", error.message);
        return 1;
    }
    const CcmTcg2Event *k = NULL;
    for (size_t i = 0; i < n && !k; i++)
        if (events[i].index == 4 && events[i].type == EV_EFI_BOOT_SERVICES_APPLICATION)
            k = &events[i];
    if (k)
        check(memcmp(k->sha384, want, CCM_SHA384_SIZE) == 0, "PCR4 kernel event", k->sha384, want);
    else
        printf("# no kernel event in PCR4 (legacy loader under Secure Boot)\n");

    /* PCR9: the command line the EFI stub measured. */
    const CcmTcg2Event *c = NULL;
    for (size_t i = 0; i < n && !c; i++)
        if (events[i].index == 9 && events[i].type == EV_EVENT_TAG && events[i].data_size >= 8 &&
            memmem(events[i].data, events[i].data_size, "LoadOptions", 11))
            c = &events[i];
    ccm_tdx_load_options_digest(cmdline, 1, flags, want);
    if (c)
        check(memcmp(c->sha384, want, CCM_SHA384_SIZE) == 0, "PCR9 LoadOptions event",
              c->sha384, want);
    else
        printf("# no LoadOptions event in PCR9\n");

    /* PCR1: the boot variables, against the TDX prediction for an image of that release. */
    CcmTdxPredictedEvent predicted[CCM_TDX_MAX_PREDICTED];
    size_t np = 0;
    const CcmTdxFirmwareProfile *profile = ccm_tdx_firmware_profile_find(fw, fw_size);
    if (!profile || profile->edk2_release != release || profile->inteltdx) {
        fprintf(stderr, "check-uefi-rules: %s is not a known Config-A image of edk2 %u\n",
                argv[2], release);
        return 1;
    }
    if (ccm_tdx_predict_rtmr0(fw, fw_size, argv[2], ram, profile->layout, NULL, predicted, &np,
                              &error) < 0) {
        fprintf(stderr, "check-uefi-rules: %s\n", error.message);
        return 1;
    }
    size_t pi = 0, li = 0;
    while (true) {
        while (pi < np && predicted[pi].type != EV_EFI_VARIABLE_BOOT)
            pi++;
        while (li < n && !(events[li].index == 1 && events[li].type == EV_EFI_VARIABLE_BOOT))
            li++;
        if (pi == np || li == n) {
            bool both = pi == np && li == n;
            checks++;
            printf("%s %d - PCR1 holds as many boot variables as ccm predicts\n",
                   both ? "ok" : "not ok", checks);
            failures += !both;
            break;
        }
        g_autofree char *what = g_strdup_printf("PCR1 %s", predicted[pi].description);
        check(memcmp(events[li].sha384, predicted[pi].digest, CCM_SHA384_SIZE) == 0, what,
              events[li].sha384, predicted[pi].digest);
        pi++, li++;
    }
    free(events);
    json_object_put(prov);
    printf("1..%d\n", checks);
    return failures ? 1 : 0;
}
