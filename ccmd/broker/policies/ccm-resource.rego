# SPDX-License-Identifier: LGPL-2.1-or-later
# ccm-policy: resource 1
#
# ccm's resource policy for Trustee's KBS. ccmd installs it when [Registration]
# Policies=install (ccmd.conf(5)); it is the same text on every host, so several hosts
# sharing one broker never overwrite each other's policy.
#
# A guest's resources live in the repository ccm-<identity hex>, where the identity is
# the guest's SEV-SNP HOST_DATA (see ccm-attestation.rego): "ccmctl status NAME" prints
# the full paths of the [Broker] Resource= entries of its spec. A resource is released
# only to a guest whose attestation was affirming - its measurement is the one ccmd
# registered for that identity - and whose identity names the repository.
package policy

import rego.v1

default allow := false

cpu := input.submods.cpu0

allow if {
	cpu["ear.status"] == "affirming"
	identity := cpu["ear.veraison.annotated-evidence"].snp.init_data
	split(data["resource-path"], "/")[0] == concat("", ["ccm-", identity])
}
