/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-guest.c - a SEV-family guest's measurement inputs (CcmSevGuest)
 *
 * Setters only check the value they are given. Whether the inputs make sense together
 * (a kernel for a firmware that cannot measure one, a vCPU model for EC2 ...) is
 * checked in ccm_sev_guest_measure(), where a CcmError can say what is wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "error.h"
#include "file-hash.h"
#include "firmware.h"
#include "sev-guest.h"

#define MAX_VCPUS 4096u
#define SNP_DEFAULT_GUEST_FEATURES 0x1

int ccm_sev_guest_new(CcmPlatform platform, CcmSevGuest **ret)
{
    if (!ret || (platform != CCM_PLATFORM_SEV && platform != CCM_PLATFORM_SEV_ES &&
                 platform != CCM_PLATFORM_SEV_SNP))
        return -EINVAL;

    CcmSevGuest *g = calloc(1, sizeof(*g));
    if (!g)
        return -ENOMEM;
    g->platform = platform;
    g->vmm = CCM_VMM_QEMU;
    g->guest_features = SNP_DEFAULT_GUEST_FEATURES;
    g->es_vmsa = CCM_SEV_ES_VMSA_LEGACY;
    *ret = g;
    return 0;
}

static void boot_file_clear(CcmBootFile *f)
{
    free(f->name);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

void ccm_sev_guest_free(CcmSevGuest *g)
{
    if (!g)
        return;
    ccm_firmware_unref(g->firmware);
    boot_file_clear(&g->kernel);
    boot_file_clear(&g->initrd);
    free(g->cmdline);
    free(g);
}

int ccm_sev_guest_set_firmware(CcmSevGuest *g, CcmFirmware *fw)
{
    if (!g || !fw)
        return -EINVAL;
    ccm_firmware_unref(g->firmware);
    g->firmware = ccm_firmware_ref(fw);
    return 0;
}

int ccm_sev_guest_set_vmm(CcmSevGuest *g, CcmVmm vmm)
{
    if (!g || (unsigned) vmm > CCM_VMM_EC2_RDX0)
        return -EINVAL;
    g->vmm = vmm;
    g->vmm_set = true;
    return 0;
}

int ccm_sev_guest_set_vcpus(CcmSevGuest *g, unsigned vcpus)
{
    if (!g || vcpus == 0 || vcpus > MAX_VCPUS)
        return -EINVAL;
    g->vcpus = vcpus;
    return 0;
}

int ccm_sev_guest_set_vcpu_signature(CcmSevGuest *g, uint32_t signature)
{
    if (!g)
        return -EINVAL;
    g->signature = signature;
    g->signature_set = true;
    return 0;
}

int ccm_sev_guest_set_guest_features(CcmSevGuest *g, uint64_t features)
{
    if (!g)
        return -EINVAL;
    g->guest_features = features;
    g->guest_features_set = true;
    return 0;
}

int ccm_sev_guest_set_sev_es_vmsa(CcmSevGuest *g, CcmSevEsVmsa vmsa)
{
    if (!g || (unsigned) vmsa > CCM_SEV_ES_VMSA_INIT2)
        return -EINVAL;
    g->es_vmsa = vmsa;
    g->es_vmsa_set = true;
    return 0;
}

static int boot_file_set(CcmBootFile *f, const char *name, const char *path,
                         const uint8_t *sha256)
{
    char *n = strdup(name);
    char *p = path ? strdup(path) : NULL;

    if (!n || (path && !p)) {
        free(n);
        free(p);
        return -ENOMEM;
    }
    boot_file_clear(f);
    f->given = true;
    f->name = n;
    f->path = p;
    if (sha256) {
        memcpy(f->sha256, sha256, CCM_SHA256_SIZE);
        f->hashed = true;
    }
    return 0;
}

int ccm_sev_guest_set_kernel(CcmSevGuest *g, const char *path)
{
    return g && path ? boot_file_set(&g->kernel, path, path, NULL) : -EINVAL;
}

int ccm_sev_guest_set_kernel_sha256(CcmSevGuest *g, const char *name, const uint8_t *sha256)
{
    return g && name && sha256 ? boot_file_set(&g->kernel, name, NULL, sha256) : -EINVAL;
}

int ccm_sev_guest_set_initrd(CcmSevGuest *g, const char *path)
{
    return g && path ? boot_file_set(&g->initrd, path, path, NULL) : -EINVAL;
}

int ccm_sev_guest_set_initrd_sha256(CcmSevGuest *g, const char *name, const uint8_t *sha256)
{
    return g && name && sha256 ? boot_file_set(&g->initrd, name, NULL, sha256) : -EINVAL;
}

int ccm_sev_guest_set_cmdline(CcmSevGuest *g, const char *cmdline)
{
    if (!g)
        return -EINVAL;
    char *c = cmdline ? strdup(cmdline) : NULL;
    if (cmdline && !c)
        return -ENOMEM;
    free(g->cmdline);
    g->cmdline = c;
    g->cmdline_set = c != NULL;
    return 0;
}

int ccm_sev_guest_set_firmware_digest(CcmSevGuest *g, const uint8_t *digest, size_t size)
{
    if (!g || !digest || size != CCM_SHA384_SIZE)
        return -EINVAL;
    memcpy(g->seed, digest, CCM_SHA384_SIZE);
    g->seed_set = true;
    return 0;
}

void ccm_sev_guest_set_step_callback(CcmSevGuest *g, CcmStepFunc func, void *userdata)
{
    if (!g)
        return;
    g->step_func = func;
    g->step_userdata = userdata;
}

void ccm_sev_guest_emit(const CcmSevGuest *g, const CcmStep *step)
{
    if (g->step_func)
        g->step_func(step, g->step_userdata);
}

static int boot_file_hash(CcmBootFile *f, const char *what, CcmError *reterr)
{
    if (f->hashed)
        return 0;
    int r = ccm_file_sha256(f->path, what, f->sha256, reterr);
    if (r == 0)
        f->hashed = true;
    return r;
}

int ccm_sev_guest_kernel_hashes(CcmSevGuest *g, CcmKernelHashes *ret, CcmError *reterr)
{
    CcmKernelHashes h;
    int r;

    /* QEMU hashes the command line with its terminating NUL; no -append is "". */
    const char *cmdline = g->cmdline ? g->cmdline : "";
    CcmHasher sha256;
    if ((r = ccm_hasher_init(&sha256, CCM_HASH_SHA256)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-256");
    r = ccm_hasher_digest(&sha256, cmdline, strlen(cmdline) + 1, h.cmdline);
    ccm_hasher_done(&sha256);
    if (r < 0)
        return ccm_error_set(reterr, r, "hashing the kernel command line failed");

    if (g->initrd.given) {
        if ((r = boot_file_hash(&g->initrd, "initrd", reterr)) < 0)
            return r;
        memcpy(h.initrd, g->initrd.sha256, CCM_SHA256_SIZE);
    } else {
        /* No -initrd: QEMU hashes zero bytes. */
        static const uint8_t empty_sha256[CCM_SHA256_SIZE] = {
            0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
            0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
            0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
        };
        memcpy(h.initrd, empty_sha256, CCM_SHA256_SIZE);
    }
    if ((r = boot_file_hash(&g->kernel, "kernel", reterr)) < 0)
        return r;
    memcpy(h.kernel, g->kernel.sha256, CCM_SHA256_SIZE);

    const uint8_t *hashes[3] = { h.cmdline, h.initrd, h.kernel };
    const char *details[3] = {
        g->cmdline ? g->cmdline : "",
        g->initrd.given ? g->initrd.name : NULL,
        g->kernel.name,
    };
    for (uint32_t i = 0; i < 3; i++) {
        CcmStep step = {
            .kind = CCM_STEP_KERNEL_HASH,
            .stage = ccm_kernel_hashes_entry_names[i],
            .detail = details[i],
            .index = i,
            .content_hash = hashes[i],
            .content_hash_size = CCM_SHA256_SIZE,
        };
        ccm_sev_guest_emit(g, &step);
    }

    *ret = h;
    return 0;
}

/* Checks that the inputs fit together; every message says which input to change. */
static int validate(const CcmSevGuest *g, CcmError *reterr)
{
    const char *platform = ccm_platform_to_string(g->platform);
    bool es_or_snp = g->platform != CCM_PLATFORM_SEV;

    if (!g->firmware)
        return ccm_error_set(reterr, -EINVAL, "no firmware given: %s needs the OVMF image",
                             platform);
    if ((g->initrd.given || g->cmdline_set) && !g->kernel.given)
        return ccm_error_set(reterr, -EINVAL,
                             "an initrd or kernel command line is measured only together "
                             "with a kernel (measured direct boot): give the kernel too");
    if (g->vmm != CCM_VMM_QEMU && g->platform != CCM_PLATFORM_SEV_SNP)
        return ccm_error_set(reterr, -EINVAL,
                             "VMM type '%s' is only modelled for sev-snp guests, not %s",
                             ccm_vmm_to_string(g->vmm), platform);
    if (es_or_snp && g->vcpus == 0)
        return ccm_error_set(reterr, -EINVAL,
                             "the number of vCPUs is required for %s: each vCPU adds one "
                             "VMSA to the measurement",
                             platform);
    if (es_or_snp && g->vmm == CCM_VMM_QEMU && !g->signature_set)
        return ccm_error_set(reterr, -EINVAL,
                             "the guest's vCPU model (or its CPUID signature) is required for "
                             "%s under QEMU: it is stored in every VMSA's RDX",
                             platform);
    if (g->guest_features_set && g->platform != CCM_PLATFORM_SEV_SNP)
        return ccm_error_set(reterr, -EINVAL,
                             "guest features (SEV_FEATURES) apply to sev-snp guests only, "
                             "not %s",
                             platform);
    if (g->es_vmsa_set && g->platform != CCM_PLATFORM_SEV_ES)
        return ccm_error_set(reterr, -EINVAL,
                             "the SEV-ES VMSA variant applies to sev-es guests only, not %s%s",
                             platform,
                             g->platform == CCM_PLATFORM_SEV_SNP ? " (SNP always uses INIT2)"
                                                                 : "");
    if (g->seed_set && g->platform != CCM_PLATFORM_SEV_SNP)
        return ccm_error_set(reterr, -EINVAL,
                             "a precomputed firmware digest can seed only a sev-snp "
                             "measurement, not %s",
                             platform);
    return 0;
}

int ccm_sev_guest_measure(CcmSevGuest *g, uint8_t *ret_digest, size_t *ret_digest_size,
                          CcmError *reterr)
{
    if (!g || !ret_digest || !ret_digest_size)
        return ccm_error_set(reterr, -EINVAL, "ccm_sev_guest_measure: arguments missing");

    int r = validate(g, reterr);
    if (r < 0)
        return r;

    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t size;
    if (g->platform == CCM_PLATFORM_SEV_SNP) {
        r = ccm_sev_snp_measure(g, digest, reterr);
        size = CCM_SHA384_SIZE;
    } else {
        r = ccm_sev_measure(g, digest, reterr);
        size = CCM_SHA256_SIZE;
    }
    if (r < 0)
        return r;

    memcpy(ret_digest, digest, size);
    *ret_digest_size = size;
    return 0;
}
