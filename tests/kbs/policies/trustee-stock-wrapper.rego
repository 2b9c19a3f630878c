# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The KBS double's model of Trustee's stock default_cpu attestation policy is this wrapper
# appended to ccm's restatement of that release's stock logic,
# ccmd/broker/policies/trustee-default-cpu-0.<N>.rego (rules stock_*, reference values
# read through rv(NAME)). The wrapper publishes what the stock policy publishes: the
# eight claim rules, the claims object under both names (Trustee 0.16 reads "result",
# 0.17 and later "trust_claims") and the extensions (read from 0.17).
package policy

import rego.v1

rv(name) := query_reference_value(name)

executables := stock_executables

hardware := stock_hardware

configuration := stock_configuration

file_system := stock_file_system

instance_identity := stock_instance_identity

runtime_opaque := stock_runtime_opaque

storage_opaque := stock_storage_opaque

sourced_data := stock_sourced_data

trust_claims := {
	"executables": executables,
	"hardware": hardware,
	"configuration": configuration,
	"file-system": file_system,
	"instance-identity": instance_identity,
	"runtime-opaque": runtime_opaque,
	"storage-opaque": storage_opaque,
	"sourced-data": sourced_data,
}

result := trust_claims

extensions := stock_extensions
