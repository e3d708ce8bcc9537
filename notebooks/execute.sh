#!/usr/bin/env bash
# Executes every notebook headlessly against a lakehouse; fails when a cell of any of them fails.
#   notebooks/execute.sh [LAKEHOUSE] [OUTPUT_DIR]
# LAKEHOUSE defaults to ./lakehouse of the README's sample run; the executed notebooks and their plots
# (PNG) go to OUTPUT_DIR (default target/notebooks), with each notebook's papermill log (<name>.log).
# The Python environment is bin/python-env's (target/python-venv, from notebooks/requirements.txt).
# NOTEBOOK_JOBS (default 2) notebooks run at a time, each with its own kernel and local Spark session.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
lakehouse=$(realpath -m "${1:-$root/lakehouse}")
out=$(realpath -m "${2:-$root/target/notebooks}")
jobs=${NOTEBOOK_JOBS:-2}
if ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then
  echo "notebooks: NOTEBOOK_JOBS must be a whole number of notebooks at a time (1 or more), not '$jobs'" >&2
  exit 2
fi
venv=$("$root/bin/python-env")
if [ ! -f "$root/target/profitlake.jar" ]; then
  echo "notebooks: target/profitlake.jar is missing; build it with 'mvn -B -DskipTests package' or 'bin/profitlake run'" >&2
  exit 2
fi
mkdir -p "$out"

execute() {
  local name
  name=$(basename "$1")
  echo "notebooks: executing $name against $lakehouse"
  if "$venv/bin/papermill" --cwd "$here" --log-level WARNING --no-progress-bar \
      -p LAKEHOUSE "$lakehouse" -p OUTPUT_DIR "$out" "$1" "$out/$name" > "$out/${name%.ipynb}.log" 2>&1; then
    echo "notebooks: $name done"
  else
    echo "notebooks: $name FAILED; its papermill log, $out/${name%.ipynb}.log, ends with:" >&2
    tail -n 40 "$out/${name%.ipynb}.log" >&2
    return 1
  fi
}

failed=0
running=()
for notebook in "$here"/[0-9][0-9]_*.ipynb; do
  if [ "${#running[@]}" -ge "$jobs" ]; then
    wait "${running[0]}" || failed=$((failed + 1))
    running=("${running[@]:1}")
  fi
  execute "$notebook" &
  running+=("$!")
done
for pid in "${running[@]}"; do
  wait "$pid" || failed=$((failed + 1))
done
if [ "$failed" -gt 0 ]; then
  echo "notebooks: $failed notebook(s) failed; outputs and plots of the others in $out" >&2
  exit 1
fi
echo "notebooks: all executed; outputs and plots in $out"
