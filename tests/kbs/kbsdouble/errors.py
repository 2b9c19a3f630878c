# SPDX-License-Identifier: LGPL-2.1-or-later
# errors.py - the KBS error body: {"type": ".../errors/<Variant>", "detail": "..."}.
"""KBS errors as the double reports them.

The KBS answers every error with 401 except the two path errors, which give 404; the
body names the error variant in the last segment of a URL-shaped "type".
"""

import json

ERROR_TYPE_BASE = "https://github.com/confidential-containers/kbs/errors/"

# The only variants that are not 401.
NOT_FOUND_VARIANTS = ("InvalidRequestPath", "PluginNotFound")


class KbsError(Exception):
    """An error answer: variant (type suffix), detail text and HTTP status."""

    content_type = "application/json"

    def __init__(self, variant, detail, status=None):
        super().__init__(detail)
        self.variant = variant
        self.detail = detail
        if status is None:
            status = 404 if variant in NOT_FOUND_VARIANTS else 401
        self.status = status

    def body(self):
        """The JSON body bytes of this error."""
        return json.dumps({"type": ERROR_TYPE_BASE + self.variant,
                           "detail": self.detail}).encode()


class KbsPanic(KbsError):
    """A request on which trustee panics (an unwrap() on None in its handler).

    The double answers 500 with a plain-text body naming the panic; trustee itself has
    no ErrorInformation body for it (actix may even drop the connection).
    """

    content_type = "text/plain; charset=utf-8"

    def __init__(self, detail):
        super().__init__("Panic", detail, 500)

    def body(self):
        return ("kbs-double: trustee panics on this request: %s\n" % self.detail).encode()
