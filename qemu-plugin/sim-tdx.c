/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim-tdx.c - a simulated TDX module: MRTD, the RTMRs OVMF would have extended, and quotes */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "sim-tdx.h"
#include "tee-key.h"

#define MAX_EVENTS 64
#define QUOTE_HEADER 48
#define QUOTE_BODY 584
#define QUOTE_SIGNED (QUOTE_HEADER + QUOTE_BODY)
/* The platform the simulated TDX module claims (the KBS double's defaults for fake TDX). */
static const uint8_t tee_tcb_svn[16] = { 0x04, 0x01, 0x02 };
static const uint8_t intel_qe_vendor[16] = { 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                             0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07 };

struct CcmSimTdx {
    CcmSimTdxConfig config;
    char *qe_key_path;
    EVP_PKEY *qe_key;
    GBytes *image;
    char *firmware_sha256;
    bool have_mrtd;
    uint8_t mrtd[CCM_SHA384_SIZE];
    bool measured;
    bool rtmr_known[4];
    uint8_t rtmr[4][CCM_SHA384_SIZE];
    char *layout, *note;
    uint64_t ram_size;
    bool kernel;
    CcmKernelHashes hashes;     /* SHA-256 of the kernel, initrd and command line read */
    bool initrd;
    char *cmdline;
    unsigned extends, quotes;
};

CcmSimTdx *ccm_sim_tdx_new(const CcmSimTdxConfig *config, char **ret_error)
{
    g_autoptr(CcmSimTdx) sim = g_new0(CcmSimTdx, 1);
    sim->config = *config;
    sim->qe_key_path = g_strdup(config->qe_key_path);
    sim->config.qe_key_path = sim->qe_key_path;
    if (config->qe_key_path &&
        !(sim->qe_key = ccm_tee_key_load(config->qe_key_path, "prime256v1", "qe-key", ret_error)))
        return NULL;
    return g_steal_pointer(&sim);
}

void ccm_sim_tdx_free(CcmSimTdx *sim)
{
    if (!sim)
        return;
    EVP_PKEY_free(sim->qe_key);
    if (sim->image)
        g_bytes_unref(sim->image);
    g_free(sim->qe_key_path);
    g_free(sim->firmware_sha256);
    g_free(sim->layout);
    g_free(sim->note);
    g_free(sim->cmdline);
    g_free(sim);
}

bool ccm_sim_tdx_set_firmware(CcmSimTdx *sim, const uint8_t *image, size_t size, char **ret_error)
{
    CcmError error = { 0 };
    if (ccm_tdx_mrtd(image, size, "the firmware mapped at reset", sim->config.order, NULL, NULL,
                     NULL, NULL, sim->mrtd, &error) < 0) {
        *ret_error = g_strdup(error.message);
        return false;
    }
    sim->have_mrtd = true;
    if (sim->image)
        g_bytes_unref(sim->image);
    sim->image = g_bytes_new(image, size);
    g_free(sim->firmware_sha256);
    sim->firmware_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, image, size);
    return true;
}

bool ccm_sim_tdx_measured(const CcmSimTdx *sim)
{
    return sim->measured;
}

