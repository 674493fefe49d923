// Validates Kubernetes objects (a JSON array on stdin) against their schemas and prints one problem a line;
// exits 1 when there is any. Schemas: kubernetes-models (the Kubernetes API's OpenAPI schemas) and the
// @kubernetes-models packages generated from the Strimzi, KEDA and prometheus-operator CRDs. Those validators check
// types, enums, required fields and formats but let unknown fields through, where `kubectl apply` (strict field
// validation) rejects them; so every object is also checked for fields its schema does not declare (see strict()).
import { readFileSync } from "node:fs";

const PACKAGES = [
  { group: /\.strimzi\.io$/, pkg: "@kubernetes-models/strimzi-kafka-operator" },
  { group: /^(eventing\.)?keda\.sh$/, pkg: "@kubernetes-models/keda" },
  { group: /^monitoring\.coreos\.com$/, pkg: "@kubernetes-models/prometheus-operator" },
  { group: /^([a-z0-9-]+|[a-z0-9.-]+\.k8s\.io)?$/, pkg: "kubernetes-models" },
];

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const entry = PACKAGES.find((p) => p.group.test(group));
  if (!entry || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  try {
    const module = await import(`${entry.pkg}/${group ? group + "/" : ""}${version}/${kind}`);
    return module[kind];
  } catch (e) {
    if (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw e;
  }
}

// The generated validators read every property their schema declares (`data.replicas`) and enumerate the keys of
// objects whose schema allows further ones (maps such as labels). Wrapping the object in proxies that record both
// tells, after validation, which keys of which objects no schema declared. An object the validator never looked
// into (a free-form one, x-kubernetes-preserve-unknown-fields) is left alone.
function tracked(value, path, seen) {
  if (Array.isArray(value)) return value.map((item, i) => tracked(item, `${path}[${i}]`, seen));
  if (value === null || typeof value !== "object") return value;
  const use = { path, read: new Set(), enumerated: false, keys: Object.keys(value) };
  seen.push(use);
  const target = {};
  for (const key of use.keys) target[key] = tracked(value[key], path ? `${path}.${key}` : key, seen);
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === "string") use.read.add(key);
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      if (typeof key === "string") use.read.add(key);
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      use.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

function strict(seen) {
  return seen
    .filter((use) => use.read.size > 0 && !use.enumerated)
    .flatMap((use) => use.keys.filter((key) => !use.read.has(key))
      .map((key) => `unknown field ${use.path ? use.path + "." : ""}${key}`));
}

const objects = JSON.parse(readFileSync(0, "utf8"));
let problems = 0;
for (const object of objects) {
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  const Model = await modelOf(String(object.apiVersion), String(object.kind));
  const found = [];
  if (!Model) {
    found.push("no schema for this kind (not a Kubernetes, Strimzi, KEDA or prometheus-operator kind)");
  } else {
    const seen = [];
    try {
      Model.prototype.validate.call(tracked(object, "", seen));
    } catch (e) {
      found.push(String(e.message ?? e).replace(/\s+/g, " "));
    }
    found.push(...strict(seen));
  }
  for (const problem of found) console.log(`${name}: ${problem}`);
  problems += found.length;
}
process.exit(problems > 0 ? 1 : 0);
