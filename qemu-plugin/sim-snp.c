/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim-snp.c - a simulated SEV-SNP secure processor: measures and signs what it observed */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "ccm/measure.h"
#include "fw-cfg-watch.h"
#include "sim-snp.h"
#include "tee-key.h"

#define CHIP_ID_TEXT "ccm simulated TEE"

struct CcmSimSnp {
    CcmSimSnpConfig config;
    char *vcek_key_path;
    EVP_PKEY *vcek;
    CcmFirmware *firmware;
    char *firmware_sha256;
    bool measured;
    uint8_t measurement[CCM_SHA384_SIZE];
    /* The inputs of the measurement, for the record. */
    unsigned vcpus;
    uint32_t signature;
    bool kernel;
    CcmKernelHashes hashes;
    char *cmdline;
    unsigned reports;
};

CcmSimSnp *ccm_sim_snp_new(const CcmSimSnpConfig *config, char **ret_error)
{
    g_autoptr(CcmSimSnp) sim = g_new0(CcmSimSnp, 1);
    sim->config = *config;
    sim->vcek_key_path = g_strdup(config->vcek_key_path);
    sim->config.vcek_key_path = sim->vcek_key_path;
    sim->vcek = ccm_tee_key_load(config->vcek_key_path, "secp384r1", "vcek-key", ret_error);
    if (!sim->vcek)
        return NULL;
    return g_steal_pointer(&sim);
}

void ccm_sim_snp_free(CcmSimSnp *sim)
{
    if (!sim)
        return;
    EVP_PKEY_free(sim->vcek);
    ccm_firmware_unref(sim->firmware);
    g_free(sim->vcek_key_path);
    g_free(sim->firmware_sha256);
    g_free(sim->cmdline);
    g_free(sim);
}

bool ccm_sim_snp_set_firmware(CcmSimSnp *sim, const uint8_t *image, size_t size, char **ret_error)
{
    CcmError error = { 0 };
    CcmFirmware *fw = NULL;
    if (ccm_firmware_new_from_data(image, size, "the firmware mapped at reset", &fw, &error) < 0) {
        *ret_error = g_strdup(error.message);
        return false;
    }
    if (ccm_firmware_n_sev_sections(fw) == 0) {
        *ret_error = g_strdup("the firmware mapped at reset has no SEV metadata: it cannot "
                              "launch an SEV-SNP guest");
        ccm_firmware_unref(fw);
        return false;
    }
    /* The firmware pages are the first part of the launch digest: hash them now. */
    uint8_t digest[CCM_SHA384_SIZE];
    if (ccm_firmware_snp_digest(fw, digest, &error) < 0) {
        *ret_error = g_strdup(error.message);
        ccm_firmware_unref(fw);
        return false;
    }
    ccm_firmware_unref(sim->firmware);
    sim->firmware = fw;
    g_free(sim->firmware_sha256);
    sim->firmware_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, image, size);
    return true;
}

bool ccm_sim_snp_hashes_area(const CcmSimSnp *sim, uint32_t *base, uint32_t *size)
{
    return sim->firmware && ccm_firmware_kernel_hashes_area(sim->firmware, base, size) == 0;
}

bool ccm_sim_snp_measured(const CcmSimSnp *sim)
{
    return sim->measured;
}

bool ccm_sim_snp_measure(CcmSimSnp *sim, const CcmSimSnpInputs *in, uint8_t ret[CCM_SHA384_SIZE],
                         char **ret_error)
{
    if (sim->measured) {
        memcpy(ret, sim->measurement, CCM_SHA384_SIZE);
        return true;
    }
    if (!sim->firmware) {
        *ret_error = g_strdup("no firmware was observed at reset");
        return false;
    }
    if (!in->have_signature) {
        *ret_error = g_strdup("vCPU 0 has not read its CPUID signature yet");
        return false;
    }
    CcmSevGuest *guest = NULL;
    CcmError error = { 0 };
    int r = ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &guest);
    bool kernel = ccm_boot_blobs_have_kernel(in->blobs);
    CcmKernelHashes hashes;
    ccm_boot_blobs_hashes(in->blobs, &hashes);
    const char *cmdline = ccm_boot_blobs_cmdline(in->blobs);
    if (r >= 0)
        r = ccm_sev_guest_set_firmware(guest, sim->firmware);
    if (r >= 0)
        r = ccm_sev_guest_set_vmm(guest, CCM_VMM_QEMU);
    if (r >= 0)
        r = ccm_sev_guest_set_vcpus(guest, in->vcpus);
    if (r >= 0)
        r = ccm_sev_guest_set_vcpu_signature(guest, in->signature);
    if (r >= 0 && sim->config.guest_features_set)
        r = ccm_sev_guest_set_guest_features(guest, sim->config.guest_features);
    if (r >= 0 && kernel) {
        r = ccm_sev_guest_set_kernel_sha256(guest, "kernel (as read over fw_cfg)", hashes.kernel);
        if (r >= 0)
            r = ccm_sev_guest_set_initrd_sha256(guest, "initrd (as read over fw_cfg)",
                                                hashes.initrd);
        if (r >= 0 && !cmdline) {
            *ret_error = g_strdup("the command line read over fw_cfg is not one NUL-terminated "
                                  "string");
            ccm_sev_guest_free(guest);
            return false;
        }
        if (r >= 0)
            r = ccm_sev_guest_set_cmdline(guest, cmdline);
    }
    size_t size = 0;
    if (r >= 0)
        r = ccm_sev_guest_measure(guest, sim->measurement, &size, &error);
    ccm_sev_guest_free(guest);
    if (r < 0) {
        *ret_error = g_strdup_printf("cannot measure the launch: %s",
                                     error.message[0] ? error.message : g_strerror(-r));
        return false;
    }
    sim->measured = true;
    sim->vcpus = in->vcpus;
    sim->signature = in->signature;
    sim->kernel = kernel;
    sim->hashes = hashes;
    sim->cmdline = g_strdup(cmdline);
    memcpy(ret, sim->measurement, CCM_SHA384_SIZE);
    return true;
}

