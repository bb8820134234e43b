#!/usr/bin/env bash
# Prove the ACSL contracts in the kernel's C with Frama-C's WP plug-in
# (docs/proofs.md). Every goal WP generates (the contracts, loop
# invariants and variants, and with -wp-rte one goal per possible runtime
# error) must be proved by Qed, CVC4 or Z3. Logs go to build/prove/.
#
# Ends with two lines:
#   prove: N goals, N proved, 0 unproved, A assumptions
#   prove: N passed, 0 failed
# and exits non-zero if a goal is unproved, a precondition is inconsistent
# (WP's smoke tests), a proved function calls one that is not proved, an
# annotation cheats (admit, assume, axiom), an assumption is missing from
# docs/proofs.md, or Frama-C warns about anything not listed below.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

PROVE_OUT=build/prove

# Pinned so that every run asks the same of the same provers: the provers,
# the work per goal and prover, and how many provers run at once. CVC4
# tries every goal Qed (WP's simplifier) leaves; a file with goals left
# over is run again with CVC4 and Z3 racing on each goal, CVC4's answers
# coming from the first pass's cache. Z3 and CVC4 run with fixed random
# seeds (Why3's prover configuration). A prover stops after STEPS units of
# its own work (CVC4's resource count, the number in parentheses in a log),
# which a busy machine does not change, so the same goals are proved on
# every run; the hardest goals need about 320,000. TIMEOUT, in seconds of
# wall-clock time, is only a backstop far above that (about 14 s unloaded).
# "script" first: a goal with a proof script in WP_SCRIPTS is proved by
# replaying it (WP's own tactics, each case then by Qed or a prover).
# cvc4-vana is CVC4 with a driver that leaves out axioms no goal needs
# (scripts/cvc4-vana.drv, set up below).
FIRST_PROVERS=script,cvc4-vana
SECOND_PROVERS=script,cvc4-vana,z3
WP_SCRIPTS=scripts/wp-session
STEPS=500000
TIMEOUT=60
PARALLEL=2
SMOKE_TIMEOUT=1
UNITS_AT_ONCE=3

# What is proved: a file, the functions in it ("*": every function the
# file defines; "-f,g": every one but f and g), extra WP options for it
# (-wp-split: one goal per path, smaller goals for functions with many
# branches), and the group of lemmas compiled in for it, if any. A proved
# function may call only proved functions.
#
# Lemma groups: WP hands every lemma of a file to the provers with every
# goal of the file, and a lemma a goal does not need still slows it, often
# past the step limit. So the lemmas that only some functions need stand
# in "#ifdef GROUP" (nothing else may), and those functions are proved in
# a unit of their own with GROUP defined, where the lemmas are proved too.
# A goal only ever uses lemmas that are proved. The longest units come
# first, so that both cores stay busy to the end; the heap's two files
# are each proved in two parts, since WP simplifies a unit's goals in one
# process, and the last unit to finish alone would leave a core idle.

