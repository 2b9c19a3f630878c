# SPDX-License-Identifier: LGPL-2.1-or-later
# kbsdouble - the modules behind tests/kbs/kbs-double and tests/kbs/kbs-fake-tee: a test
# double of the Trustee KBS HTTP surface (admin API and RCAR attestation), see README.md.
