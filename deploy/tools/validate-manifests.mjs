// Validates rendered Kubernetes manifests against the API schemas shipped in the npm package
// kubernetes-models (generated from Kubernetes' OpenAPI document; works offline).
// Usage: node validate-manifests.mjs rendered.yaml...   Exit status 1 on any invalid object.
// Objects of custom resources (Istio, Linkerd, Prometheus Operator) have no schema here and
// are listed as not validated.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

let invalid = 0;
const unchecked = new Set();
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : [null, doc.apiVersion];
    const path = `kubernetes-models/${group ? group + "/" : ""}${version}/${doc.kind}`;
    let Model;
    try {
      Model = (await import(path))[doc.kind];
    } catch {
      unchecked.add(`${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      invalid++;
      console.error(`${file}: ${doc.kind} ${doc.metadata?.name}: ${e.message}`);
    }
  }
}
if (unchecked.size) console.log(`not validated (no schema here): ${[...unchecked].sort().join(", ")}`);
process.exit(invalid ? 1 : 0);
