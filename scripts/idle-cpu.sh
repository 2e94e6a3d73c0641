#!/usr/bin/env bash
# CPU of a running devnet, per process and in all, over a window (default 60 s), read from
# /proc/<pid>/stat (utime + stime) at its start and end: the figure issue-style targets name
# ("≤ 25 % of one core in all"). Run it beside `bash scripts/devnet.sh up` once every chain
# has checkpointed, with nothing else loading the machine.
#
#   bash scripts/idle-cpu.sh [seconds]
set -euo pipefail
window="${1:-60}"
hz=$(getconf CLK_TCK)
pids=$(pgrep -x plasmad; pgrep -x anvil) || true
[ -n "$pids" ] || { echo "idle-cpu: no plasmad or anvil running" >&2; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A before name
for p in $pids; do
  before[$p]=$(ticks "$p")
  name[$p]="$(cat "/proc/$p/comm") $(tr '\0' ' ' < "/proc/$p/cmdline" | { grep -o -- '--home [^ ]*' || true; } | sed 's/--home //;s|.*/chains/||')"
done
sleep "$window"
total=0
printf '%-8s %-40s %8s\n' pid process "% core"
for p in $pids; do
  used=$(( $(ticks "$p") - ${before[$p]} ))
  [ "$used" -ge 0 ] || used=0   # exited during the window
  total=$(( total + used ))
  awk -v u="$used" -v hz="$hz" -v w="$window" -v p="$p" -v n="${name[$p]}" \
    'BEGIN { printf "%-8s %-40s %8.1f\n", p, n, 100 * u / hz / w }'
done
awk -v u="$total" -v hz="$hz" -v w="$window" -v n="$(echo "$pids" | wc -w)" \
  'BEGIN { printf "all %d processes over %d s: %.1f %% of one core\n", n, w, 100 * u / hz / w }'
