/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-cca.c - what this host's kernel says about Arm CCA (Realm Management Extension)
 *
 * On anything but arm64 the answer is "not an Arm host". On arm64 the facts a kernel
 * gives today are /dev/kvm and the kvm-arm.mode= it was booted with; KVM's Realm support
 * (talking to the RMM over RMI) is not in the kernels ccm knows, and none of them exposes
 * the RMM's version in sysfs, so a Realm host is not detected yet and says so.
 */
#include <string.h>

#include "host-cca.h"

void ccm_host_cca_free(CcmHostCca *cca)
{
    if (!cca)
        return;
    g_free(cca->absent);
    g_free(cca->kvm_arm_mode);
    g_free(cca);
}

static char *cmdline_value(CcmHostProbe *probe, const char *key)
{
    g_autofree char *cmdline = ccm_host_probe_read_text(probe, "proc/cmdline", NULL);
    if (!cmdline)
        return NULL;
    g_auto(GStrv) words = g_strsplit_set(cmdline, " \t\n", -1);
    size_t n = strlen(key);
    for (size_t i = 0; words[i]; i++)
        if (strncmp(words[i], key, n) == 0 && words[i][n] == '=')
            return g_strdup(words[i] + n + 1);
    return NULL;
}

CcmHostCca *ccm_host_cca_read(CcmHostProbe *probe)
{
    CcmHostCca *cca = g_new0(CcmHostCca, 1);
    const char *arch = ccm_host_probe_arch(probe);
    g_autofree char *kvm = ccm_host_probe_path(probe, "dev/kvm");

    cca->arm = strcmp(arch, "aarch64") == 0 || strcmp(arch, "arm64") == 0;
    if (!cca->arm) {
        cca->absent = g_strdup_printf("not an Arm host (%s)", arch);
        return cca;
    }
    cca->kvm_device = g_file_test(kvm, G_FILE_TEST_EXISTS);
    cca->kvm_arm_mode = cmdline_value(probe, "kvm-arm.mode");
    cca->absent = g_strdup_printf("an Arm host (%s%s%s), but this version of ccm cannot "
                                  "detect Realm (RME) support: the kernel exposes no RMM "
                                  "version it can read",
                                  cca->kvm_device ? "with " : "without ", kvm,
                                  cca->kvm_arm_mode ? ", kvm-arm.mode set" : "");
    return cca;
}

json_object *ccm_host_cca_to_json(const CcmHostCca *cca)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "present", json_object_new_boolean(cca->present));
    json_object_object_add(o, "absent_reason",
                           cca->absent ? json_object_new_string(cca->absent) : NULL);
    json_object_object_add(o, "arm", json_object_new_boolean(cca->arm));
    json_object_object_add(o, "kvm_device", json_object_new_boolean(cca->kvm_device));
    json_object_object_add(o, "kvm_arm_mode",
                           cca->kvm_arm_mode ? json_object_new_string(cca->kvm_arm_mode)
                                             : NULL);
    return o;
}
