#!/usr/bin/env bash
# Checks what can be checked here of deploy/ without a cluster or a container engine:
#   1. kustomize renders every layout and overlay (kubectl kustomize),
#   2. the rendered objects validate against the Kubernetes API schemas (npm kubernetes-models,
#      offline; custom resources of Istio, Linkerd and Prometheus are listed, not validated),
#   3. nginx accepts deploy/nginx/ultrachat.conf (nginx -t, self-signed certificate),
#   4. Prometheus accepts the alert rules (promtool check rules),
#   5. the entrypoint script parses (sh -n).
# A step whose tool is missing is reported as SKIPPED and the script still fails on any error.
# Install the tools on Debian: apt-get install -y nginx prometheus openssl nodejs npm; kubectl
# from the Kubernetes packages. The invariants (probes, limits, HPA/PDB, settings, metric names)
# are tested by `mvn verify` (server: DeployManifestsTest, DeployMetricsIT).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
skipped=0
ok()   { echo "ok      $*"; }
fail() { echo "FAILED  $*"; failed=1; }
skip() { echo "SKIPPED $*"; skipped=1; }

layouts=(current target mesh/linkerd mesh/istio)
if command -v kubectl >/dev/null 2>&1; then
  for l in "${layouts[@]}"; do
    out="$work/$(echo "$l" | tr / -).yaml"
    if kubectl kustomize "$here/kubernetes/$l" >"$out" 2>"$work/err"; then ok "kustomize $l"; else fail "kustomize $l: $(cat "$work/err")"; fi
  done
else
  skip "kustomize (no kubectl)"
fi

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && compgen -G "$work/*.yaml" >/dev/null; then
  tools="$here/tools"
  if [[ ! -d "$tools/node_modules/kubernetes-models" ]]; then
    (cd "$tools" && npm install --no-audit --no-fund --silent >"$work/npm.log" 2>&1) || { cat "$work/npm.log"; fail "npm install in deploy/tools"; }
  fi
  if [[ -d "$tools/node_modules/kubernetes-models" ]]; then
    if node "$tools/validate-manifests.mjs" "$work"/*.yaml; then ok "schemas"; else fail "schemas"; fi
  fi
else
  skip "schemas (no node/npm, or nothing rendered)"
fi

if command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
  mkdir -p "$work/nginx/ssl" "$work/nginx/conf.d" "$work/nginx/logs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=chat.example.com \
    -keyout "$work/nginx/ssl/privkey.pem" -out "$work/nginx/ssl/fullchain.pem" 2>/dev/null
  sed "s#/etc/ssl/ultrachat#$work/nginx/ssl#g" "$here/nginx/ultrachat.conf" >"$work/nginx/conf.d/ultrachat.conf"
  cat >"$work/nginx/nginx.conf" <<CONF
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  include $work/nginx/conf.d/ultrachat.conf;
}
CONF
  if nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/err"; then ok "nginx -t"; else fail "nginx -t: $(cat "$work/err")"; fi
else
  skip "nginx -t (no nginx or openssl)"
fi

if command -v promtool >/dev/null 2>&1; then
  if promtool check rules "$here/monitoring/prometheus-rules.yaml" >"$work/err" 2>&1; then ok "promtool check rules"; else fail "promtool: $(cat "$work/err")"; fi
else
  skip "promtool check rules (no promtool)"
fi

if sh -n "$here/entrypoint.sh"; then ok "entrypoint.sh parses"; else fail "entrypoint.sh"; fi

if (( failed )); then echo "deploy/check.sh: FAILED"; exit 1; fi
if (( skipped )); then echo "deploy/check.sh: passed, with steps skipped"; else echo "deploy/check.sh: passed"; fi
