#!/usr/bin/env bash
# compile-commands.sh: write build/compile_commands.json, every compile of
# Vana's C with the flags it is really built with, for clangd and other
# tools (clangd looks in build/ by itself).
#   kernel and user: the compiler lines of `make -Bn all` (the Makefile's
#                    own variables, printed and not run);
#   hosted and fuzz: tests/hosted/run.sh and tests/fuzz/run.sh (1 second a
#                    target) run with a compiler that records each call.
# A file built several ways (src/lib/string.c: kernel, user library, hosted
# test) has an entry for each, the kernel's first. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-clang}
out=build/compile_commands.json
record_dir=build/compile-commands
rm -rf "$record_dir"
mkdir -p "$record_dir"

# Kernel and user programs: what make would run, with CC as make has it.
make -Bn --no-print-directory all CC="$CC" >"$record_dir/make.txt"

# Hosted tests and fuzz targets: a compiler that records its arguments, then compiles.
cat >"$record_dir/cc" <<'WRAPPER'
#!/usr/bin/env bash
printf '%s\0' "$PWD" "$VANA_REAL_CC" "$@" >>"$VANA_CC_RECORD"
printf '\36\0' >>"$VANA_CC_RECORD"
exec "$VANA_REAL_CC" "$@"
WRAPPER
chmod +x "$record_dir/cc"
export VANA_REAL_CC=$CC VANA_CC_RECORD=$PWD/$record_dir/hosted.rec
: >"$VANA_CC_RECORD"
HOSTED_CC=$PWD/$record_dir/cc tests/hosted/run.sh >"$record_dir/hosted.log" 2>&1 ||
    echo "$0: the hosted tests failed (see $record_dir/hosted.log); their compiles are listed all the same" >&2
FUZZ_CC=$PWD/$record_dir/cc tests/fuzz/run.sh 1 >"$record_dir/fuzz.log" 2>&1 ||
    echo "$0: a fuzz target failed (see $record_dir/fuzz.log); the compiles are listed all the same" >&2

python3 - "$CC" "$record_dir/make.txt" "$VANA_CC_RECORD" "$out" <<'PYTHON'
import json, os, shlex, sys

cc, make_lines, record, out = sys.argv[1:]
root = os.getcwd()

def entries(directory, argv):
    """One entry per C source of a compiler call; a call that also links becomes a -c compile of each."""
    sources = [a for i, a in enumerate(argv) if a.endswith(".c") and argv[i - 1] != "-o"]
    flags, output, skip = [], None, False
    for i, a in enumerate(argv[1:], 1):
        if skip:
            skip = False
        elif a == "-o":
            output, skip = argv[i + 1], True
        elif a in sources or a.startswith("-l") or a.endswith((".o", ".a")):
            pass
        else:
            flags.append(a)
    if "-c" not in flags:
        flags.append("-c")
    for source in sources:
        entry = {"directory": directory, "file": source, "arguments": [argv[0]] + flags + [source]}
        if output and len(sources) == 1:
            entry["arguments"] += ["-o", output]
            entry["output"] = output
        yield entry

result = []
with open(make_lines) as f:
    for line in f:
        argv = shlex.split(line)
        if argv and argv[0] == cc and "-c" in argv:
            result.extend(entries(root, argv))
with open(record, "rb") as f:
    for call in f.read().split(b"\x1e\0"):
        words = [w.decode() for w in call.split(b"\0")[:-1]]
        if words:
            result.extend(entries(words[0], words[1:]))
with open(out, "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
print(f"  JSON    {out}: {len(result)} compiles of {len({(e['directory'], e['file']) for e in result})} files")
PYTHON
