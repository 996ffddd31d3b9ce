#!/bin/sh
# Starts UltraChat in a container: `java -XX:+UseG1GC -jar ultrachat.jar <args>`.
#
# node.id must be unique per running process (it is part of every id a node issues). When the
# orchestrator gives the pod an ordinal (POD_INDEX, e.g. from the StatefulSet label
# apps.kubernetes.io/pod-index) and the role a range (NODE_ID_BASE), the node id is their sum,
# unless ULTRACHAT_NODE_ID is set explicitly.
set -eu
if [ -z "${ULTRACHAT_NODE_ID:-}" ] && [ -n "${POD_INDEX:-}" ]; then
  ULTRACHAT_NODE_ID=$(( ${NODE_ID_BASE:-0} + POD_INDEX ))
  export ULTRACHAT_NODE_ID
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -XX:+UseG1GC -XX:MaxRAMPercentage=70 --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -jar /opt/ultrachat/ultrachat.jar "$@"
