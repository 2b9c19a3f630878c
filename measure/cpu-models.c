/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu-models.c - CPUID signatures of QEMU's EPYC -cpu models
 *
 * The VMSA's RDX holds the signature of the guest's -cpu model, not of the host CPU.
 * The table lists QEMU's EPYC models (target/i386/cpu.c). QEMU's versioned variants
 * ("-v2", ...) change features and cache data but never family, model or stepping, so
 * every version shares its base model's signature.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"
#include "cpu-models.h"

typedef struct CpuModel {
    const char *name;
    unsigned family, model, stepping;
    unsigned max_version; /* highest "-vN" QEMU defines, as far as ccm knows */
} CpuModel;

static const CpuModel models[] = {
    { "EPYC", 23, 1, 2, 5 },
    { "EPYC-Rome", 23, 49, 0, 5 },
    { "EPYC-Milan", 25, 1, 1, 4 },
    { "EPYC-Genoa", 25, 17, 0, 3 },
    { "EPYC-Turin", 26, 0, 0, 2 },
};

/* Aliases QEMU registers for a particular version. */
static const struct {
    const char *alias;
    const char *model;
} aliases[] = {
    { "EPYC-IBPB", "EPYC" },
};

uint32_t ccm_vcpu_signature(unsigned family, unsigned model, unsigned stepping)
{
    unsigned base_family = family > 15 ? 15 : family;
    unsigned ext_family = family > 15 ? family - 15 : 0;

    return (ext_family << 20) | ((model >> 4) << 16) | (base_family << 8) |
           ((model & 0xF) << 4) | (stepping & 0xF);
}

/* "-vN" with 1 <= N <= max, exactly (no leading zeros, no sign). */
static int parse_version_suffix(const char *suffix, unsigned max)
{
    if (suffix[0] != '-' || suffix[1] != 'v' || suffix[2] < '1' || suffix[2] > '9')
        return -ENOENT;
    char *end;
    unsigned long v = strtoul(suffix + 2, &end, 10);
    if (*end != '\0' || v > max)
        return -ENOENT;
    return 0;
}

int ccm_vcpu_signature_from_model(const char *name, uint32_t *ret_signature)
{
    if (!name || !ret_signature)
        return -EINVAL;

    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(name, aliases[i].alias) == 0)
            name = aliases[i].model;

    /* Longest base name first, so "EPYC-Rome" is not read as "EPYC" + suffix. */
    const CpuModel *best = NULL;
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        size_t n = strlen(models[i].name);
        if (strncmp(name, models[i].name, n) != 0)
            continue;
        if (name[n] != '\0' && parse_version_suffix(name + n, models[i].max_version) < 0)
            continue;
        if (!best || n > strlen(best->name))
            best = &models[i];
    }
    if (!best)
        return -ENOENT;

    *ret_signature = ccm_vcpu_signature(best->family, best->model, best->stepping);
    return 0;
}

const char *ccm_vcpu_model_name(size_t index)
{
    return index < sizeof(models) / sizeof(models[0]) ? models[index].name : NULL;
}