# first_word_fitting's compare and the ghost functions of its proof, with
# the lemma group PROVE_FITS: three facts about constants' bits.
fits_functions=first_word_fitting,fit_or_is_sum,fit_parity,fit_shifts,fit_low_bits,fit_byte_value,fit_in_range,fit_top_bits_clear,fit_mul_ones,fit_byte_step,fit_byte,fit_bytes,fit_word,fit_fits_bytes,fit_bounded
# Smoke tests (preconditions that contradict themselves) are run for the
# functions that unproved code may call. A unit with -wp-no-smoke-tests
# holds functions called only from proved files, whose goals prove their
# preconditions at every call: a contradiction there would leave those
# goals unproved. The run checks that no other file calls them.
# The search for two blocks or more and the ghost functions of its proof,
# with the lemma group PROVE_SEARCH: the bits of heap_runs_word.
search_functions=heap_index_find,find_long_run,runs_word_prefix,runs_word_suffix,ghost_words_of,long_ends,next_prefix,long_word_free,long_suffix_blocked,long_prefix_taken,long_fits_word,fits_bounded_of,long_none_in,long_run_blocks,long_run_free,long_clear_bit,long_run_end,free_run_bits,bits_free_run,inside_fits,across_fits,no_run_in_word,words_before,runs_word_shorter,across_start,word_leftmost
heap_part=heap_mark_blocks_taken,heap_malloc
index_part=mark,describe_word,describe_words
units=(
    "src/memory/heap/heap_index.c|-$fits_functions,$search_functions,$index_part|-wp-no-smoke-tests"
    "src/memory/heap/heap.c|-$heap_part|"
    "src/memory/heap/heap_index.c|$index_part|-wp-no-smoke-tests"
    "src/memory/heap/heap.c|$heap_part|"
    "src/memory/heap/heap_index.c|$search_functions|-wp-no-smoke-tests|PROVE_SEARCH"
    "src/memory/heap/heap_index.c|$fits_functions|-wp-no-smoke-tests|PROVE_FITS"
    "src/task/elf.c|*|"
    "src/memory/memory.c|*|"
    "src/memory/paging/paging.c|paging_entry_table,paging_is_32bit_range,paging_directory_index,paging_table_index,paging_grants_user,paging_check_user_range,paging_user_may_read,paging_copy_string_from_user|-wp-split"
)

# Functions whose contract is assumed, not proved: Frama-C sees only their
# declaration (the body is inline assembly, a compiler builtin, or a word
# access that WP's memory model cannot relate to the bytes under it). Every ensures of
# theirs must be named assumed_*, and each is explained in docs/proofs.md.
assumed_functions=(
    fill_with_stosb copy_with_movsb compare_with_cmpsb  # src/memory/memory.c: REP STOSB, MOVSB, CMPSB
    fill_word copy_word word_difference                 # src/memory/memory.c: one machine word
    forward_copy_is_safe                                # src/memory/memory.c: two addresses compared
    lowest_set_bit leading_zero_bits load_eight         # src/memory/heap/heap_bits.h: BSF, BSR, one 8-byte load
    some_set_bit                                        # src/memory/heap/heap_bits.h: ghost, a set bit of a non-zero word
)

# Every file the proof covers, whichever of them this run proves.
declare -A proved_file=()
for unit in "${units[@]}"; do
    proved_file[${unit%%|*}]=1
done