bool ccm_sim_tdx_measure(CcmSimTdx *sim, const CcmBootBlobs *blobs, CcmFwCfgWatch *fw,
                         char **ret_error)
{
    if (sim->measured)
        return true;
    if (!sim->have_mrtd) {
        *ret_error = g_strdup("no TDX firmware was observed at reset");
        return false;
    }
    gsize size = 0;
    const uint8_t *image = g_bytes_get_data(sim->image, &size);
    const CcmTdxFirmwareProfile *profile = ccm_tdx_firmware_profile_find(image, size);
    CcmTdxLayout layout = profile ? profile->layout : CCM_TDX_LAYOUT_EDK2_202411;
    sim->layout = g_strdup(ccm_tdx_layout_to_string(layout));
    sim->ram_size = ccm_boot_blobs_ram_size(blobs);
    CcmTdxPredictedEvent events[MAX_EVENTS];
    size_t n = 0;
    CcmError error = { 0 };
    {
        uint8_t acpi[3][CCM_SHA384_SIZE];
        bool have_acpi = ccm_fw_cfg_item_sha384(fw, "etc/table-loader", acpi[0]) &&
                         ccm_fw_cfg_item_sha384(fw, "etc/acpi/rsdp", acpi[1]) &&
                         ccm_fw_cfg_item_sha384(fw, "etc/acpi/tables", acpi[2]);
        if (!sim->ram_size || !have_acpi) {
            *ret_error = g_strdup_printf("cannot derive RTMR0: the firmware read %s%s%s",
                                         sim->ram_size ? "" : "no e820 map",
                                         !sim->ram_size && !have_acpi ? " and " : "",
                                         have_acpi ? "" : "not all of QEMU's ACPI files");
            return false;
        }
        if (ccm_tdx_predict_rtmr0(image, size, "the firmware mapped at reset", sim->ram_size,
                                  layout, (const uint8_t (*)[CCM_SHA384_SIZE]) acpi, events, &n,
                                  &error) < 0) {
            *ret_error = g_strdup(error.message);
            return false;
        }
    }
    const GByteArray *kernel = ccm_boot_blobs_kernel_bytes(blobs);
    if (kernel) {
        uint8_t initrd[CCM_SHA384_SIZE];
        int64_t initrd_size = ccm_boot_blobs_initrd_sha384(blobs, initrd);
        /* OVMF measures the kernel bytes it read, whichever fw_cfg items they came from:
         * hash them as they are. */
        unsigned flags = CCM_TDX_BOOT_KERNEL_FILE |
                         (ccm_tdx_boot_flags(profile, profile ? 0 : 202411, -1, -1, 1) &
                          CCM_TDX_BOOT_INITRD_FIRST);
        if (ccm_tdx_predict_direct_boot(kernel->data, kernel->len, sim->ram_size, initrd_size,
                                        initrd_size >= 0 ? initrd : NULL,
                                        ccm_boot_blobs_cmdline(blobs), layout, flags, events,
                                        MAX_EVENTS, &n, NULL, &error) < 0) {
            *ret_error = g_strdup_printf("the kernel read over fw_cfg: %s", error.message);
            return false;
        }
        sim->kernel = true;
        ccm_boot_blobs_hashes(blobs, &sim->hashes);
        sim->initrd = initrd_size >= 0;
        sim->cmdline = g_strdup(ccm_boot_blobs_cmdline(blobs));
    }
    CcmTdxEvent replay[MAX_EVENTS];
    size_t nr = 0;
    bool complete[4] = { true, true, true, true };
    for (size_t i = 0; i < n; i++) {
        if (!events[i].known) {
            complete[events[i].rtmr & 3] = false; /* e.g. 202505's SMBIOS event */
            continue;
        }
        replay[nr] = (CcmTdxEvent) { .rtmr = events[i].rtmr, .type = events[i].type };
        memcpy(replay[nr++].digest, events[i].digest, CCM_SHA384_SIZE);
    }
    if (ccm_tdx_replay(replay, nr, sim->rtmr, &error) < 0) {
        *ret_error = g_strdup(error.message);
        return false;
    }
    for (int i = 0; i < 4; i++)
        sim->rtmr_known[i] = complete[i];
    if (!complete[0])
        sim->note = g_strdup("RTMR0 has events this does not predict (edk2 202505 on: the SMBIOS "
                             "table); it is shown as null");
    sim->measured = true;
    return true;
}

bool ccm_sim_tdx_extend(CcmSimTdx *sim, unsigned index, const uint8_t data[CCM_SHA384_SIZE],
                        char **ret_error)
{
    if (index != 2 && index != 3) {
        *ret_error = g_strdup_printf("RTMR%u cannot be extended by the guest (2 and 3 can)", index);
        return false;
    }
    uint8_t both[2 * CCM_SHA384_SIZE];
    memcpy(both, sim->rtmr[index], CCM_SHA384_SIZE);
    memcpy(both + CCM_SHA384_SIZE, data, CCM_SHA384_SIZE);
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA384);
    g_checksum_update(c, both, sizeof(both));
    gsize len = CCM_SHA384_SIZE;
    g_checksum_get_digest(c, sim->rtmr[index], &len);
    g_checksum_free(c);
    sim->extends++;
    return true;
}

static void store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

