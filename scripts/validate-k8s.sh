#!/usr/bin/env bash
# Checks the Kubernetes manifests in k8s/ against the Kubernetes schemas with the PyPI package
# kubernetes-validate, strictly (an unknown or misspelt field is an error, and so is a kind or
# apiVersion the schemas do not know), and checks the kustomization: every manifest listed and
# present, the generated ConfigMap valid and its files parsing as YAML, every ConfigMap and
# Secret a pod refers to defined, every Service and selector matching some pod template.
# Exits non-zero on any finding.
#
# The tool lives in a virtualenv cached under ${XDG_CACHE_HOME:-~/.cache}/queuecall/k8s-venv,
# made on the first run (needs PyPI and python3's venv module); later runs take a few seconds.
# Run from anywhere: `bash scripts/validate-k8s.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

kv_version=1.37.0     # kubernetes-validate
k8s_version=1.30.0    # the oldest Kubernetes the manifests are meant for
cache=${XDG_CACHE_HOME:-$HOME/.cache}/queuecall
venv=$cache/k8s-venv
stamp=$venv/.installed-kubernetes-validate-$kv_version

if [[ ! -f $stamp ]]; then
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
        if [[ ${CI:-} == true && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            apt-get update -q
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
        else
            echo "validate-k8s: python3 cannot make a virtualenv; install it with" \
                "'apt-get install python3-venv'" >&2
            exit 1
        fi
    fi
    mkdir -p "$cache"
    # One run at a time makes the virtualenv.
    exec 9>"$cache/k8s-venv.lock"
    flock 9
    if [[ ! -f $stamp ]]; then
        echo "validate-k8s: installing kubernetes-validate $kv_version into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            "kubernetes-validate==$kv_version"
        touch "$stamp"
    fi
    flock -u 9
fi

# The resources: every YAML file of k8s/ but the kustomization and the files under config/,
# which are the data of the generated ConfigMap.
mapfile -t manifests < <(find k8s -name '*.yaml' -not -name kustomization.yaml \
    -not -path 'k8s/config/*' | sort)
if ((${#manifests[@]} == 0)); then
    echo "validate-k8s: no manifests under k8s/" >&2
    exit 1
fi

status=0
out=$("$venv/bin/kubernetes-validate" --strict --quiet -k "$k8s_version" "${manifests[@]}" 2>&1) \
    || status=1
[[ -n $out ]] && printf '%s\n' "$out"
# A kind or apiVersion without a schema is only a warning to the tool; here it is an error.
if grep -q '^WARN' <<<"$out"; then
    status=1
fi

"$venv/bin/python" - "$k8s_version" "${manifests[@]}" <<'PY' || status=1
"""The kustomization's consistency; the rendered ConfigMaps against the schemas."""
import os
import sys

import yaml
import kubernetes_validate

version, manifests = sys.argv[1], sys.argv[2:]
errors = []
with open("k8s/kustomization.yaml") as f:
    kustomization = yaml.safe_load(f)

listed = {os.path.normpath(os.path.join("k8s", r)) for r in kustomization.get("resources", [])}
for path in sorted(listed - set(manifests)):
    errors.append(f"kustomization.yaml lists {path}, which does not exist")
for path in sorted(set(manifests) - listed):
    errors.append(f"{path} is not listed in kustomization.yaml's resources")

docs = []
for path in manifests:
    with open(path) as f:
        docs += [(path, d) for d in yaml.safe_load_all(f) if d]

configmaps, secrets = set(), set()
for generator in kustomization.get("configMapGenerator", []):
    name, data = generator["name"], {}
    for entry in generator.get("files", []):
        key, _, file = entry.rpartition("=")
        file_path = os.path.join("k8s", file)
        try:
            with open(file_path) as f:
                text = f.read()
            if file.endswith((".yaml", ".yml")):
                yaml.safe_load(text)
        except (OSError, yaml.YAMLError) as e:
            errors.append(f"configMapGenerator {name}: {file_path}: {e}")
            continue
        data[key or os.path.basename(file)] = text
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
    try:
        kubernetes_validate.validate(configmap, version, strict=True)
    except Exception as e:  # the tool's errors carry the path and the reason
        errors.append(f"configMapGenerator {name}: {e}")
    configmaps.add(name)

def cross_check():
    """References and selectors between the manifests."""
    pod_templates = []  # (where, labels, pod spec)
    for path, d in docs:
        kind, name = d.get("kind"), d.get("metadata", {}).get("name")
        if kind == "ConfigMap":
            configmaps.add(name)
        elif kind == "Secret":
            secrets.add(name)
        spec = d.get("spec", {})
        template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        if template:
            labels = template.get("metadata", {}).get("labels", {})
            pod_templates.append((f"{path}: {kind} {name}", labels, template.get("spec", {})))
            selector = spec.get("selector", {}).get("matchLabels")
            if selector and any(labels.get(k) != v for k, v in selector.items()):
                errors.append(f"{path}: {kind} {name}: selector {selector} misses its pod labels")

    for where, _, pod in pod_templates:
        refs = []
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                refs.append(("ConfigMap", volume["configMap"]["name"]))
            if "secret" in volume:
                refs.append(("Secret", volume["secret"]["secretName"]))
        for container in pod.get("initContainers", []) + pod.get("containers", []):
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    refs.append(("ConfigMap", source["configMapRef"]["name"]))
                if "secretRef" in source:
                    refs.append(("Secret", source["secretRef"]["name"]))
            for env in container.get("env", []):
                value_from = env.get("valueFrom", {})
                if "configMapKeyRef" in value_from:
                    refs.append(("ConfigMap", value_from["configMapKeyRef"]["name"]))
                if "secretKeyRef" in value_from:
                    refs.append(("Secret", value_from["secretKeyRef"]["name"]))
        for kind, name in refs:
            if name not in (configmaps if kind == "ConfigMap" else secrets):
                errors.append(f"{where} refers to {kind} {name}, which k8s/ does not define")

    for path, d in docs:
        kind, name, spec = d.get("kind"), d.get("metadata", {}).get("name"), d.get("spec", {})
        selector = None
        if kind == "Service":
            selector = spec.get("selector")
        elif kind in ("PodDisruptionBudget", "NetworkPolicy"):
            selector = (spec.get("selector") or spec.get("podSelector") or {}).get("matchLabels")
        if selector and not any(
            all(labels.get(k) == v for k, v in selector.items()) for _, labels, _ in pod_templates
        ):
            errors.append(f"{path}: {kind} {name}: selector {selector} matches no pod template")


try:
    cross_check()
except (AttributeError, KeyError, TypeError) as e:
    # A manifest of the wrong shape, which the schema check reports in detail.
    errors.append(f"cannot cross-check the manifests, one is malformed: {e!r}")

for error in errors:
    print(f"ERROR {error}")
if errors:
    sys.exit(1)
PY

if ((status)); then
    echo "validate-k8s: FAILED" >&2
    exit 1
fi
echo "validate-k8s: ${#manifests[@]} manifest files and the generated ConfigMap are valid" \
    "for Kubernetes $k8s_version"