# scripts/prove.sh NAME...: only the files whose path contains a NAME, for
# work on one file (make prove and make test prove them all).
if [ $# -gt 0 ]; then
    selected=()
    for unit in "${units[@]}"; do
        for name in "$@"; do
            if [[ ${unit%%|*} == *"$name"* ]]; then
                selected+=("$unit")
                break
            fi
        done
    done
    units=("${selected[@]}")
fi

# Frama-C warnings that are expected, each with its reason (docs/proofs.md,
# "What the method takes for granted"). Anything else fails the run.
allowed_warnings=(
    # elf_parse stores where the program headers are for the loader; no
    # proved property reads through that pointer (docs/proofs.md).
    "Cast with incompatible pointers types (source: sint8*) (target: elf32_program_header*)"
)

FRAMA_C_FLAGS=(
    -machdep x86_32 -c11                  # the kernel's target: i386, 32-bit pointers and size_t
    -cpp-command "clang -E -C" -cpp-frama-c-compliant
    -kernel-warn-key annot:missing-spec=inactive  # replaced by the call check below
    -warn-signed-downcast                 # also prove that no conversion to a signed type overflows
    -wp -wp-rte -wp-steps "$STEPS" -wp-timeout "$TIMEOUT" -wp-par "$PARALLEL" -wp-cache update -wp-cache-dir "$PROVE_OUT/cache"
    -wp-session "$WP_SCRIPTS"             # the proof scripts: WP_SCRIPTS/script/GOAL.json
    -wp-smoke-tests -wp-no-smoke-dead-code -wp-no-smoke-dead-call -wp-no-smoke-dead-loop
    -wp-smoke-timeout "$SMOKE_TIMEOUT"
    -wp-warn-key pedantic-assigns=inactive  # \from clauses: only callers' precision, never soundness
    -load-module "$PROVE_OUT/frama_c_gc.cmxs"  # a larger minor heap (scripts/frama_c_gc.ml)
)

# Most goals are small, and a prover's time on them goes largely to
# reading its input into fresh memory, a page fault per 4 KiB page (the
# kernel zeroes each). glibc's malloc asks for transparent huge pages with
# this tunable (glibc 2.35 and later; ignored where the kernel has them
# off): CVC4 on a goal of 37,000 steps took 129 ms instead of 166 ms, a
# tenth less on one of 194,000 (docs/proofs.md, "How long it takes").
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1

for tool in frama-c why3 z3 cvc4 clang ocamlopt; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "prove: $tool is missing (scripts/install-deps.sh installs it)"
        echo "prove: 0 passed, 1 failed"
        exit 1
    fi
done

# Every run starts from nothing, so every run proves everything again: the
# cache only carries CVC4's answers from a file's first pass to its second.
rm -rf "$PROVE_OUT"
mkdir -p "$PROVE_OUT/cache"
# The GC setting, built here (ocamlopt writes its outputs beside the source).
cp scripts/frama_c_gc.ml "$PROVE_OUT/"
if ! ocamlopt -shared -o "$PROVE_OUT/frama_c_gc.cmxs" "$PROVE_OUT/frama_c_gc.ml" >"$PROVE_OUT/frama_c_gc.log" 2>&1; then
    cat "$PROVE_OUT/frama_c_gc.log"
    echo "prove: scripts/frama_c_gc.ml does not compile"
    echo "prove: 0 passed, 1 failed"
    exit 1
fi
# A Why3 configuration of our own, so that no ~/.why3.conf changes the provers.
export WHY3CONFIG=$PROVE_OUT/why3.conf
why3 config detect -C "$WHY3CONFIG" >"$PROVE_OUT/why3-detect.log" 2>&1
# CVC4 as Why3 found it, with the driver scripts/cvc4-vana.drv (Why3's,
# less the axioms no goal needs): a prover of its own in the
# configuration, "CVC4 <version> (vana)", called cvc4-vana above.
cvc4_version=$(sed -nE 's/^Found prover CVC4 version ([0-9.]+), OK\.$/\1/p' "$PROVE_OUT/why3-detect.log" | head -n 1)
sed "s#@WHY3_DRIVERS@#$(why3 --print-datadir)/drivers#" scripts/cvc4-vana.drv >"$PROVE_OUT/cvc4-vana.drv"
cat >>"$WHY3CONFIG" <<EOF

[prover]
name = "CVC4"
version = "$cvc4_version"
alternative = "vana"
command = "$(command -v cvc4) --stats --tlimit=%t000 --lang=smt2 %f"
command_steps = "$(command -v cvc4) --stats --rlimit=%S --lang=smt2 %f"
driver = "$PWD/$PROVE_OUT/cvc4-vana.drv"
in_place = false
interactive = false
shortcut = "cvc4-vana"
EOF

problems=()        # anything wrong but an unproved goal
unproved_lines=()  # one per unproved goal
goal_names=()      # "FILE GOAL", one per goal a unit reports
unproved_names=()  # "FILE GOAL", one per unproved goal
smoke=0
steps=0
all_functions=()

# (No "grep -q" at the end of a pipe: it stops reading at the first match,
# the command before it may then die of SIGPIPE, and with pipefail the
# pipe fails, so that a test would answer "no" at random.)

# 13160000 -> 13.2M
millions() {
    awk -v n="$1" 'BEGIN { printf "%.1fM", n / 1000000 }'
}

# Strip comments' text down to the ACSL annotations (/*@ ... */ and //@ ...).
acsl_of() {
    perl -0777 -ne 'while (m{/\*@(.*?)\*/|//@([^\n]*)}gs) { print(($1 // $2), "\n"); }' "$@"
}

# The goals WP reports without "Valid": "[wp] [CVC4 1.8] Goal g : Timeout"
# with one prover, "[wp] [Failed] Goal g" with several.
unproved_goals() {
    grep -E '^\[wp\] \[[^]]*\] Goal ' | grep -vE ' : Valid( |$)'
}

# The last line WP printed for each goal: a second pass's answer replaces
# the first's.
final_goals() {
    awk '/^\[wp\] \[[^]]*\] Goal / { name = $0; sub(/.* Goal /, "", name); sub(/[^A-Za-z0-9_].*/, "", name);
                                     if (!(name in last)) order[++n] = name; last[name] = $0 }
         END { for (i = 1; i <= n; i++) print last[order[i]] }'
}

