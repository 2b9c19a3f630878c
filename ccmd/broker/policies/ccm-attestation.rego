# SPDX-License-Identifier: LGPL-2.1-or-later
# ccm-policy: attestation 1
#
# ccm's attestation policy for Trustee's attestation service (policy id default_cpu).
# ccmd installs it when [Registration] Policies=install (ccmd.conf(5)).
#
# Every guest ccmd registers has an identity: the 32 bytes of its SEV-SNP HOST_DATA,
# which ccmd sets at launch and the hardware reports (claim input.snp.init_data, hex).
# ccmd registers the guest's expected launch measurement under a reference value name
# that only this guest uses: ccm/<identity hex>/snp_launch_measurement, a list of hex
# digests. A guest is affirming only when its reported measurement is in the list
# registered for its own identity, and the guest policy does not allow debugging or
# migration by a migration agent. Anything else stays at the contraindicated defaults.
package policy

import rego.v1

default executables := 33
default hardware := 97
default configuration := 36

expected_measurements := query_reference_value(concat("", ["ccm/", input.snp.init_data, "/snp_launch_measurement"]))

executables := 3 if {
	input.snp.measurement in expected_measurements
}

# The verifier has checked the report's signature chain (VCEK/VLEK) and VMPL 0.
hardware := 2 if {
	input.snp.measurement in expected_measurements
}

configuration := 2 if {
	input.snp.policy_debug_allowed == false
	input.snp.policy_migrate_ma == false
}
