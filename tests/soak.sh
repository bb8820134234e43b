#!/usr/bin/env bash
# Soak: churn boots and system-call fuzzing boots, back to back, until
# MINUTES (default 10) are up. Each boot is checked as tests/user/run.sh
# checks it (the programs' verdict lines, exit lines, no panic, the two
# kernel heap lines equal); the report at the end adds up operations,
# processes, faults survived and blocks leaked. Run from the repository root
# after `make`, or as `make soak MINUTES=N`. Not part of `make test`.
set -euo pipefail
source tests/lib.sh

MINUTES=${MINUTES:-10}
FUZZ_ROUNDS=50000
CHURN_WAVES=10
[[ $MINUTES =~ ^[0-9]+$ ]] || { echo "soak: MINUTES must be a whole number, not '$MINUTES'" >&2; exit 2; }

boots=0 failures=0 fuzz_rounds=0 children=0 processes=0 faults=0 leaked=0
# Seeds differ from run to run and from boot to boot; each boot's line names
# its own, so a failure can be booted again by hand.
seed=$(( $(date +%s) % 1000000 * 1000 ))

# heap_figure first|last: the blocks in use before the first process, or after the last.
heap_figure() {
    awk -v which="$1" '/^vana: kernel heap [0-9]+ of [0-9]+ blocks in use$/ {
        if (which == "last" || !seen++) blocks = $4 } END { print blocks }' "$klog"
}

# account WHAT: add this boot's processes, children, kills and leak to the totals,
# and print one line for it; a failed boot keeps its logs as soak-failed-N.
account() {
    local what=$1 started ended killed page_faults first last
    started=$(count_kernel_lines "vana: started process")
    ended=$(grep -cE '^vana: process [0-9]+ \(.*\) (exited with status -?[0-9]+|killed: .*)$' "$klog" || true)
    killed=$(grep -cE '^vana: process [0-9]+ \(.*\) killed: ' "$klog" || true)
    page_faults=$(grep -cE '^vana: process [0-9]+ \(.*\) killed: page fault at ' "$klog" || true)
    first=$(heap_figure first)
    last=$(heap_figure last)
    boots=$((boots + 1))
    processes=$((processes + ended))
    children=$((children + ended - started))
    faults=$((faults + page_faults))
    if [ -n "$first" ] && [ -n "$last" ]; then
        leaked=$((leaked + last - first))
    fi
    if [ "${#problems[@]}" -eq 0 ]; then
        echo "ok - boot $boots: $what: $ended processes, $killed killed, heap $first = $last blocks"
    else
        failures=$((failures + 1))
        echo "not ok - boot $boots: $what: ${problems[*]}"
        cp "$log" "$LOG_DIR/soak-failed-$boots.log"
        cp "$klog" "$LOG_DIR/soak-failed-$boots.kernel.log"
        echo "#   logs kept in $LOG_DIR/soak-failed-$boots.log and .kernel.log"
    fi
}

# The exit status QEMU must have: 1 when every exit line says status 0, else 3.
status_expected() {
    if grep -qE '^vana: process [0-9]+ \(.*\) (exited with status [^0]|exited with status 0.|killed: )' "$klog"; then
        echo 3
    else
        echo 1
    fi
}

# problem_unless DESCRIPTION COMMAND...: note DESCRIPTION if the command fails.
problem_unless() {
    local description=$1
    shift
    "$@" || problems+=("$description")
}

churn_boot() {
    local per_wave=$((50 + RANDOM % 101))
    boot soak-churn 128 "poweroff init=family.elf" "family.elf churn $CHURN_WAVES $per_wave $RANDOM,child.elf"
    problems=()
    problem_unless "no churn summary" \
        grep -qE '^family: churn of [0-9]+ children: [0-9]+ exited, [0-9]+ killed, heap back after every wave$' "$log"
    problem_unless "a status word not as expected" has_kernel_line "vana: process 1 (family.elf) exited with status 0"
    problem_unless "a kernel panic" bash -c "! grep -q panic '$klog'"
    problem_unless "heap lines differ" heap_lines_equal
    problem_unless "QEMU exit status $status, not $(status_expected)" test "$status" -eq "$(status_expected)"
    account "churn $CHURN_WAVES waves x $per_wave"
}

fuzz_boot() {
    local seeds=($((seed + 1)) $((seed + 2)) $((seed + 3))) initrd="" s
    seed=$((seed + 3))
    for s in "${seeds[@]}"; do initrd+="sysfuzz.elf $s $FUZZ_ROUNDS,"; done
    boot soak-sysfuzz 128 poweroff "${initrd}child.elf"
    problems=()
    problem_unless "an unexpected answer" \
        test "$(count_lines "sysfuzz: $FUZZ_ROUNDS rounds, 0 unexpected answers")" -eq 3
    problem_unless "a fuzzer did not exit 0" \
        test "$(grep -cE '^vana: process [0-9] \(sysfuzz.elf\) exited with status 0$' "$klog")" -eq 3
    problem_unless "a kernel panic" bash -c "! grep -q panic '$log' '$klog'"
    problem_unless "heap lines differ" heap_lines_equal
    problem_unless "QEMU exit status $status, not $(status_expected)" test "$status" -eq "$(status_expected)"
    fuzz_rounds=$((fuzz_rounds + 3 * FUZZ_ROUNDS))
    account "sysfuzz seeds ${seeds[*]}"
}

echo "soak: churn and sysfuzz boots for $MINUTES minute(s)"
end=$((SECONDS + MINUTES * 60))
while :; do  # at least one pair of boots, then pairs until the time is up
    churn_boot
    fuzz_boot
    [ "$SECONDS" -lt "$end" ] || break
done

cat <<EOF
soak: $MINUTES minute(s) ($SECONDS s), $(date -u '+%Y-%m-%d %H:%M UTC')
  operations:      $((fuzz_rounds + children)) ($fuzz_rounds system-call fuzz rounds + $children children spawned)
  processes:       $processes
  faults survived: $faults (children killed by page faults)
  blocks leaked:   $leaked
  boots:           $boots
  failures:        $failures
EOF
[ "$failures" -eq 0 ] && [ "$leaked" -eq 0 ]
