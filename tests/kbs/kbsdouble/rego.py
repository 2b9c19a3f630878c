# SPDX-License-Identifier: LGPL-2.1-or-later
# rego.py - policies evaluated by a real Rego engine (OPA v0.47.0, see tests/kbs/rego/).
"""A client of tests/kbs/rego/engine.js: one Node.js worker per process, started on
first use and kept; requests are serialised (one at a time). The engine compiles the
policy as written (its package and import lines aside) and evaluates the asked rules
against the given input and data documents."""

import json
import os
import subprocess
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
ENGINE = os.path.join(os.path.dirname(_HERE), "rego", "engine.js")
INSTALL = os.path.join(os.path.dirname(_HERE), "rego", "install")


class RegoError(Exception):
    """The engine refused the policy (parse, compile or evaluation error)."""


class Engine:
    def __init__(self):
        self._lock = threading.Lock()
        self._proc = None
        self._next = 0

    def _start(self):
        directory = os.environ.get("CCM_REGO_ENGINE_DIR")
        try:
            if not directory:
                directory = subprocess.run([INSTALL], check=True, capture_output=True,
                                           text=True).stdout.strip()
            env = dict(os.environ, CCM_REGO_ENGINE_DIR=directory)
            self._proc = subprocess.Popen(["node", ENGINE], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, env=env, text=True,
                                          bufsize=1)
        except subprocess.CalledProcessError as e:
            raise RegoError("installing the Rego engine failed: %s"
                            % (e.stderr or "").strip()) from None
        except OSError as e:
            raise RegoError("cannot start the Rego engine (node): %s" % e) from None
        ready = json.loads(self._proc.stdout.readline() or "{}")
        if not ready.get("ready"):
            raise RegoError("the Rego engine did not start")

    def start(self):
        """Start the worker now (about 2 s) rather than at the first evaluation."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()

    def evaluate(self, policy, queries, input_doc, data=None, prelude=""):
        """{rule: [value] or [] when undefined} for each rule in queries."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            self._next += 1
            request = {"id": self._next, "policy": policy, "queries": list(queries),
                       "input": input_doc, "data": data or {}, "prelude": prelude}
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                line = self._proc.stdout.readline()
            except OSError as e:
                raise RegoError("the Rego engine failed: %s" % e) from None
        if not line:
            raise RegoError("the Rego engine exited")
        reply = json.loads(line)
        if "error" in reply:
            raise RegoError(reply["error"])
        return reply["results"]

    def check(self, policy, prelude=""):
        """Raises RegoError when the policy does not compile."""
        self.evaluate(policy, [], {}, {}, prelude)


ENGINE_INSTANCE = Engine()


def evaluate(policy, queries, input_doc, data=None, prelude=""):
    return ENGINE_INSTANCE.evaluate(policy, queries, input_doc, data, prelude)


def check(policy, prelude=""):
    ENGINE_INSTANCE.check(policy, prelude)


def start():
    ENGINE_INSTANCE.start()