# The functions a unit's call graph says its file defines.
defined_functions() {
    tr -d '\n' <"$1" | grep -oE '"[A-Z]* [A-Za-z0-9_]+ \([0-9]+\)" \[[^]]*style="bold"' |
        sed -E 's/^"[A-Z]* ([A-Za-z0-9_]+) .*/\1/' | sort -u
}

# The proved files and the headers they include (contracts may live there).
unit_files=()
add_file() {
    local file=$1 header
    for known in "${unit_files[@]}"; do
        [ "$known" = "$file" ] && return
    done
    unit_files+=("$file")
    while read -r header; do
        for candidate in "src/$header" "$(dirname "$file")/$header"; do
            [ -f "$candidate" ] && add_file "$(realpath --relative-to=. "$candidate")"
        done
    done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$file")
}
for unit in "${units[@]}"; do
    add_file "${unit%%|*}"
done

# No cheating annotations in any proved file.
if acsl_of "${unit_files[@]}" | grep -nwE 'admit|assume|axiom|axiomatic' >/dev/null; then
    problems+=("an annotation uses admit, assume or axiom: $(acsl_of "${unit_files[@]}" |
        grep -wE 'admit|assume|axiom|axiomatic' | head -n 1)")
fi
# A lemma group's "#ifdef GROUP" holds lemmas only: a contract, a
# definition or code in it would make the units of one file prove
# different things.
for group in $(printf '%s\n' "${units[@]}" | cut -d'|' -f4 | sort -u); do
    while IFS= read -r block; do
        problems+=("#ifdef $group holds more than lemmas: ${block:0:80}")
    done < <(GROUP=$group perl -0777 -ne 'while (m{^#ifdef\s+$ENV{GROUP}\b(.*?)^#endif}gms) { my $b = $1;
            $b =~ s{/\*@((?:(?!\*/).)*)\*/}{ my $a = $1; $a =~ s{//[^\n]*}{}g;
                ($a =~ /\blemma\b/ && $a !~ /\b(predicate|logic|ghost|requires|ensures|assigns|invariant|assert|inductive|axiomatic|axiom)\b/) ? "" : $& }gse;
            $b =~ s/\s+/ /g; print "$b\n" if $b =~ /\S/ }' "${unit_files[@]}")
    grep -nw "$group" "${unit_files[@]}" | grep -vE ":#ifdef $group\$" >/dev/null &&
        problems+=("$group is used other than as #ifdef $group")
done
# The proof scripts: only tactics that split a goal into cases WP then
# proves (a script cannot admit a goal, but say so), and no Coq script
# that admits one.
allowed_tactics="Wp.range"
while IFS= read -r tactic; do
    [[ " $allowed_tactics " == *" $tactic "* ]] || problems+=("a proof script uses the tactic $tactic")
done < <(cat "$WP_SCRIPTS"/script/*.json 2>/dev/null | grep -oE '"tactic": *"[^"]*"' | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)
if grep -rlwiE 'admit|admitted' "$WP_SCRIPTS" >/dev/null 2>&1; then
    problems+=("a proof script admits a goal: $(grep -rlwiE 'admit|admitted' "$WP_SCRIPTS" | head -n 1)")
fi
# A behavior's 'assumes' only picks its case: allowed in a contract that
# also says 'complete behaviors' and 'disjoint behaviors', goals WP proves,
# so that the cases cover every call, each exactly once.
while IFS= read -r contract; do
    problems+=("a contract uses assumes without complete and disjoint behaviors: ${contract:0:80}")
done < <(perl -0777 -ne 'while (m{/\*@(.*?)\*/}gs) { my $a = $1;
        next unless $a =~ /\bassumes\b/;
        next if $a =~ /\bcomplete\s+behaviors\s*;/ && $a =~ /\bdisjoint\s+behaviors\s*;/;
        $a =~ s/\s+/ /g; print "$a\n" }' "${unit_files[@]}")

