/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cca-realm.h - what the CCA files share inside the library */
#pragma once

#include "ccm/measure.h"
#include "digest.h"

/* The digest behind an RmiHashAlgorithm value (which must be valid). */
CcmHashAlgorithm ccm_cca_hash_algorithm(CcmCcaHash hash);
