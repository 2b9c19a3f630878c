# SPDX-License-Identifier: LGPL-2.1-or-later
# regosyntax.py - what Trustee's regorus refuses or cannot run, found in a policy's text.
"""Checks that make the double's engine (OPA v0.47) refuse what Trustee's regorus refuses.

OPA v0.47 is more permissive than regorus as Trustee builds and configures it:
  * the engine module always imports future.keywords (in, every, if, contains) and drops
    the policy's imports, so it accepts v0 rule bodies (no "if") and v1 keywords alike;
    regorus 0.2.8 (Trustee v0.16) parses v0 unless the policy imports rego.v1 or the
    keywords, and regorus 0.5+ (v0.17+) parses v1 only;
  * OPA has every builtin; Trustee enables only regorus' regex, base64, time and std
    features, so hex.*, base64url.*, crypto.*, semver.*, glob.*, yaml.*, uuid.*, net.*,
    urlquery.*, json.match_schema and the deprecated builtins do not exist there.

This module lexes the policy (strings, raw strings and comments aside), splits it into
top-level statements and applies these heuristics, each mirroring a regorus error:
  * "import rego.v1" together with any "import future.keywords..." -> "this import shadows
    previous import" (all regorus versions);
  * v0 mode (v0.16 without "import rego.v1"): a keyword (if, contains, every, in) that
    the policy does not import -> refused (regorus reads it as a name and fails to parse);
  * v1 mode: a rule body "{" not preceded by "if" (also after "else") -> "`if` keyword is
    required before rule body"; a bodiless "p[x]" -> "`contains` keyword is required for
    partial set rules";
  * calls of functions regorus lacks -> "could not find function" (regorus fails only when
    the call is evaluated; the double refuses the whole evaluation).
A statement starts at a line's first token at bracket depth 0 unless the previous token
continues an expression (an operator, "if", "else", ","...) or the token is "else". This
is a heuristic over common layouts, not a Rego parser; README.md lists its limits.
"""

import re

FUTURE_KEYWORDS = ("contains", "every", "if", "in")

# The functions regorus registers with Trustee's features (regex, base64, time, std);
# the same set in regorus 0.2.8, 0.5.0 and 0.10.x, extracted from src/builtins/*.rs.
REGORUS_BUILTINS = frozenset("""
abs array.concat array.reverse array.slice base64.decode base64.encode base64.is_valid
bits.and bits.lsh bits.negate bits.or bits.rsh bits.xor ceil concat contains count
endswith floor format_int indexof indexof_n intersection is_array is_boolean is_null
is_number is_object is_set is_string json.filter json.is_valid json.marshal
json.marshal_with_options json.remove json.unmarshal lower max min numbers.range
numbers.range_step object.filter object.get object.keys object.remove object.subset
object.union object.union_n product rand.intn regex.find_n regex.is_valid regex.match
regex.replace regex.split regex.template_match replace round sort split sprintf
startswith strings.any_prefix_match strings.any_suffix_match strings.count
strings.replace_n strings.reverse substring sum time.add_date time.clock time.date
time.diff time.format time.now_ns time.parse_duration_ns time.parse_ns
time.parse_rfc3339_ns time.weekday to_number trace trim trim_left trim_prefix trim_right
trim_space trim_suffix type_name union units.parse units.parse_bytes upper print walk
""".split())

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f]+)
  | (?P<newline>\n)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:=|==|!=|<=|>=|[-+*/%|&=<>.,;:!{}\[\]()])
  | (?P<other>.)
