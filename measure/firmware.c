/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware.c - a parsed firmware image, shared by every guest that boots it
 *
 * Opening an image maps it, checks that it is a whole number of 4 KiB pages, walks
 * its footer table and reads its SEV entries. Hashing the firmware pages is by far the
 * most expensive part of a measurement, so the SNP digest after the firmware pages and
 * the SEV SHA-256 state after the firmware bytes are computed once per object, on
 * first use, and shared (under a lock) by every guest that uses it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "firmware.h"
#include "snp-chain.h"

static int firmware_parse(CcmFirmware *fw, CcmError *reterr)
{
    int r;

    if (fw->size == 0 || fw->size % CCM_SNP_PAGE_SIZE != 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: firmware image is %zu bytes, expected a non-zero multiple "
                             "of 4096 (truncated or not a firmware image?)",
                             fw->name, fw->size);
    if ((r = ccm_ovmf_table_parse(fw->data, fw->size, fw->name, &fw->table, reterr)) < 0)
        return r;
    return ccm_sev_info_parse(fw->data, fw->size, &fw->table, fw->name, &fw->sev, reterr);
}

static CcmFirmware *firmware_alloc(const char *name)
{
    CcmFirmware *fw = calloc(1, sizeof(*fw));

    if (!fw)
        return NULL;
    fw->name = strdup(name);
    if (!fw->name) {
        free(fw);
        return NULL;
    }
    fw->refcount = 1;
    g_mutex_init(&fw->lock);
    return fw;
}

int ccm_firmware_open(const char *path, CcmFirmware **ret, CcmError *reterr)
{
    if (!path || !ret)
        return ccm_error_set(reterr, -EINVAL, "ccm_firmware_open: path and ret are required");

    g_autoptr(CcmMappedFile) file = NULL;
    int r = ccm_mapped_file_open(path, CCM_FIRMWARE_MAX_SIZE, "firmware", &file, reterr);
    if (r < 0)
        return r;

    CcmFirmware *fw = firmware_alloc(path);
    if (!fw)
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", path);
    fw->data = file->data;
    fw->size = file->size;
    fw->file = g_steal_pointer(&file);

    if ((r = firmware_parse(fw, reterr)) < 0) {
        ccm_firmware_unref(fw);
        return r;
    }
    *ret = fw;
    return 0;
}

int ccm_firmware_new_from_data(const void *data, size_t size, const char *name,
                               CcmFirmware **ret, CcmError *reterr)
{
    if ((!data && size > 0) || !name || !ret)
        return ccm_error_set(reterr, -EINVAL,
                             "ccm_firmware_new_from_data: data, name and ret are required");
    if (size > CCM_FIRMWARE_MAX_SIZE)
        return ccm_error_set(reterr, -EFBIG,
                             "%s: firmware is %zu bytes, larger than the %" G_GUINT64_FORMAT
                             " bytes accepted",
                             name, size, CCM_FIRMWARE_MAX_SIZE);

    CcmFirmware *fw = firmware_alloc(name);
    if (!fw || !(fw->owned_data = malloc(size ? size : 1))) {
        ccm_firmware_unref(fw);
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", name);
    }
    if (size > 0)
        memcpy(fw->owned_data, data, size);
    fw->data = fw->owned_data;
    fw->size = size;

    int r = firmware_parse(fw, reterr);
    if (r < 0) {
        ccm_firmware_unref(fw);
        return r;
    }
    *ret = fw;
    return 0;
}

CcmFirmware *ccm_firmware_ref(CcmFirmware *fw)
{
    if (fw)
        g_atomic_int_inc(&fw->refcount);
    return fw;
}

void ccm_firmware_unref(CcmFirmware *fw)
{
    if (!fw || !g_atomic_int_dec_and_test(&fw->refcount))
        return;
    if (fw->have_sev_prefix)
        ccm_hasher_done(&fw->sev_prefix);
    g_mutex_clear(&fw->lock);
    ccm_mapped_file_free(fw->file);
    free(fw->owned_data);
    free(fw->name);
    free(fw);
}

const char *ccm_firmware_name(const CcmFirmware *fw)
{
    return fw ? fw->name : NULL;
}

