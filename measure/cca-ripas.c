/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-ripas.c - how the host cuts an RTT_INIT_RIPAS range into RTT entries
 *
 * Theory of operation (cca.md §2.5). RMM 1.0 extends the RIM once per RTT entry that
 * RMI_RTT_INIT_RIPAS marks, so the descriptors depend on the host's RTT layout. Linux
 * KVM starts with the maximal number of concatenated tables at the start level (4 -
 * floor((s2sz - 8) / 9) with 4 KiB granules) and, at each address, uses the biggest
 * block that is aligned there and fits before the end of the range, creating deeper
 * tables only where it must. Walking the range greedily from the start level down to
 * 4 KiB pages reproduces that sequence of (base, top) pairs.
 */
#include <glib.h>

#include "cca-ripas.h"

int ccm_cca_rtt_start_level(uint32_t s2sz)
{
    g_assert(s2sz >= 8);
    int level = 4 - (int) ((s2sz - 8) / 9);
    return level < 0 ? 0 : level;
}

uint64_t ccm_cca_rtt_entry_size(int level)
{
    g_assert(level >= 0 && level <= 3);
    return (uint64_t) CCM_CCA_GRANULE << (9 * (3 - level));
}

uint64_t ccm_cca_ripas_entry(uint32_t s2sz, uint64_t base, uint64_t top)
{
    g_assert(base < top && base % CCM_CCA_GRANULE == 0 && top % CCM_CCA_GRANULE == 0);
    for (int level = ccm_cca_rtt_start_level(s2sz); level < 3; level++) {
        uint64_t size = ccm_cca_rtt_entry_size(level);
        if (base % size == 0 && top - base >= size)
            return size;
    }
    return CCM_CCA_GRANULE;
}