""", re.VERBOSE)

# Tokens after which a line break does not end a statement.
_CONTINUES = frozenset((":=", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%",
                        "|", "&", ",", ".", ":", "if", "else", "contains", "in", "with", "as",
                        "not", "some", "every", "default"))
_OPEN, _CLOSE = "{[(", "}])"
_OPERAND_END = ("ident", "number", "string", "raw")


class PolicyTextError(ValueError):
    """regorus would refuse (or fail to run) this policy; str() says why."""


class Token:
    __slots__ = ("kind", "text", "line", "newline_before", "depth")

    def __init__(self, kind, text, line, newline_before):
        self.kind, self.text, self.line, self.newline_before = kind, text, line, newline_before
        self.depth = 0

    def __repr__(self):
        return "%s:%r@%d" % (self.kind, self.text, self.line)


def tokens(text):
    """The policy's tokens without spaces and comments; each knows its bracket depth."""
    out, line, newline, depth = [], 1, True, 0
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "newline":
            line, newline = line + 1, True
            continue
        if kind in ("space", "comment"):
            continue
        tok = Token(kind, value, line, newline)
        newline = False
        if value in _CLOSE and kind == "op":
            depth = max(depth - 1, 0)
        tok.depth = depth
        if value in _OPEN and kind == "op":
            depth += 1
        out.append(tok)
        line += value.count("\n")   # raw strings may span lines
    return out


def statements(toks):
    """Split tokens into top-level statements (package, import, default, rules)."""
    out = []
    for i, tok in enumerate(toks):
        if tok.kind == "op" and tok.text == ";" and tok.depth == 0:
            continue
        line_start = tok.depth == 0 and tok.newline_before and tok.kind == "ident"
        # package and import statements are one line; a rule continues after an operator
        after_header = bool(out) and out[-1][0].text in ("package", "import")
        starts = i == 0 or (line_start and (after_header or (
            tok.text != "else" and toks[i - 1].text not in _CONTINUES)))
        if starts or not out:
            out.append([tok])
        else:
            out[-1].append(tok)
    return out


def _imports(stmts):
    """(imports rego.v1, set of future keywords imported, line of the first future import)."""
    v1, keywords, future_line = False, set(), None
    for st in stmts:
        if st[0].text != "import":
            continue
        path = "".join(t.text for t in st[1:])
        if path == "rego.v1":
            v1 = True
        elif path == "future.keywords":
            keywords.update(FUTURE_KEYWORDS)
            future_line = future_line or st[0].line
        elif path.startswith("future.keywords."):
            kw = path[len("future.keywords."):]
            keywords.add(kw)
            if kw == "every":
                keywords.add("in")
            future_line = future_line or st[0].line
    return v1, keywords, future_line


def rule_name(stmt):
    """The rule a top-level statement defines (first segment of its head), or None."""
    first = stmt[0]
    if first.kind != "ident" or first.text in ("package", "import"):
        return None
    if first.text == "default":
        return stmt[1].text if len(stmt) > 1 and stmt[1].kind == "ident" else None
    return first.text


def defined_rules(text):
    """Names of the rules and functions the policy defines at the top level."""
    names = set()
    for st in statements(tokens(text)):
        name = rule_name(st)
        if name:
            names.add(name)
    return names


def package_name(text):
    """The policy's package ("policy", "a.b"...), or None without a package line."""
    for st in statements(tokens(text)):
        if st[0].text == "package":
            return "".join(t.text for t in st[1:])
    return None


def _skip_group(st, i):
    """Index after the bracket group opening at st[i]."""
    depth = st[i].depth
    i += 1
    while i < len(st) and not (st[i].depth == depth and st[i].text in _CLOSE):
        i += 1
    return min(i + 1, len(st))      # an unclosed group runs to the statement's end


def _skip_expression(st, i):
    """Index after a rule value expression: stops at if/else or a body brace at depth 0."""
    base = st[i].depth if i < len(st) else 0
    prev = None
    while i < len(st):
        tok = st[i]
        if tok.depth == base:
            if tok.text in ("if", "else"):
                break
            if tok.text == "{" and prev is not None and (prev.kind in _OPERAND_END
                                                           or prev.text in _CLOSE):
                break
            if tok.text in _OPEN:
                i = _skip_group(st, i)
                prev = st[i - 1]
                continue
        prev = tok
        i += 1
    return i


