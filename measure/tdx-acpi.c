/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-acpi.c - QEMU's ACPI RSDP and table-loader script, derived from its tables blob
 *
 * RTMR0 measures three fw_cfg files as QEMU serves them: etc/acpi/tables, etc/acpi/rsdp
 * and etc/table-loader (the script that tells the firmware where to put the tables and
 * which pointers and checksums to fix). For the q35 machine the last two follow from
 * the first (tdx.md §4.4): the RSDP names the RSDT's offset; the loader allocates both
 * files, then for each table in blob order adds the FACP's and RSDT's pointers and the
 * table's checksum (not for FACS), and ends with the RSDP's pointer and checksum.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "error.h"

#define CMD_ALLOCATE 1u
#define CMD_ADD_POINTER 2u
#define CMD_ADD_CHECKSUM 3u
#define RECORD 128
#define NAME 56
#define ZONE_HIGH 1
#define ZONE_FSEG 2

static const char rsdp_file[] = "etc/acpi/rsdp";
static const char tables_file[] = "etc/acpi/tables";

typedef struct Loader {
    uint8_t *out;
    size_t n;
} Loader;

static uint8_t *next(Loader *l, uint32_t command)
{
    if ((l->n + 1) * RECORD > 4096)
        return NULL;
    uint8_t *r = l->out + l->n++ * RECORD;
    ccm_store_le32(r, command);
    return r;
}

static int allocate(Loader *l, const char *file, uint32_t align, uint8_t zone)
{
    uint8_t *r = next(l, CMD_ALLOCATE);
    if (!r)
        return -E2BIG;
    memcpy(r + 4, file, strlen(file));
    ccm_store_le32(r + 60, align);
    r[64] = zone;
    return 0;
}

static int add_pointer(Loader *l, const char *dest, const char *src, uint32_t offset,
                       uint8_t size)
{
    uint8_t *r = next(l, CMD_ADD_POINTER);
    if (!r)
        return -E2BIG;
    memcpy(r + 4, dest, strlen(dest));
    memcpy(r + 60, src, strlen(src));
    ccm_store_le32(r + 116, offset);
    r[120] = size;
    return 0;
}

static int add_checksum(Loader *l, const char *file, uint32_t result, uint32_t start,
                        uint32_t length)
{
    uint8_t *r = next(l, CMD_ADD_CHECKSUM);
    if (!r)
        return -E2BIG;
    memcpy(r + 4, file, strlen(file));
    ccm_store_le32(r + 60, result);
    ccm_store_le32(r + 64, start);
    ccm_store_le32(r + 68, length);
    return 0;
}

int ccm_tdx_acpi_derive(const void *tables_data, size_t size, uint8_t *ret_rsdp,
                        uint8_t *ret_loader, CcmError *reterr)
{
    const uint8_t *t = tables_data;
    Loader l = { .out = ret_loader };
    size_t off = 0, rsdt = SIZE_MAX;
    bool facp = false;
    int r;

    if ((!t && size) || !ret_rsdp || !ret_loader)
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_acpi_derive: bad arguments");
    memset(ret_loader, 0, CCM_ACPI_LOADER_SIZE);
    if ((r = allocate(&l, rsdp_file, 16, ZONE_FSEG)) < 0 ||
        (r = allocate(&l, tables_file, 64, ZONE_HIGH)) < 0)
        goto too_many;
    while (off + 8 <= size && memcmp(t + off, "\0\0\0\0", 4) != 0) {
        uint32_t len = ccm_load_le32(t + off + 4);
        char sig[5] = { 0 };
        memcpy(sig, t + off, 4);
        if (len < 36 && strcmp(sig, "FACS") != 0)
            return ccm_error_set(reterr, -EBADMSG,
                                 "etc/acpi/tables: table '%s' at 0x%zx claims %u bytes", sig,
                                 off, len);
        if (len < 8 || len > size - off)
            return ccm_error_set(reterr, -EBADMSG,
                                 "etc/acpi/tables: table '%s' at 0x%zx runs past the blob", sig,
                                 off);
        if (strcmp(sig, "XSDT") == 0)
            return ccm_error_set(reterr, -ENOTSUP,
                                 "etc/acpi/tables has an XSDT; the derivation covers RSDT "
                                 "machines (q35) only: use the captured loader and RSDP");
        if (strcmp(sig, "FACP") == 0) {
            if (len < 148)
                return ccm_error_set(reterr, -EBADMSG,
                                     "etc/acpi/tables: FACP at 0x%zx is %u bytes", off, len);
            facp = true;
            if ((r = add_pointer(&l, tables_file, tables_file, (uint32_t) off + 36, 4)) < 0 ||
                (r = add_pointer(&l, tables_file, tables_file, (uint32_t) off + 40, 4)) < 0 ||
                (r = add_pointer(&l, tables_file, tables_file, (uint32_t) off + 140, 8)) < 0)
                goto too_many;
        } else if (strcmp(sig, "RSDT") == 0) {
            rsdt = off;
            for (uint32_t e = 36; e + 4 <= len; e += 4)
                if ((r = add_pointer(&l, tables_file, tables_file, (uint32_t) off + e, 4)) < 0)
                    goto too_many;
        }
        if (strcmp(sig, "FACS") != 0 &&
            (r = add_checksum(&l, tables_file, (uint32_t) off + 9, (uint32_t) off, len)) < 0)
            goto too_many;
        off += len;
    }
    if (rsdt == SIZE_MAX || !facp)
        return ccm_error_set(reterr, -ENOTSUP,
                             "etc/acpi/tables has no %s; the derivation needs an RSDT and a FACP",
                             rsdt == SIZE_MAX ? "RSDT" : "FACP");
    memset(ret_rsdp, 0, CCM_ACPI_RSDP_SIZE);
    memcpy(ret_rsdp, "RSD PTR ", 8);
    memcpy(ret_rsdp + 9, "BOCHS ", 6);
    ccm_store_le32(ret_rsdp + 16, (uint32_t) rsdt);
    if ((r = add_pointer(&l, rsdp_file, tables_file, 16, 4)) < 0 ||
        (r = add_checksum(&l, rsdp_file, 8, 0, CCM_ACPI_RSDP_SIZE)) < 0)
        goto too_many;
    return 0;
too_many:
    return ccm_error_set(reterr, -EBADMSG,
                         "etc/acpi/tables has more tables than a 4096-byte loader holds");
}
