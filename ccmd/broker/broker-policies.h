/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* broker-policies.h - the Rego policies ccm installs on a Trustee KBS */
#pragma once

#include <glib.h>

/**
 * ccm_broker_policies_load() - the policy texts for Trustee 0.@trustee_minor
 * @dir: where they are (NULL: the installed CCM_POLICY_DIR)
 * @ret_attestation: the attestation policy to install as default_cpu: ccm's rules for
 *                   the guests it registered (ccm-attestation.rego) over Trustee's own
 *                   default judgement of that release, restated in
 *                   trustee-default-cpu-0.N.rego, so that every other guest is judged as
 *                   before
 * @ret_resource: the resource policy (ccm-resource.rego)
 *
 * Errors name the file that cannot be read.
 */
gboolean ccm_broker_policies_load(const char *dir, unsigned trustee_minor,
                                  char **ret_attestation, char **ret_resource, GError **error);

/* The file that restates Trustee 0.@trustee_minor's default_cpu judgement
 * ("trustee-default-cpu-0.17.rego" for 0.17 and 0.18, ...). */
const char *ccm_broker_stock_policy_file(unsigned trustee_minor);
