/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* expectation-sev.h - the expectation of a SEV, SEV-ES or SEV-SNP guest given by options */
#pragma once

#include "expectation.h"
#include "sev-report.h"
#include "sev-request.h"

/**
 * ccm_expectation_new_sev() - the expectation @req describes (`ccmctl measure` options,
 * or one `--batch` line)
 * @cache: firmware and file digests shared between guests; may be NULL
 *
 * With CCM_EXPECTATION_FIRMWARE_DIGEST only the SEV-SNP digest after the firmware pages.
 * Errors: G_OPTION_ERROR for inputs that do not fit together, G_IO_ERROR for files.
 */
CcmExpectation *ccm_expectation_new_sev(const CcmSevRequest *req, CcmSevCache *cache,
                                        CcmExpectationFlags flags, GError **error);