# The assumptions: preconditions named assumed_*, each explained in docs/proofs.md.
mapfile -t assumptions < <(acsl_of "${unit_files[@]}" | grep -oE '\bassumed_[a-z0-9_]+' | sort -u)
for name in "${assumptions[@]}"; do
    grep -q "\`$name\`" docs/proofs.md 2>/dev/null || problems+=("assumption $name is not explained in docs/proofs.md")
done

# Each assumed function: declared with a contract whose every ensures is an
# assumption, and named in docs/proofs.md.
for function in "${assumed_functions[@]}"; do
    contract=$(NAME=$function perl -0777 -ne \
        'print $1 if m!/\*@((?:(?\!\*/).)*)(?:\*/|@/)\s*static[^;{(]*\b$ENV{NAME}\(!s' "${unit_files[@]}")
    # A run over some files only (scripts/prove.sh NAME) checks their own.
    if [ -z "$contract" ] && [ $# -gt 0 ] && ! grep -qw "$function" "${unit_files[@]}"; then
        continue
    fi
    if [ -z "$contract" ]; then
        problems+=("assumed function $function has no contract on its declaration")
    elif grep -oE '\bensures( +[a-z0-9_]+ *:)?' <<<"$contract" | grep -vE 'ensures +assumed_' >/dev/null; then
        problems+=("assumed function $function has an ensures not named assumed_*")
    fi
    grep -q "\`$function\`" docs/proofs.md 2>/dev/null ||
        problems+=("assumed function $function is not explained in docs/proofs.md")
done

# The name of a unit's logs: the file's, and its lemma group's, or for
# a part of a file without one, its first function's.
unit_name() {
    local file=$1 group=$2 functions=$3 part=
    case $functions in
        "*" | -*) ;;
        *) part=${functions%%,*} ;;
    esac
    [ "$(printf '%s\n' "${units[@]}" | grep -c "^$file|")" -gt 1 ] || part=
    [ -n "$group" ] && part=$(tr 'A-Z_' 'a-z-' <<<"$group")
    echo "$(basename "$file" .c)${part:+-$part}"
}