def _v1_problem(st):
    """The regorus v1 error this rule statement triggers, or None."""
    i = 1
    bracket_head = False
    while i < len(st) and (st[i].text == "." or st[i].text == "["):
        if st[i].text == "[":
            i = _skip_group(st, i)
            bracket_head = True
        else:
            i += 2
    if i < len(st) and st[i].text == "(":
        i = _skip_group(st, i)
        bracket_head = False
    has_value = False
    if i < len(st) and st[i].text in ("contains", ":=", "="):
        has_value = True
        i = _skip_expression(st, i + 1)
    has_body = after_else = False
    while i < len(st):
        tok = st[i]
        if tok.text == "if":
            has_body, after_else = True, False
            if i + 1 < len(st) and st[i + 1].text == "{":
                i = _skip_group(st, i + 1)
            else:
                i += 1
                while i < len(st) and not (st[i].depth == tok.depth and st[i].text == "else"):
                    i += 1
        elif tok.text == "{" and has_body and not after_else:
            i = _skip_group(st, i)      # further bodies "{...}" after a first one
        elif tok.text == "{":
            return tok.line, "`if` keyword is required before rule body"
        elif tok.text == "else":
            after_else = True
            i += 1
            if i < len(st) and st[i].text in (":=", "="):
                i = _skip_expression(st, i + 1)
        else:
            break
    if bracket_head and not has_value and not has_body:
        return st[0].line, "`contains` keyword is required for partial set rules"
    return None


def check_syntax(text, v1_default):
    """Raise PolicyTextError for what regorus refuses to parse (see the module doc).

    v1_default: the engine parses Rego v1 (regorus 0.5+, Trustee v0.17+).
    """
    toks = tokens(text)
    stmts = statements(toks)
    v1_import, keywords, future_line = _imports(stmts)
    if v1_import and future_line is not None:
        raise PolicyTextError("line %d: this import shadows previous import (regorus refuses "
                              "'import future.keywords...' together with 'import rego.v1')"
                              % future_line)
    v1 = v1_default or v1_import
    if not v1:
        for st in stmts:
            if st[0].text in ("package", "import"):
                continue
            for k, tok in enumerate(st):
                if tok.kind != "ident" or tok.text not in FUTURE_KEYWORDS \
                        or tok.text in keywords:
                    continue
                if (k > 0 and st[k - 1].text == ".") or \
                        (k + 1 < len(st) and st[k + 1].text == "(" and tok.text == "contains"):
                    continue    # a field, or the contains() builtin
                raise PolicyTextError(
                    "line %d: `%s` is not a keyword without 'import rego.v1' or 'import "
                    "future.keywords.%s' (Trustee v0.16's regorus parses Rego v0)"
                    % (tok.line, tok.text, tok.text))
        return
    for st in stmts:
        if rule_name(st) is None or st[0].text == "default":
            continue
        problem = _v1_problem(st)
        if problem:
            raise PolicyTextError("line %d: %s (Trustee's regorus parses Rego v1)" % problem)


def unavailable_functions(text, extra=()):
    """Calls in the text of functions regorus (as Trustee builds it) does not have."""
    toks = tokens(text)
    defined = defined_rules(text) | set(extra)
    missing = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind != "ident" or (i > 0 and toks[i - 1].text == "."):
            i += 1
            continue
        j, name = i + 1, tok.text
        while j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind == "ident":
            name += "." + toks[j + 1].text
            j += 2
        if j < len(toks) and toks[j].text == "(" and not toks[j].newline_before:
            root = name.split(".")[0]
            if root not in ("data", "input", "not", "if", "else", "some", "every", "in",
                            "with", "as", "contains", "default") \
                    and name not in REGORUS_BUILTINS and root not in defined \
                    and (tok.line, name) not in missing:
                missing.append((tok.line, name))
        i = j
    return missing


def check_functions(text, extra=()):
    """Raise PolicyTextError for a call regorus cannot make (see unavailable_functions)."""
    missing = unavailable_functions(text, extra)
    if missing:
        line, name = missing[0]
        raise PolicyTextError("line %d: could not find function %s (Trustee builds regorus "
                              "with the regex, base64 and time builtins only)" % (line, name))
