# SPDX-License-Identifier: LGPL-2.1-or-later
#
# ccm's resource policy for Trustee's KBS (the one resource policy a KBS has), installed
# with ccm-attestation.rego. It is the same text on every host and for every Trustee
# release ccm supports (0.16 to 0.21), so several hosts sharing one broker never
# overwrite each other's policy.
#
# A guest's resources live in the repository ccm-<key>, where <key> is its identity as
# ccm-attestation.rego builds it from input.init_data ("ccmctl status NAME" prints the
# full paths). Such a resource is released only to a guest whose attestation was
# affirming with ccm's mark (instance-identity 2: every value ccm registered for the
# identity matched) and whose identity names the repository. Every other request is
# judged as Trustee's stock default resource policy of that release judges it: any
# guest whose evidence is not Trustee's "sample" TEE, and from 0.17 only through the
# "resource" plugin.
#
# The requested path reaches the policy as data["resource-path"]: until Trustee 0.16 the
# string "resource/<repository>/<type>/<tag>", from 0.17 the list [repository, type, tag]
# with the plugin's name in data.plugin.
package policy

import rego.v1

default allow := false

cpu := input.submods.cpu0

segments := data["resource-path"] if is_array(data["resource-path"])

segments := split(data["resource-path"], "/") if is_string(data["resource-path"])

repository := data["resource-path"][0] if is_array(data["resource-path"])

repository := split(data["resource-path"], "/")[1] if is_string(data["resource-path"])

# The plugin serving the request: named from 0.17, always "resource" before.
default plugin := "resource"

plugin := data.plugin

guest_key := replace(replace(trim_right(cpu["ear.veraison.annotated-evidence"].init_data, "="), "+", "-"), "/", "_")

# A request that names a ccm repository anywhere in its path is ccm's to decide: should
# the path be read wrongly, the request is denied, never judged by the stock rule.
ccm_repository if {
	some segment in segments
	startswith(segment, "ccm-")
}

allow if {
	ccm_repository
	plugin == "resource"
	cpu["ear.status"] == "affirming"
	cpu["ear.trustworthiness-vector"]["instance-identity"] == 2
	repository == concat("", ["ccm-", guest_key])
}

# Trustee's stock default for every other request.
allow if {
	not ccm_repository
	plugin == "resource"
	not sample_evidence
}

sample_evidence if input.submods.cpu0["ear.veraison.annotated-evidence"].sample
