/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-replacement.c - a launch plan as it will be once a firmware image or QEMU is upgraded
 *
 * A package upgrade replaces files in place: /usr/share/ovmf/OVMF.fd by a newer OVMF.fd,
 * /usr/bin/qemu-system-x86_64 by a newer QEMU. Which guests that touches is decided here,
 * once: a firmware image replaces the image of the guests that boot from a file of the
 * same name (or from exactly the file named INSTALLED=), a QEMU binary the QEMU of every
 * guest of its architecture (the QEMU a spec names with QEMU= too: the question is "what
 * if this QEMU launched it"). Everything derived from QEMU (TDX's ACPI tables and the
 * version-dependent choices) follows the plan's qemu_binary, so it is read again from the
 * new binary when the expectation is computed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccm/measure.h"
#include "plan-replacement.h"
#include "qemu-probe.h"

void ccm_plan_replacement_free(CcmPlanReplacement *r)
{
    if (!r)
        return;
    g_free(r->firmware);
    g_free(r->firmware_installed);
    g_free(r->firmware_name);
    g_free(r->firmware_problem);
    g_free(r->qemu);
    g_free(r->qemu_architecture);
    g_free(r->qemu_version);
    g_free(r);
}

/* @path made absolute, with its links resolved when it exists. */
static char *canonical(const char *path)
{
    g_autofree char *abs = g_canonicalize_filename(path, NULL);
    char *real = realpath(abs, NULL);
    if (!real)
        return g_steal_pointer(&abs);
    char *out = g_strdup(real);
    free(real);
    return out;
}

/* The new image: a regular file this process can read, of a firmware image's size. */
static gboolean check_image(const char *path, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    g_autofree char *problem = NULL;

    if (fd < 0 || fstat(fd, &st) < 0)
        problem = g_strdup(g_strerror(errno));
    else if (!S_ISREG(st.st_mode))
        problem = g_strdup(S_ISDIR(st.st_mode) ? "is a directory, not a file"
                                                : "is not a regular file");
    else if (st.st_size == 0 || st.st_size % 4096 != 0)
        problem = g_strdup_printf("is %jd bytes; a firmware image is a non-zero multiple of "
                                  "4096 bytes (truncated, or not a firmware image?)",
                                  (intmax_t) st.st_size);
    if (fd >= 0)
        (void) close(fd);
    if (problem) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "--with-firmware: '%s': %s", path, problem);
        return FALSE;
    }
    return TRUE;
}

static gboolean set_firmware(CcmPlanReplacement *r, const char *arg, GError **error)
{
    const char *eq = strchr(arg, '=');
    g_autofree char *installed = eq ? g_strndup(arg, (gsize) (eq - arg)) : NULL;
    const char *image = eq ? eq + 1 : arg;
    if (!image[0] || (installed && !installed[0])) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--with-firmware: expected FILE or INSTALLED=FILE, got '%s'", arg);
        return FALSE;
    }
    if (!check_image(image, error))
        return FALSE;
    r->firmware = g_canonicalize_filename(image, NULL);
    if (installed) {
        r->firmware_installed = canonical(installed);
        r->firmware_name = g_path_get_basename(r->firmware_installed);
    } else {
        r->firmware_name = g_path_get_basename(r->firmware);
    }
    CcmFirmware *fw = NULL;
    CcmError err = { 0 };
    if (ccm_firmware_open(r->firmware, &fw, &err) == 0) {
        r->firmware_is_ovmf = true;
        ccm_firmware_unref(fw);
        return TRUE;
    }
    /* Only an image that replaces a named image of another kind (an Arm one) may be other
     * than OVMF: a truncated download is caught here, whichever guests it would touch. */
    r->firmware_problem = g_strdup(err.message);
    if (r->firmware_installed && g_file_test(r->firmware_installed, G_FILE_TEST_IS_REGULAR)) {
        CcmFirmware *old = NULL;
        CcmError old_err = { 0 };
        if (ccm_firmware_open(r->firmware_installed, &old, &old_err) < 0)
            return TRUE; /* neither is OVMF: images of another kind */
        ccm_firmware_unref(old);
    }
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                "--with-firmware: %s; expected an OVMF image (INSTALLED=FILE replaces an image "
                "of another kind by one of the same kind)",
                err.message);
    return FALSE;
}