# prove_unit FILE FUNCTIONS FLAGS GROUP: run WP on one unit (two passes
# if needed) into build/prove/NAME.log; its exit status and seconds go to
# NAME.rc and NAME.seconds.
prove_unit() {
    local file=$1 functions=$2 group=$4 name log dot unit_start rc
    local -a flags fct=() cpp=(-cpp-extra-args="-Isrc${4:+,-D$4}")
    read -r -a flags <<<"$3"
    name=$(unit_name "$file" "$group" "$functions")
    log=$PROVE_OUT/$name.log
    dot=$PROVE_OUT/$name.callgraph.dot
    case $functions in
        "*") ;;
        -*) fct=(-wp-skip-fct "${functions#-}") ;;
        *) fct=(-wp-fct "$functions") ;;
    esac

    unit_start=$SECONDS
    frama-c "${FRAMA_C_FLAGS[@]}" "${cpp[@]}" -wp-prover "$FIRST_PROVERS" "${flags[@]}" "${fct[@]}" -cg "$dot" "$file" \
        >"$log" 2>&1
    rc=$?
    # The second pass: only the functions with goals left over (the whole
    # unit if a lemma is among them), their goals simplified again.
    if [ "$rc" -eq 0 ] && unproved_goals <"$log" | grep . >/dev/null; then
        local again
        again=$(unproved_goals <"$log" | grep -oE 'Goal typed_[A-Za-z0-9_]+' | sed 's/^Goal typed_//' |
            while read -r goal; do
                defined_functions "$dot" | awk -v goal="$goal" 'index(goal, $0 "_") == 1 { print length($0), $0 }' |
                    sort -rn | head -n 1 | cut -d' ' -f2 | grep . || echo "lemma"
            done | sort -u | paste -sd, -)
        [[ ,$again, == *,lemma,* ]] || fct=(-wp-fct "$again")
        echo "[prove] second pass" >>"$log"
        frama-c "${FRAMA_C_FLAGS[@]}" "${cpp[@]}" "${flags[@]}" -wp-prover "$SECOND_PROVERS" "${fct[@]}" "$file" \
            >>"$log" 2>&1
        rc=$?
        echo "[prove] end of second pass" >>"$log"
    fi
    # -wp-fct leaves lemmas out: prove the file's lemmas too, since the
    # goals above may use them: in the file's main unit ("*" or "-f,g"),
    # or its only one, all of them; in a group's unit, the group's own.
    local lemmas=@lemma
    if [ "${functions:0:1}" != "-" ] && printf '%s\n' "${units[@]}" | grep -F "$file|-" >/dev/null; then
        lemmas=
    fi
    if [ -n "$group" ]; then
        lemmas=$(GROUP=$group perl -0777 -ne 'while (m{^#ifdef\s+$ENV{GROUP}\b(.*?)^#endif}gms) {
                my $b = $1; print "$1\n" while $b =~ /\blemma\s+(\w+)/g }' "$file" | paste -sd, -)
    fi
    if [ "$rc" -eq 0 ] && [ "${#fct[@]}" -gt 0 ] && [ -n "$lemmas" ] && ! grep -q 'Goal .*_lemma_' "$log" &&
        acsl_of "$file" | grep -w lemma >/dev/null; then
        frama-c "${FRAMA_C_FLAGS[@]}" "${cpp[@]}" -wp-prover "$SECOND_PROVERS" -wp-prop="$lemmas" "$file" \
            >>"$log" 2>&1
        rc=$?
    fi
    echo "$rc" >"$PROVE_OUT/$name.rc"
    echo $((SECONDS - unit_start)) >"$PROVE_OUT/$name.seconds"
}

# WP simplifies goals in one process per unit: run UNITS_AT_ONCE units side
# by side so that both cores work while one of them simplifies. The
# results do not depend on it.
start_time=$SECONDS
for unit in "${units[@]}"; do
    IFS='|' read -r file functions unit_flags group <<<"$unit"
    while [ "$(jobs -rp | wc -l)" -ge "$UNITS_AT_ONCE" ]; do
        wait -n
    done
    prove_unit "$file" "$functions" "$unit_flags" "$group" &
done
wait

