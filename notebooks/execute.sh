#!/usr/bin/env bash
# Executes every notebook headlessly against a lakehouse, failing on the first cell error.
#   notebooks/execute.sh [LAKEHOUSE] [OUTPUT_DIR]
# LAKEHOUSE defaults to ./lakehouse of the README's sample run; the executed notebooks and their plots
# (PNG) go to OUTPUT_DIR (default target/notebooks). The Python environment is bin/python-env's
# (target/python-venv, from notebooks/requirements.txt).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
lakehouse=$(realpath -m "${1:-$root/lakehouse}")
out=$(realpath -m "${2:-$root/target/notebooks}")
venv=$("$root/bin/python-env")
if [ ! -f "$root/target/profitlake.jar" ]; then
  echo "notebooks: target/profitlake.jar is missing; build it with 'mvn -B -DskipTests package' or 'bin/profitlake run'" >&2
  exit 2
fi
mkdir -p "$out"
for notebook in "$here"/[0-9][0-9]_*.ipynb; do
  name=$(basename "$notebook")
  echo "notebooks: executing $name against $lakehouse"
  "$venv/bin/papermill" --cwd "$here" --log-level WARNING --no-progress-bar \
    -p LAKEHOUSE "$lakehouse" -p OUTPUT_DIR "$out" "$notebook" "$out/$name"
done
echo "notebooks: all executed; outputs and plots in $out"