static gboolean set_qemu(CcmPlanReplacement *r, const char *qemu, GError **error)
{
    g_autoptr(GError) e = NULL;
    if (!qemu[0]) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--with-qemu: expected FILE (a path, or a name looked up on PATH), "
                            "got ''");
        return FALSE;
    }
    g_autofree char *path = ccm_qemu_binary_resolve(qemu, &e);
    if (!path) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "--with-qemu: '%s': %s", qemu, e->message);
        return FALSE;
    }
    g_autoptr(CcmQemuCaps) caps = ccm_qemu_probe(path, NULL, &e);
    if (!caps) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "--with-qemu: '%s' is not a QEMU system emulator ccm can use (expected "
                    "qemu-system-x86_64 or qemu-system-aarch64 answering QMP): %s",
                    qemu, e->message);
        return FALSE;
    }
    /* The probe runs -machine none; the machines it lists say the target. */
    const char *arch = ccm_qemu_caps_has_machine(caps, "q35")    ? "x86_64"
                       : ccm_qemu_caps_has_machine(caps, "virt") ? "aarch64"
                                                                 : NULL;
    if (!arch) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "--with-qemu: '%s' offers neither the q35 nor the virt machine: expected "
                    "qemu-system-x86_64 or qemu-system-aarch64",
                    qemu);
        return FALSE;
    }
    r->qemu = g_steal_pointer(&path);
    r->qemu_architecture = g_strdup(arch);
    r->qemu_version = ccm_qemu_caps_version_string(caps);
    return TRUE;
}

CcmPlanReplacement *ccm_plan_replacement_new(const char *firmware, const char *qemu,
                                             GError **error)
{
    g_autoptr(CcmPlanReplacement) r = g_new0(CcmPlanReplacement, 1);
    if (firmware && !set_firmware(r, firmware, error))
        return NULL;
    if (qemu && !set_qemu(r, qemu, error))
        return NULL;
    return g_steal_pointer(&r);
}

static void why(GString *why_not, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void why(GString *why_not, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    if (why_not->len)
        g_string_append(why_not, "; ");
    g_string_append_vprintf(why_not, format, ap);
    va_end(ap);
}

/* Whether the new firmware replaces @plan's image; FALSE with @error when it would but
 * is not the kind of image the guest boots. */
static gboolean firmware_applies(const CcmPlanReplacement *r, const CcmLaunchPlan *plan,
                                 bool *ret_applies, GString *why_not, GError **error)
{
    *ret_applies = false;
    const char *image = plan->firmware ? plan->firmware->path : NULL;
    if (!image) {
        why(why_not, "it boots no firmware image (%s)",
            plan->firmware ? plan->firmware->reason : "no firmware");
        return TRUE;
    }
    g_autofree char *real = canonical(image);
    g_autofree char *name = g_path_get_basename(image);
    g_autofree char *real_name = g_path_get_basename(real);
    if (r->firmware_installed ? strcmp(real, r->firmware_installed) != 0
                              : strcmp(name, r->firmware_name) != 0 &&
                                    strcmp(real_name, r->firmware_name) != 0) {
        if (r->firmware_installed)
            why(why_not, "its firmware is '%s', not '%s'", image, r->firmware_installed);
        else
            why(why_not, "its firmware '%s' is not named %s", image, r->firmware_name);
        return TRUE;
    }
    CcmFirmware *fw = NULL;
    CcmError err = { 0 };
    if (!r->firmware_is_ovmf && ccm_firmware_open(image, &fw, &err) == 0) {
        ccm_firmware_unref(fw);
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "--with-firmware: '%s' would replace the OVMF image '%s' but is not one: %s",
                    r->firmware, image, r->firmware_problem);
        return FALSE;
    }
    *ret_applies = true;
    return TRUE;
}

gboolean ccm_plan_replacement_apply(const CcmPlanReplacement *r, CcmLaunchPlan *plan,
                                    CcmPlanReplaced *ret_replaced, GString *why_not,
                                    GError **error)
{
    bool firmware = false, qemu = false;
    *ret_replaced = CCM_PLAN_REPLACED_NONE;
    if (r->firmware && !firmware_applies(r, plan, &firmware, why_not, error))
        return FALSE;
    if (r->qemu) {
        qemu = strcmp(plan->architecture, r->qemu_architecture) == 0;
        if (!qemu)
            why(why_not, "it runs on qemu-system-%s, the new QEMU is for %s", plan->architecture,
                r->qemu_architecture);
    }
    if (firmware) {
        g_free(plan->firmware->path);
        plan->firmware->path = g_strdup(r->firmware);
        if (plan->spec->firmware) {
            /* Firmware= is what the plan's file checks read. */
            g_free(plan->spec->firmware);
            plan->spec->firmware = g_strdup(r->firmware);
        }
        *ret_replaced |= CCM_PLAN_REPLACED_FIRMWARE;
    }
    if (qemu) {
        g_free(plan->qemu_binary);
        plan->qemu_binary = g_strdup(r->qemu);
        *ret_replaced |= CCM_PLAN_REPLACED_QEMU;
    }
    return TRUE;
}