bool ccm_sim_tdx_quote(CcmSimTdx *sim, const CcmBootBlobs *blobs, CcmFwCfgWatch *fw,
                       const uint8_t report_data[64], uint8_t q[CCM_SIM_TDX_QUOTE_SIZE],
                       char **ret_error)
{
    if (!sim->qe_key) {
        *ret_error = g_strdup("tee=tdx without qe-key=: this simulated TDX makes no quotes");
        return false;
    }
    if (!ccm_sim_tdx_measure(sim, blobs, fw, ret_error))
        return false;
    memset(q, 0, CCM_SIM_TDX_QUOTE_SIZE);
    /* Header: version 4, ECDSA P-256 attestation key (2), TEE type TDX (0x81). */
    q[0] = 4;
    q[2] = 2;
    q[4] = 0x81;
    memcpy(q + 12, intel_qe_vendor, sizeof(intel_qe_vendor));
    uint8_t *b = q + QUOTE_HEADER;
    memcpy(b, tee_tcb_svn, sizeof(tee_tcb_svn));             /* 0: TEE_TCB_SVN */
    memset(b + 16, 0x5e, CCM_SHA384_SIZE);                      /* 16: MRSEAM */
    /* 64: MRSIGNERSEAM, 112: SEAMATTRIBUTES stay zero */
    store_le64(b + 120, sim->config.td_attributes);             /* 120: TDATTRIBUTES */
    store_le64(b + 128, sim->config.xfam);                      /* 128: XFAM */
    memcpy(b + 136, sim->mrtd, CCM_SHA384_SIZE);                /* 136: MRTD */
    memcpy(b + 184, sim->config.mrconfigid, CCM_SHA384_SIZE);   /* 184: MRCONFIGID */
    /* 232: MROWNER, 280: MROWNERCONFIG stay zero */
    for (int i = 0; i < 4; i++)
        memcpy(b + 328 + 48 * i, sim->rtmr[i], CCM_SHA384_SIZE); /* 328: RTMR0..3 */
    memcpy(b + 520, report_data, 64);                           /* 520: REPORTDATA */
    q[QUOTE_SIGNED] = 64;                                       /* u32 signature size */

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[128];
    size_t der_len = sizeof(der);
    bool ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, sim->qe_key) == 1 &&
              EVP_DigestSign(ctx, der, &der_len, q, QUOTE_SIGNED) == 1;
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = ok ? d2i_ECDSA_SIG(NULL, &p, (long) der_len) : NULL;
    ok = sig && BN_bn2binpad(ECDSA_SIG_get0_r(sig), q + QUOTE_SIGNED + 4, 32) == 32 &&
         BN_bn2binpad(ECDSA_SIG_get0_s(sig), q + QUOTE_SIGNED + 36, 32) == 32;
    ECDSA_SIG_free(sig);
    if (!ok) {
        *ret_error = g_strdup("cannot sign the quote (OpenSSL failed)");
        return false;
    }
    sim->quotes++;
    return true;
}

static void append_hex(GString *out, const uint8_t *p, size_t n)
{
    g_string_append_c(out, '"');
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(out, "%02x", p[i]);
    g_string_append_c(out, '"');
}

void ccm_sim_tdx_append_json(const CcmSimTdx *sim, GString *out)
{
    g_string_append(out, "{ \"platform\": \"tdx\", \"mrtd\": ");
    if (!sim->have_mrtd) {
        g_string_append(out, "null }");
        return;
    }
    append_hex(out, sim->mrtd, sizeof(sim->mrtd));
    g_string_append(out, ",\n    \"rtmr\": ");
    if (sim->measured) {
        g_string_append_c(out, '[');
        for (int i = 0; i < 4; i++) {
            if (i)
                g_string_append(out, ", ");
            if (sim->rtmr_known[i])
                append_hex(out, sim->rtmr[i], CCM_SHA384_SIZE);
            else
                g_string_append(out, "null");
        }
        g_string_append_c(out, ']');
    } else {
        g_string_append(out, "null");
    }
    g_string_append_printf(out, ",\n    \"inputs\": { \"firmware_sha256\": \"%s\", \"page_order\": "
                                "\"%s\"",
                           sim->firmware_sha256, ccm_tdx_page_order_to_string(sim->config.order));
    if (sim->measured)
        g_string_append_printf(out, ", \"layout\": \"%s\", \"memory\": %" G_GUINT64_FORMAT
                                    ", \"direct_boot\": %s",
                               sim->layout, sim->ram_size, sim->kernel ? "true" : "false");
    if (sim->kernel) {
        g_string_append(out, ",\n      \"kernel_sha256\": ");
        append_hex(out, sim->hashes.kernel, CCM_SHA256_SIZE);
        g_string_append(out, ", \"initrd_sha256\": ");
        if (sim->initrd)
            append_hex(out, sim->hashes.initrd, CCM_SHA256_SIZE);
        else
            g_string_append(out, "null");
        g_string_append(out, ", \"cmdline\": ");
        ccm_json_string(out, sim->cmdline ? sim->cmdline : "");
    }
    g_string_append(out, ", \"mrconfigid\": ");
    append_hex(out, sim->config.mrconfigid, CCM_SHA384_SIZE);
    g_string_append_printf(out, " },\n    \"extends\": %u, \"quotes\": %u%s%s%s }", sim->extends,
                           sim->quotes, sim->note ? ", \"note\": \"" : "",
                           sim->note ? sim->note : "", sim->note ? "\"" : "");
}
