# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The KBS double's model of the stock resource policy of Trustee 0.17 and later
# (kbs/src/policy_engine/opa/default_policy.rego in 0.17 and 0.18,
# kbs/sample_policies/default.rego from 0.19): release through the "resource" plugin to
# any TEE but Trustee's "sample" one. Like the original, it uses Rego v1 keywords
# without importing them, which regorus 0.5 and later accept.
package policy

default allow = false

plugin = data.plugin

allow if {
	plugin == "resource"
	not input.submods.cpu0["ear.veraison.annotated-evidence"].sample
}
