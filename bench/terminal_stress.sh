#!/bin/bash
# The tmux tests (tests/tui/test_terminal.py) RUNS times in a row (default 30), with a
# busy loop on each of 2 cores: keys typed fast must never be lost under load.
cd "$(dirname "$0")/.."
python3 -c "while True: pass" & B1=$!
python3 -c "while True: pass" & B2=$!
trap "kill $B1 $B2" EXIT
pass=0
for i in $(seq "${RUNS:-30}"); do
  if .venv/bin/pytest -q -p no:cacheprovider tests/tui/test_terminal.py > /tmp/actreg_terminal_run_$i.log 2>&1; then
    pass=$((pass+1)); echo "run $i: passed $(tail -1 /tmp/actreg_terminal_run_$i.log)"
  else
    echo "run $i: FAILED"; tail -40 /tmp/actreg_terminal_run_$i.log
  fi
done
echo "passed $pass of ${RUNS:-30}"
