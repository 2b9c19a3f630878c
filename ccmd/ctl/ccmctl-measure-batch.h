/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl-measure-batch.h - `ccmctl measure --batch`: many guests, firmware read once */
#pragma once

#include <stdbool.h>

#include "expectation-sev.h"

/* Return: the exit code. */
int ccmctl_measure_batch(const char *path, const CcmSevRequest *defaults,
                         bool firmware_digest_only, bool with_steps);
