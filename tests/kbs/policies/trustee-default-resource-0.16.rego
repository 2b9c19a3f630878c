# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The KBS double's model of the stock resource policy of Trustee 0.16
# (kbs/src/policy_engine/opa/default_policy.rego there): release anything to any TEE but
# Trustee's "sample" one, whatever the plugin and path. Written, like the original, in
# Rego v0 without imports, which that release's regorus (0.2.8) parses.
package policy

default allow = false

allow {
	not input.submods.cpu0["ear.veraison.annotated-evidence"].sample
}