uint64_t ccm_firmware_size(const CcmFirmware *fw)
{
    return fw ? fw->size : 0;
}

uint64_t ccm_firmware_gpa(const CcmFirmware *fw)
{
    return fw ? UINT64_C(0x100000000) - fw->size : 0;
}

int ccm_firmware_sev_es_reset_address(const CcmFirmware *fw, uint32_t *ret_address)
{
    if (!fw || !ret_address)
        return -EINVAL;
    if (!fw->sev.has_reset_block)
        return -ENOENT;
    *ret_address = fw->sev.reset_address;
    return 0;
}

int ccm_firmware_kernel_hashes_area(const CcmFirmware *fw, uint32_t *ret_base,
                                    uint32_t *ret_size)
{
    if (!fw || !ret_base || !ret_size)
        return -EINVAL;
    if (!fw->sev.has_hash_table_block || fw->sev.hash_table_base == 0 ||
        fw->sev.hash_table_size == 0)
        return -ENOENT;
    *ret_base = fw->sev.hash_table_base;
    *ret_size = fw->sev.hash_table_size;
    return 0;
}

size_t ccm_firmware_n_sev_sections(const CcmFirmware *fw)
{
    return fw ? fw->sev.n_sections : 0;
}

int ccm_firmware_sev_section(const CcmFirmware *fw, size_t index, CcmSevSection *ret_section)
{
    if (!fw || !ret_section)
        return -EINVAL;
    if (index >= fw->sev.n_sections)
        return -ERANGE;
    *ret_section = fw->sev.sections[index];
    return 0;
}

static int firmware_snp_digest_locked(CcmFirmware *fw, CcmError *reterr)
{
    if (fw->have_snp_digest)
        return 0;

    CcmSnpChain chain;
    int r = ccm_snp_chain_init(&chain, NULL);
    if (r == 0)
        r = ccm_snp_chain_add_data(&chain, ccm_firmware_gpa(fw), CCM_SNP_PAGE_NORMAL, fw->data,
                                   fw->size);
    if (r == 0)
        memcpy(fw->snp_digest, chain.digest, sizeof(fw->snp_digest));
    ccm_snp_chain_done(&chain);
    if (r < 0)
        return ccm_error_set(reterr, r, "%s: hashing the firmware pages failed: %s", fw->name,
                             g_strerror(-r));
    fw->have_snp_digest = true;
    return 0;
}

int ccm_firmware_snp_digest(CcmFirmware *fw, uint8_t *ret_digest, CcmError *reterr)
{
    if (!fw || !ret_digest)
        return ccm_error_set(reterr, -EINVAL, "ccm_firmware_snp_digest: arguments missing");

    g_mutex_lock(&fw->lock);
    int r = firmware_snp_digest_locked(fw, reterr);
    if (r == 0)
        memcpy(ret_digest, fw->snp_digest, sizeof(fw->snp_digest));
    g_mutex_unlock(&fw->lock);
    return r;
}

static int firmware_sev_prefix_locked(CcmFirmware *fw, CcmError *reterr)
{
    if (fw->have_sev_prefix)
        return 0;

    int r = ccm_hasher_init(&fw->sev_prefix, CCM_HASH_SHA256);
    if (r == 0 && (r = ccm_hasher_start(&fw->sev_prefix)) == 0)
        r = ccm_hasher_update(&fw->sev_prefix, fw->data, fw->size);
    if (r < 0) {
        ccm_hasher_done(&fw->sev_prefix);
        return ccm_error_set(reterr, r, "%s: hashing the firmware failed: %s", fw->name,
                             g_strerror(-r));
    }
    fw->have_sev_prefix = true;
    return 0;
}

int ccm_firmware_sev_prefix(CcmFirmware *fw, CcmHasher *ret, CcmError *reterr)
{
    g_mutex_lock(&fw->lock);
    int r = firmware_sev_prefix_locked(fw, reterr);
    if (r == 0 && (r = ccm_hasher_copy(ret, &fw->sev_prefix)) < 0)
        ccm_error_set(reterr, r, "%s: copying the hash state failed", fw->name);
    g_mutex_unlock(&fw->lock);
    return r;
}
