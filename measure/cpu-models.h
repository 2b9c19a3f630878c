/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cpu-models.h - CPUID signatures of QEMU's EPYC -cpu models */
#pragma once

#include <stdint.h>

/* CPUID(1).EAX for a family/model/stepping triple. */
uint32_t ccm_vcpu_signature(unsigned family, unsigned model, unsigned stepping);
