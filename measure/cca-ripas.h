/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cca-ripas.h - how the host cuts an RTT_INIT_RIPAS range into RTT entries */
#pragma once

#include <stdint.h>

#define CCM_CCA_GRANULE 4096u

/* The RTT start level KVM uses for @s2sz (4 KiB granule, concatenated start tables). */
int ccm_cca_rtt_start_level(uint32_t s2sz);

/* Bytes one entry of an RTT at @level maps (level 3: 4 KiB ... level 0: 512 GiB). */
uint64_t ccm_cca_rtt_entry_size(int level);

/**
 * ccm_cca_ripas_entry() - the RTT entry that starts at @base, for a range ending at @top
 *
 * The largest block of a level between the start level and 3 that is aligned at @base
 * and ends at or below @top. @base and @top are 4 KiB aligned, @base < @top.
 * Return: the entry's size in bytes.
 */
uint64_t ccm_cca_ripas_entry(uint32_t s2sz, uint64_t base, uint64_t top);
