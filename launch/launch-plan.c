/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * launch-plan.c - everything one guest launch needs, derived from its spec
 *
 * The plan resolves what the spec leaves open (architecture, machine, QEMU binary,
 * accelerator, firmware) once, so that the measurement, the QEMU command line and the
 * libvirt XML are all derived from the same decisions.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch-plan.h"

G_DEFINE_QUARK(ccm-launch-error-quark, ccm_launch_error)

void ccm_launch_plan_free(CcmLaunchPlan *plan)
{
    if (!plan)
        return;
    ccm_guest_spec_free(plan->spec);
    ccm_firmware_choice_free(plan->firmware);
    g_free(plan->architecture);
    g_free(plan->machine);
    g_free(plan->qemu_binary);
    g_free(plan->accelerator);
    g_free(plan);
}

const char *const *ccm_launch_plan_firmware_features(CcmGuestPlatform platform)
{
    static const char *const none[] = { NULL };
    static const char *const sev[] = { "amd-sev", NULL };
    static const char *const sev_es[] = { "amd-sev-es", NULL };
    static const char *const snp[] = { "amd-sev-snp", NULL };
    static const char *const tdx[] = { "intel-tdx", NULL };

    switch (platform) {
    case CCM_GUEST_PLATFORM_SEV:
        return sev;
    case CCM_GUEST_PLATFORM_SEV_ES:
        return sev_es;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        return snp;
    case CCM_GUEST_PLATFORM_TDX:
        return tdx;
    default:
        return none;
    }
}

CcmLaunchPlan *ccm_launch_plan_new(CcmGuestSpec *spec, const CcmLaunchPlanOptions *options,
                                   GError **error)
{
    g_autoptr(CcmLaunchPlan) plan = g_new0(CcmLaunchPlan, 1);
    plan->spec = spec;

    bool arm = spec->platform == CCM_GUEST_PLATFORM_CCA;
    plan->architecture = g_strdup(arm ? "aarch64" : "x86_64");
    plan->machine = g_strdup(spec->machine ? spec->machine : arm ? "virt" : "q35");
    plan->qemu_binary = spec->qemu ? g_strdup(spec->qemu)
                                   : g_strdup(arm ? "qemu-system-aarch64" : "qemu-system-x86_64");
    plan->accelerator = g_strdup(spec->accelerator ? spec->accelerator : "kvm");

    if (strcmp(plan->machine, "none") == 0) {
        /* QEMU without a machine: a process that answers QMP and runs nothing. Useful to
         * exercise supervision at scale; nothing to boot, so nothing to give it. */
        const char *extra = NULL;
        if (spec->platform != CCM_GUEST_PLATFORM_NONE)
            extra = "Platform=";
        else if (spec->firmware)
            extra = "Firmware=";
        else if (spec->kernel)
            extra = "Kernel=";
        else if (spec->disks->len)
            extra = "Disk=";
        if (extra) {
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: [Guest] Machine=none runs no guest code; remove %s (and use "
                        "Platform=none)",
                        spec->path, extra);
            return NULL;
        }
        plan->firmware = g_new0(CcmFirmwareChoice, 1);
        plan->firmware->reason = g_strdup("none: Machine=none runs no firmware");
        return g_steal_pointer(&plan);
    }

    if (spec->firmware) {
        plan->firmware = g_new0(CcmFirmwareChoice, 1);
        plan->firmware->path = g_strdup(spec->firmware);
        plan->firmware->flash = false;
        plan->firmware->reason = g_strdup("given in the spec (Firmware=), loaded with -bios");
        return g_steal_pointer(&plan);
    }

    if (arm && spec->kernel) {
        /* The CCA series boots a realm's kernel directly (no bootloader stub, no
         * firmware): what is not loaded is not measured either. */
        plan->firmware = g_new0(CcmFirmwareChoice, 1);
        plan->firmware->reason = g_strdup("none: the realm boots its kernel directly (Kernel= "
                                          "without Firmware=)");
        return g_steal_pointer(&plan);
    }

    /* SEV-SNP and TDX have no pflash: they need a stateless image (-bios). */
    bool stateless = spec->platform == CCM_GUEST_PLATFORM_SEV_SNP ||
                     spec->platform == CCM_GUEST_PLATFORM_TDX;
    g_autoptr(GError) e = NULL;
    plan->firmware = ccm_firmware_descriptor_select(
        options ? options->firmware_dirs : NULL, plan->architecture, plan->machine,
        ccm_launch_plan_firmware_features(spec->platform), true, &e);
    if (!plan->firmware) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: [Guest] Firmware=: not given, and no firmware descriptor fits: %s",
                    spec->path, e->message);
        return NULL;
    }
    if (stateless && plan->firmware->flash) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: [Guest] Firmware=: not given, and the only firmware for %s (%s) is a "
                    "pflash image; %s needs a stateless image loaded with -bios",
                    spec->path, ccm_guest_platform_to_string(spec->platform),
                    plan->firmware->descriptor, ccm_guest_platform_to_string(spec->platform));
        return NULL;
    }
    return g_steal_pointer(&plan);
}

/* @path must be a regular file this process can read, as QEMU and the measurement will
 * read it; @where names the key (or descriptor) it came from. */
static gboolean check_file(const char *where, const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    const char *problem = NULL;

    if (fd < 0 || fstat(fd, &st) < 0)
        problem = g_strerror(errno);
    else if (S_ISDIR(st.st_mode))
        problem = "is a directory, not a file";
    else if (!S_ISREG(st.st_mode))
        problem = "is not a regular file";
    if (fd >= 0)
        (void) close(fd);
    if (problem) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s: '%s': %s", where, path,
                    problem);
        return FALSE;
    }
    return TRUE;
}

gboolean ccm_launch_plan_check_files(const CcmLaunchPlan *plan, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    const struct {
        const char *section, *key, *path;
    } files[] = {
        { "Guest", "Firmware", spec->firmware },
        { "Guest", "Kernel", spec->kernel },
        { "Guest", "Initrd", spec->initrd },
        { "CCA", "DTB", spec->platform == CCM_GUEST_PLATFORM_CCA ? spec->cca.dtb : NULL },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        if (!files[i].path)
            continue;
        g_autofree char *where =
            ccm_guest_spec_key_location(spec, files[i].section, files[i].key);
        if (!check_file(where, files[i].path, error))
            return FALSE;
    }
    /* Firmware a descriptor chose: the descriptor named an image that has gone since. */
    if (!spec->firmware && plan->firmware && plan->firmware->path) {
        g_autofree char *where = g_strdup_printf("%s: [Guest] Firmware= (not given; %s chose it)",
                                                 spec->path, plan->firmware->descriptor);
        if (!check_file(where, plan->firmware->path, error))
            return FALSE;
    }
    return TRUE;
}
