#!/usr/bin/env python3
"""check-kernel-doc.py: every public function in src/ has a kernel-doc comment that parses.

For each non-static function definition in src/**/*.c, the lines just above
it must be a kernel-doc block (an ACSL block, /*@ ... */, may sit between the
two):

    /**
     * name - summary
     * @param: what it is
     *
     * Prose: why, and the hardware facts.
     * Context: a precondition, where there is one.
     * Return: what comes back (every function that does not return void).
     */

The name line must name the function, each parameter must have exactly one
@param: line and there must be no other @ lines. One check per function;
each problem is printed as "file:line: message", and the last line is
"kernel-doc: N passed, N failed". make doc-check and make test run it.
Python 3 standard library only.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

IDENT = re.compile(r"[A-Za-z_]\w*")
# A top-level line that may start a function definition: not indented, not a
# preprocessor line, a comment, a brace or a label.
DEFINITION_START = re.compile(r"^(?:__attribute__\s*\(\(.*?\)\)\s*)*[A-Za-z_]")
ATTRIBUTE = re.compile(r"__attribute__\s*\(\(.*?\)\)")
QUALIFIERS = {"extern", "inline", "const", "volatile", "_Noreturn", "noreturn"}


def strip_comments(text):
    """Block and line comments out of one signature, so they cannot hide a parenthesis."""
    text = re.sub(r"/\*.*?\*/", lambda comment: " " + "\n" * comment.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def split_parameters(text):
    """The parameter list's entries, split at commas outside parentheses and brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def parameter_name(parameter):
    """The name a parameter declares: `...` for varargs, the inner name of a function pointer."""
    if parameter == "...":
        return "..."
    pointer = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)", parameter)
    if pointer:
        return pointer.group(1)
    parameter = re.sub(r"\[[^\]]*\]", "", parameter)
    names = IDENT.findall(parameter)
    return names[-1] if len(names) > 1 else None


def outside_braces(lines):
    """For each line, whether it starts outside every brace: at file scope."""
    code = re.sub(r"'(\\.|[^'\\\n])'|\"(\\.|[^\"\\\n])*\"", "0", strip_comments("\n".join(lines)))
    result, depth = [], 0
    for line in code.split("\n"):
        result.append(depth == 0)
        depth += line.count("{") - line.count("}")
    return result + [True] * (len(lines) - len(result))


def find_definitions(lines):
    """(line index, signature text) of each non-static function definition."""
    at_file_scope = outside_braces(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not at_file_scope[i] or not DEFINITION_START.match(line):
            i += 1
            continue
        # Gather the signature up to the first '{' or ';' at the top level.
        start, text = i, ""
        while i < len(lines):
            text += lines[i] + "\n"
            code = strip_comments(text)
            if "{" in code or ";" in code:
                break
            i += 1
        i += 1
        code = strip_comments(text)
        head = re.split(r"[{;]", code, maxsplit=1)[0]
        ended_with_brace = "{" in code and (";" not in code or code.index("{") < code.index(";"))
        declarator = ATTRIBUTE.sub(" ", head).split("(")[0]
        if not ended_with_brace or "(" not in head or "=" in declarator or re.search(r"\bstatic\b", declarator):
            continue
        yield start, head.strip()


def parse_signature(head):
    """(name, return type, parameter names) of a signature, or None if it is not a function."""
    match = re.match(r"(?s)(.*?)\b([A-Za-z_]\w*)\s*\((.*)\)\s*$", head)
    if not match:
        return None
    before, name, params = match.groups()
    before = ATTRIBUTE.sub(" ", before)
    words = [w for w in re.findall(r"[A-Za-z_]\w*|\*", before) if w not in QUALIFIERS]
    returns = " ".join(words)
    entries = split_parameters(params.strip())
    if entries == ["void"] or not entries:
        names = []
    else:
        names = [parameter_name(entry) for entry in entries]
    return name, returns, names


def comment_block_above(lines, index):
    """(first line index, lines) of the kernel-doc block above lines[index], skipping one ACSL block."""
    j = index - 1
    if j >= 0 and lines[j].strip().endswith("*/"):
        k = j
        while k >= 0 and "/*" not in lines[k]:
            k -= 1
        if k >= 0 and lines[k].lstrip().startswith("/*@"):
            j = k - 1
    if j < 0 or lines[j].strip() != "*/":
        return None
    k = j
    while k >= 0 and not lines[k].lstrip().startswith("/*"):
        k -= 1
    if k < 0 or lines[k].strip() != "/**":
        return None
    return k, lines[k + 1:j]


def check_function(path, lines, index, head):
    """The problems of one definition: [] when its kernel-doc parses and matches."""
    where = f"{path}:{index + 1}"
    parsed = parse_signature(head)
    if parsed is None:
        return [f"{where}: cannot read the signature of a function definition"]
    name, returns, params = parsed
    if None in params:
        return [f"{where}: {name}: a parameter has no name"]
    block = comment_block_above(lines, index)
    if block is None:
        return [f"{where}: {name}: no kernel-doc block (/** ... */) right above the definition"]
    first, body = block
    text = [re.sub(r"^\s*\* ?", "", line) if line.strip().startswith("*") else line for line in body]
    problems = []
    if not text or not re.match(rf"^{re.escape(name)} - \S", text[0]):
        found = text[0] if text else "(empty)"
        problems.append(f"{path}:{first + 2}: {name}: the first line must be '{name} - summary', not '{found}'")
    documented = {}
    for offset, line in enumerate(text):
        tag = re.match(r"^@([A-Za-z_]\w*|\.\.\.):", line)
        if tag:
            documented.setdefault(tag.group(1), []).append(first + 2 + offset)
        elif line.startswith("@"):
            problems.append(f"{path}:{first + 2 + offset}: {name}: '{line}' is not '@param: description'")
    for param in params:
        count = len(documented.get(param, []))
        if count == 0:
            problems.append(f"{where}: {name}: parameter '{param}' has no '@{param}:' line")
        elif count > 1:
            problems.append(f"{where}: {name}: parameter '{param}' has {count} '@{param}:' lines")
    for extra in documented:
        if extra not in params:
            problems.append(f"{path}:{documented[extra][0]}: {name}: '@{extra}:' names no parameter")
    has_return = any(re.match(r"^Return:", line) for line in text)
    if returns != "void" and not has_return:
        problems.append(f"{where}: {name}: returns {returns} but has no 'Return:' line")
    if returns == "void" and has_return:
        problems.append(f"{where}: {name}: returns void but has a 'Return:' line")
    return problems


def main():
    passed = failed = 0
    for path in sorted((ROOT / "src").rglob("*.c")):
        relative = path.relative_to(ROOT).as_posix()
        lines = path.read_text().split("\n")
        for index, head in find_definitions(lines):
            problems = check_function(relative, lines, index, head)
            for problem in problems:
                print(problem)
            if problems:
                failed += 1
            else:
                passed += 1
    print(f"kernel-doc: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
