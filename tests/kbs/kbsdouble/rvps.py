# SPDX-License-Identifier: LGPL-2.1-or-later
# rvps.py - the reference value store behind /kbs/v0/reference-value.
"""Reference value provider: message parsing, the sample extractor, storage.

A message is {"version": "0.1.0" (the default when absent), "type": <extractor>,
"payload": <string>}. Only the sample extractor is implemented: its payload is
standard base64 (with padding) of a JSON object, and every top-level key becomes a
reference value holding the JSON value unchanged. A second registration of a key
replaces it. Each record keeps an expiration a year ahead, which - like trustee since
v0.16 - nothing ever checks.
"""

import datetime
import json
import threading

from .codec import b64std_decode
from .errors import KbsError

MESSAGE_VERSION = "0.1.0"
KNOWN_UNSUPPORTED_EXTRACTORS = ("swid", "corim")


def _register_error(cause):
    return KbsError("RvpsError",
                    "RVPS configuration failed: Failed to register reference value: " + cause)


class ReferenceValueStore:
    """Thread-safe name -> record map."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records = {}

    def register(self, message_bytes):
        """Parse an RVPS message and store its values; KbsError(RvpsError) on any fault."""
        try:
            message = json.loads(message_bytes)
        except (ValueError, UnicodeDecodeError) as e:
            raise _register_error("the message is not JSON: %s" % e) from None
        if not isinstance(message, dict):
            raise _register_error("the message is not a JSON object")
        version = message.get("version", MESSAGE_VERSION)
        if version != MESSAGE_VERSION:
            raise _register_error("message version %r does not match the supported %s"
                                  % (version, MESSAGE_VERSION))
        kind = message.get("type")
        payload = message.get("payload")
        if not isinstance(kind, str):
            raise _register_error("the message has no string type")
        if not isinstance(payload, str):
            raise _register_error("the message has no string payload")
        if kind in KNOWN_UNSUPPORTED_EXTRACTORS:
            raise _register_error("extractor %s is not supported by the test double" % kind)
        if kind != "sample":
            raise _register_error("unknown extractor %s" % kind)
        values = self._sample_extract(payload)
        expiration = (datetime.datetime.now(datetime.timezone.utc)
                      + datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            for name, value in values.items():
                self._records[name] = {"version": MESSAGE_VERSION, "name": name,
                                       "expiration": expiration, "value": value}

    @staticmethod
    def _sample_extract(payload):
        try:
            decoded = b64std_decode(payload)
        except ValueError as e:
            raise _register_error("sample payload: %s" % e) from None
        try:
            values = json.loads(decoded)
        except (ValueError, UnicodeDecodeError) as e:
            raise _register_error("sample payload is not JSON: %s" % e) from None
        if not isinstance(values, dict):
            raise _register_error("sample payload is not a JSON object")
        return values

    def query(self, name):
        """The stored value for name, or KeyError (expiration deliberately ignored)."""
        with self._lock:
            return self._records[name]["value"]

    def snapshot(self):
        """name -> value for every record: what query_reference_value() looks up."""
        with self._lock:
            return {name: r["value"] for name, r in self._records.items()}