static void fill_tcb(CcmSnpTcb *dst, const CcmSnpTcb *src)
{
    *dst = *src;
}

bool ccm_sim_snp_report(CcmSimSnp *sim, const CcmSimSnpInputs *in, const uint8_t report_data[64],
                        uint32_t vmpl, uint8_t ret[CCM_SNP_REPORT_SIZE], char **ret_error)
{
    CcmSnpReport r = { 0 };
    if (!ccm_sim_snp_measure(sim, in, r.measurement, ret_error))
        return false;
    r.version = 3;
    r.policy = sim->config.policy;
    r.vmpl = vmpl;
    r.signature_algo = CCM_SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384;
    fill_tcb(&r.current_tcb, &sim->config.tcb);
    fill_tcb(&r.reported_tcb, &sim->config.tcb);
    fill_tcb(&r.committed_tcb, &sim->config.tcb);
    fill_tcb(&r.launch_tcb, &sim->config.tcb);
    r.platform_info = 0x1;  /* SMT enabled */
    memcpy(r.report_data, report_data, 64);
    memcpy(r.host_data, sim->config.host_data, 32);
    for (size_t i = 0; i < sizeof(r.report_id); i += 4) {
        guint32 v = g_random_int();
        memcpy(r.report_id + i, &v, 4);
    }
    memset(r.report_id_ma, 0xff, sizeof(r.report_id_ma));
    ccm_cpuid_signature_split(sim->signature, &r.cpuid_family, &r.cpuid_model,
                              &r.cpuid_stepping);
    GChecksum *chip = g_checksum_new(G_CHECKSUM_SHA512);
    g_checksum_update(chip, (const guchar *) CHIP_ID_TEXT, sizeof(CHIP_ID_TEXT) - 1);
    gsize len = sizeof(r.chip_id);
    g_checksum_get_digest(chip, r.chip_id, &len);
    g_checksum_free(chip);
    r.current_major = r.committed_major = 1;
    r.current_minor = r.committed_minor = 55;
    ccm_snp_report_serialize(&r, ret);
    CcmError error = { 0 };
    if (ccm_snp_report_sign(ret, sim->vcek, &error) < 0) {
        *ret_error = g_strdup(error.message);
        return false;
    }
    sim->reports++;
    return true;
}

static void append_hex(GString *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(out, "%02x", p[i]);
}

void ccm_sim_snp_append_json(const CcmSimSnp *sim, GString *out)
{
    g_string_append(out, "{ \"platform\": \"sev-snp\", \"measurement\": ");
    if (!sim->measured) {
        g_string_append(out, "null }");
        return;
    }
    g_string_append_c(out, '"');
    append_hex(out, sim->measurement, sizeof(sim->measurement));
    g_string_append_printf(out, "\",\n    \"inputs\": { \"firmware_sha256\": \"%s\", \"vcpus\": %u, "
                                "\"cpuid_signature\": \"0x%08x\", \"policy\": \"0x%" G_GINT64_MODIFIER
                                "x\", \"host_data\": \"",
                           sim->firmware_sha256, sim->vcpus, sim->signature, sim->config.policy);
    append_hex(out, sim->config.host_data, sizeof(sim->config.host_data));
    g_string_append(out, "\"");
    if (sim->config.guest_features_set)
        g_string_append_printf(out, ", \"guest_features\": \"0x%" G_GINT64_MODIFIER "x\"",
                               sim->config.guest_features);
    if (sim->kernel) {
        g_string_append(out, ",\n      \"kernel_sha256\": \"");
        append_hex(out, sim->hashes.kernel, CCM_SHA256_SIZE);
        g_string_append(out, "\", \"initrd_sha256\": \"");
        append_hex(out, sim->hashes.initrd, CCM_SHA256_SIZE);
        g_string_append(out, "\", \"cmdline\": ");
        ccm_json_string(out, sim->cmdline ? sim->cmdline : "");
    }
    g_string_append_printf(out, " },\n    \"reports\": %u }", sim->reports);
}
