# Sourced by run.sh and cluster.sh: the file signals between a script and its load generator
# processes (ChatLoad --signal-dir D --name G writes D/G.<what> when it reaches a step).

# wait_signals DIR WHAT COUNT LIMIT: waits until COUNT generators wrote DIR/*.WHAT, at most LIMIT s.
wait_signals() {
  local dir="$1" what="$2" count="$3" limit="$4" waited=0
  while (( $(ls "$dir" | grep -c "\.$what\$" || true) < count )); do
    sleep 1
    waited=$(( waited + 1 ))
    if (( waited >= limit )); then
      echo "$(basename "$0"): only $(ls "$dir" | grep -c "\.$what\$" || true) of $count generators reached '$what' in $limit s; their output is beside $dir" >&2
      return 1
    fi
  done
}