for unit in "${units[@]}"; do
    IFS='|' read -r file functions unit_flags group <<<"$unit"
    name=$(unit_name "$file" "$group" "$functions")
    log=$PROVE_OUT/$name.log
    dot=$PROVE_OUT/$name.callgraph.dot
    rc=$(cat "$PROVE_OUT/$name.rc" 2>/dev/null || echo 1)

    # Frama-C wraps long messages: join continuation lines first.
    joined=$(awk '/^\[/ { if (line != "") print line; line = $0; next }
                  { sub(/^ +/, " "); line = line $0 }
                  END { if (line != "") print line }' "$log")
    # One "Proved goals: P / T" line per WP run in the log: add them up,
    # but a second pass's, whose goals the first pass counted already.
    summary=$(sed '/^\[prove\] second pass$/,/^\[prove\] end of second pass$/d' <<<"$joined" |
        sed -nE 's/^\[wp\] Proved goals: *([0-9]+) \/ *([0-9]+).*/\1 \2/p' |
        awk '{ p += $1; t += $2 } END { if (NR) print p, t }')
    again=$(grep -c '^\[prove\] second pass$' <<<"$joined")
    if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
        problems+=("$file: Frama-C failed (exit status $rc), see $log")
        grep -E 'error|Error' "$log" | head -n 5
        continue
    fi
    read -r wp_proved wp_total <<<"$summary"
    # Count goals by name (WP may print a result twice); smoke tests apart.
    unit_goals=$(grep -oE '^\[wp\] \[[^]]*\] Goal [A-Za-z0-9_]+' <<<"$joined" | sed 's/.* Goal //' | sort -u | wc -l)
    unit_unproved=$(final_goals <<<"$joined" | unproved_goals | wc -l)
    unit_proved=$((unit_goals - unit_unproved))
    smoke_passed=$(grep -oE '^\[wp\] \[Passed\] Smoke-test [A-Za-z0-9_]+' <<<"$joined" | sort -u | wc -l)
    smoke_failed=$(grep -oE '^\[wp\] \[Failed\] Smoke-test [A-Za-z0-9_]+' <<<"$joined" | sort -u | wc -l)
    smoke=$((smoke + smoke_passed))
    # A lemma proved in two units of one file counts once.
    while IFS= read -r goal; do
        goal_names+=("$file $goal")
    done < <(grep -oE '^\[wp\] \[[^]]*\] Goal [A-Za-z0-9_]+' <<<"$joined" | sed 's/.* Goal //' | sort -u)
    # The provers' steps on each goal's last result: the same on every run
    # (a busy machine changes the seconds, not the steps), so the measure
    # to compare the cost of two versions of a proof by.
    unit_steps=$(sed -nE 's/^\[wp\] \[[^]]*\] Goal ([A-Za-z0-9_]+) : .*\(([0-9]+)\)$/\1 \2/p' <<<"$joined" |
        awk '{ last[$1] = $2 } END { for (goal in last) total += last[goal]; print total + 0 }')
    steps=$((steps + unit_steps))
    if [ $((unit_goals + smoke_passed + smoke_failed)) -ne "$wp_total" ] ||
        { [ "$again" -eq 0 ] && [ $((unit_proved + smoke_passed)) -ne "$wp_proved" ]; }; then
        problems+=("$file: WP says $wp_proved / $wp_total proved, the log lists $unit_proved / $unit_goals goals" \
                   "and $smoke_passed / $((smoke_passed + smoke_failed)) smoke tests")
    fi
    while IFS= read -r smoke_test; do
        problems+=("$file: inconsistent preconditions (everything after them would hold vacuously): ${smoke_test##* }")
    done < <(grep -oE '^\[wp\] \[Failed\] Smoke-test [A-Za-z0-9_]+' <<<"$joined" | sort -u)
    while IFS= read -r failed; do
        unproved_lines+=("$file: unproved: ${failed#*Goal }")
        unproved_names+=("$file $(grep -oE 'Goal [A-Za-z0-9_]+' <<<"$failed" | sed 's/^Goal //')")
    done < <(final_goals <<<"$joined" | unproved_goals)

    # Warnings: only the allowed ones.
    while IFS= read -r warning; do
        allowed=0
        for pattern in "${allowed_warnings[@]}"; do
            [[ $warning == *"$pattern"* ]] && allowed=1
        done
        [ "$allowed" -eq 1 ] || problems+=("$file: ${warning#\[*\] }")
    done < <(grep -E '^\[[a-z:-]+\] .*Warning' <<<"$joined" | grep -v 'Failed smoke-test')

    # The call graph: which functions are defined, and who calls whom.
    edges=$(tr -d '\n' <"$dot" | grep -oE '"[A-Z]* [A-Za-z0-9_]+ \([0-9]+\)" -> "[A-Z]* [A-Za-z0-9_]+ \([0-9]+\)"' |
        sed -E 's/"[A-Z]* ([A-Za-z0-9_]+) [^"]*" -> "[A-Z]* ([A-Za-z0-9_]+) [^"]*"/\1 \2/')
    if [ "${functions:0:1}" = "*" ] || [ "${functions:0:1}" = "-" ]; then
        mapfile -t unit_functions < <(defined_functions "$dot" | grep -vxF -f <(tr , '\n' <<<"${functions#-}"))
    else
        IFS=, read -r -a unit_functions <<<"$functions"
    fi
    all_functions+=("${unit_functions[@]}")
    # A unit without smoke tests: each of its functions must be called only
    # from proved files, whose goals prove its preconditions at every call.
    # (A header's inline functions are proved, smoke tests and all, with
    # the files that include the header.)
    if [[ " $unit_flags " == *" -wp-no-smoke-tests "* ]] && [ ${#unit_functions[@]} -gt 0 ]; then
        pattern="\\b($(IFS='|'; echo "${unit_functions[*]}")) *\\("
        declare -A inline_function=()
        while IFS= read -r function; do
            inline_function[$function]=1
        done < <(grep -rhoE "^static inline .*$pattern" src --include='*.h' | sed -E "s/.*$pattern.*/\\1/")
        while IFS=: read -r caller_file function; do
            function=${function%%[ (]*}
            [ -n "${inline_function[$function]:-}" ] && continue
            [ -n "${proved_file[$caller_file]:-}" ] ||
                problems+=("$file: $function has no smoke test but is called from $caller_file, which is not proved")
        done < <(grep -roE "$pattern" src --include='*.c' | sort -u)
        unset inline_function
    fi
    printf '%s\n' "$edges" >"$PROVE_OUT/$name.calls"
    printf '%s\n' "${unit_functions[@]}" >"$PROVE_OUT/$name.proved"
    echo "$file: $unit_goals goals in ${#unit_functions[@]} functions, $unit_proved proved" \
         "($(cat "$PROVE_OUT/$name.seconds")s, $(millions "$unit_steps") steps)"
done

# Every function a proved function calls is proved too, so that no
# unproved contract (or the default one Frama-C makes up) is relied on.
declare -A is_proved=()
for function in "${all_functions[@]}" "${assumed_functions[@]}"; do
    is_proved[$function]=1
done
for unit in "${units[@]}"; do
    IFS='|' read -r file functions unit_flags group <<<"$unit"
    name=$(unit_name "$file" "$group" "$functions")
    [ -f "$PROVE_OUT/$name.calls" ] || continue
    declare -A in_unit=()
    while read -r function; do
        in_unit[$function]=1
    done <"$PROVE_OUT/$name.proved"
    while read -r caller callee; do
        [ -n "$caller" ] && [ -n "${in_unit[$caller]:-}" ] || continue
        [ -n "${is_proved[$callee]:-}" ] || problems+=("$file: $caller calls $callee, which is not proved")
    done <"$PROVE_OUT/$name.calls"
    unset in_unit
done

for problem in "${unproved_lines[@]}" "${problems[@]}"; do
    echo "prove: $problem"
done
versions=$(sed -nE 's/^Found prover ([A-Za-z0-9]+) version ([0-9.]+), OK\.$/\1 \2/p' "$PROVE_OUT/why3-detect.log" |
    paste -sd, - | sed 's/,/, /g')
echo "prove: Frama-C $(frama-c -version | head -n 1 | sed "s/ *$//") with $versions;" \
     "$smoke preconditions checked for consistency; $(millions "$steps") prover steps; $((SECONDS - start_time))s"
goals=$(printf '%s\n' "${goal_names[@]}" | sort -u | grep -c .)
proved=$((goals - $(printf '%s\n' "${unproved_names[@]}" | sort -u | grep -c .)))
# Passed: proved goals. Failed: unproved goals, plus one per other problem.
failed=$((goals - proved + ${#problems[@]}))
echo "prove: $goals goals, $proved proved, $((goals - proved)) unproved, ${#assumptions[@]} assumptions"
echo "prove: $proved passed, $failed failed"
[ "$failed" -eq 0 ]
