"""Static checks of the deployment: docker-compose.yml, its Dockerfiles, deploy/.env.example and
Rasa's endpoints for containers (docs/deployment.md).

No Docker engine runs where the tests run, so nothing here builds or starts a container. What
is checked is what a typo breaks: every service, file, port and variable one part names
exists in the part that should define it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import GatewaySettings
from erp_backend.settings import ErpSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
ENDPOINTS = ROOT / "deploy" / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"  # the image's (deploy/rasa.Dockerfile copies it)

SERVICES = {"postgres", "redis", "erp-migrate", "erp", "actions", "rasa-1", "rasa-2", "gateway"}
ONE_SHOT = {"erp-migrate"}
ERP_SERVICES = {"erp", "erp-migrate"}
RASA_SERVICES = {"rasa-1", "rasa-2"}
# The images' own defaults: neither service is told a port.
THIRD_PARTY_PORTS = {"postgres": 5432, "redis": 6379}
# Gateway settings that another branch is adding (a list of Rasa URLs, issue 7). Allowed while
# GatewaySettings lacks them; once merged the field exists and this entry does nothing.
# Process settings of the Rasa containers that are not read through deploy/endpoints.yml.
RASA_PROCESS_SETTINGS = {
    "RASA_TELEMETRY_ENABLED",
    "SQLALCHEMY_SILENCE_UBER_WARNING",
    "TICKET_LOCK_LIFETIME",  # the lock store's ticket lifetime (rasa.core.lock_store)
}

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $$ is a `$`.
VARIABLE = re.compile(
    r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)
BARE_VARIABLE = re.compile(r"(?<!\$)\$[A-Za-z_]")
# major.minor.patch, with a variant (-slim-bookworm); PostgreSQL's releases are major.minor.
EXACT_VERSION_TAG = re.compile(
    r"^(?:[a-z0-9./_-]+:\d+\.\d+\.\d+|postgres:\d+\.\d+)(?:-[a-z0-9.-]+)?$"
)
URL = re.compile(
    r"\b(?:https?|postgresql\+psycopg)://(?:[^@/\s,]+@)?(?P<host>[^:/\s,]+):(?P<port>\d+)"
)
LOCAL_PORT = re.compile(r"(?:127\.0\.0\.1:|-p\s+|\"-p\",\s*\")(\d+)")


class MissingVariable(ValueError):
    pass


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f"not NAME=value: {line!r}"
            assert name not in values, f"{name} twice in {ENV_EXAMPLE.name}"
            values[name.strip()] = value.strip()
    return values


def interpolate(text: str, values: dict[str, str]) -> str:
    """What Compose makes of the file with `--env-file deploy/.env.example`."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = values.get(name)
        if op == ":-":
            return value or arg
        if op == "-":
            return arg if value is None else value
        if op in (":?", "?") and not (value or (op == "?" and value is not None)):
            raise MissingVariable(f"{name}: {arg}")
        return value or ""

    return VARIABLE.sub(one, text).replace("$$", "$")


def compose_variables() -> set[str]:
    return {m["name"] for m in VARIABLE.finditer(COMPOSE.read_text())}


def interpolate_tree(node: Any, values: dict[str, str]) -> Any:
    """Compose interpolates the parsed file's string values (so an empty one stays "")."""
    if isinstance(node, dict):
        return {key: interpolate_tree(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(item, values) for item in node]
    return interpolate(node, values) if isinstance(node, str) else node


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = interpolate_tree(yaml.safe_load(COMPOSE.read_text()), env_example())
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def environment(service: str) -> dict[str, str]:
    env = services()[service].get("environment", {})
    assert isinstance(env, dict), f"{service}: environment as a mapping, please"
    return {name: str(value) for name, value in env.items()}


# -- Dockerfiles -------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)


def dockerfile_instructions(path: Path) -> Iterator[tuple[str, str]]:
    logical = ""
    for line in path.read_text().splitlines():
        if not logical and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        logical += line
        keyword, _, rest = logical.strip().partition(" ")
        yield keyword.upper(), rest.strip()
        logical = ""


@cache
def dockerfile_stages(path: Path) -> list[Stage]:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, rest in dockerfile_instructions(path):
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            global_args[name] = default
        elif keyword == "FROM":
            words = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m[1]], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name, base))
        else:
            stages[-1].instructions.append((keyword, rest))
    return stages


def stage_chain(path: Path, target: str | None) -> list[Stage]:
    """The target stage (default the last) and the stages it is built FROM, base first."""
    stages = {stage.name: stage for stage in dockerfile_stages(path)}
    stage = stages[target] if target else dockerfile_stages(path)[-1]
    chain = [stage]
    while chain[0].base in stages:
        chain.insert(0, stages[chain[0].base])
    return chain


def built_images() -> dict[str, tuple[Path, str | None]]:
    """service -> (Dockerfile, target) for every service built from the repository."""
    built = {}
    for name, service in services().items():
        if "build" in service:
            build = service["build"]
            context = ROOT / build.get("context", ".")
            built[name] = (context / build.get("dockerfile", "Dockerfile"), build.get("target"))
    return built


def dockerfiles() -> list[Path]:
    return sorted({path for path, _ in built_images().values()})


def image_command(service: str) -> list[str]:
    """The command a service runs: compose's `command`, else its image's CMD."""
    spec = services()[service]
    if "command" in spec:
        return list(spec["command"])
    path, target = built_images()[service]
    for stage in reversed(stage_chain(path, target)):
        for keyword, rest in reversed(stage.instructions):
            if keyword == "CMD":
                return list(json.loads(rest))
    raise AssertionError(f"{service} has no command")


def listening_port(service: str) -> int:
    if service in THIRD_PARTY_PORTS:
        return THIRD_PARTY_PORTS[service]
    env = environment(service)
    for setting in ("ERP_PORT", "GATEWAY_PORT"):
        if setting in env:
            return int(env[setting])
    command = image_command(service)
    return int(command[command.index("--port") + 1])


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored_by_docker(relative: str) -> bool:
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
        or fnmatch.fnmatch(prefix.split("/")[-1], pattern.removeprefix("**/"))
        for pattern in dockerignore_patterns()
        for prefix in prefixes
    )


# -- the variables -----------------------------------------------------------------------------


def test_every_variable_in_the_compose_file_is_in_the_example() -> None:
    missing = compose_variables() - env_example().keys()
    assert not missing, f"used in docker-compose.yml, not in deploy/.env.example: {missing}"


def test_every_variable_in_the_example_is_used() -> None:
    unused = env_example().keys() - compose_variables()
    assert not unused, f"in deploy/.env.example, used nowhere: {unused}"


def test_variables_are_written_with_braces() -> None:
    assert not BARE_VARIABLE.findall(COMPOSE.read_text())


def test_the_example_is_complete_and_holds_no_real_secret() -> None:
    values = env_example()
    compose()  # raises MissingVariable for a required (:?) variable left empty in the example
    for name, value in values.items():
        if any(word in name for word in ("PASSWORD", "SECRET")) and value:
            assert value.startswith("change-me"), f"{name}: a placeholder, not a secret"
        if name.endswith(("_KEY", "_TOKEN")):
            assert value == "", f"{name}: created per deployment, empty in the example"


def test_a_missing_secret_stops_compose() -> None:
    without = {k: v for k, v in env_example().items() if k != "POSTGRES_PASSWORD"}
    with pytest.raises(MissingVariable):
        interpolate_tree(yaml.safe_load(COMPOSE.read_text()), without)


def test_the_real_env_file_is_never_committed_nor_copied_into_an_image() -> None:
    assert "deploy/.env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ignored_by_docker("deploy/.env")


# -- the services ------------------------------------------------------------------------------


def test_the_services_are_the_product() -> None:
    assert set(services()) == SERVICES
    assert services()["erp"]["deploy"]["replicas"] == 2


def test_every_service_has_a_pinned_image_or_a_build_from_an_existing_dockerfile() -> None:
    for name, service in services().items():
        if "build" in service:
            path, target = built_images()[name]
            assert path.is_file(), f"{name}: no {path}"
            assert path.parent.is_dir()
            if target:
                assert target in {s.name for s in dockerfile_stages(path)}, f"{name}: {target}?"
        else:
            image = service["image"]
            assert EXACT_VERSION_TAG.match(image), f"{name}: pin an exact version, not {image}"


def test_dependencies_are_services_and_waited_for_the_way_they_can_be() -> None:
    for name, service in services().items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services(), f"{name} depends on unknown {dependency}"
            wanted = condition["condition"]
            if wanted == "service_healthy":
                assert "healthcheck" in services()[dependency], f"{dependency} has no healthcheck"
            elif wanted == "service_completed_successfully":
                assert dependency in ONE_SHOT
            else:
                assert wanted == "service_started"
    erp_needs = services()["erp"]["depends_on"]
    assert erp_needs["erp-migrate"]["condition"] == "service_completed_successfully"


def test_every_long_running_service_has_a_healthcheck_and_restarts() -> None:
    for name, service in services().items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no"
            continue
        assert service.get("restart") == "unless-stopped", name
        check = service.get("healthcheck", {}).get("test")
        assert check, f"{name}: no healthcheck"
        assert check[0] in ("CMD", "CMD-SHELL"), name


def test_healthchecks_ask_the_port_the_service_listens_on() -> None:
    for name, service in services().items():
        if name in ONE_SHOT:
            continue
        probe = json.dumps(service["healthcheck"]["test"])
        ports = {int(port) for port in LOCAL_PORT.findall(probe)}
        assert ports == {listening_port(name)}, f"{name}: healthcheck asks {ports}"


def test_only_the_gateway_publishes_a_port_and_only_it_reaches_out() -> None:
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"gateway"}
    (mapping,) = services()["gateway"]["ports"]
    assert int(str(mapping).rsplit(":", 1)[1]) == listening_port("gateway")
    assert compose()["networks"]["backend"]["internal"] is True
    for name, service in services().items():
        expected = ["backend", "edge"] if name == "gateway" else ["backend"]
        assert service["networks"] == expected, name


def test_every_url_names_a_service_and_the_port_it_listens_on() -> None:
    told = [(name, value) for name in services() for value in environment(name).values()]
    rasa_env = environment("rasa-1")
    told += [("endpoints.yml", interpolate(ENDPOINTS.read_text(), rasa_env))]
    urls = [(name, m) for name, text in told for m in URL.finditer(text)]
    assert len(urls) >= 8
    for teller, url in urls:
        host, port = url["host"], int(url["port"])
        assert host in services(), f"{teller}: {url[0]} names no service"
        assert port == listening_port(host), f"{teller}: {url[0]}, {host} listens on another"
    gateway = environment("gateway")
    assert gateway["RASA_URLS"].split(",") == [f"http://{n}:5005" for n in sorted(RASA_SERVICES)]
    assert gateway["RASA_URL"] in gateway["RASA_URLS"].split(",")


def test_database_urls_use_the_roles_and_databases_postgres_creates() -> None:
    postgres = environment("postgres")
    script = (ROOT / "deploy/postgres/init-databases.sh").read_text()
    url = re.compile(r"postgresql\+psycopg://(\w+):([^@]+)@postgres:5432/(\w+)$")
    urls = [
        environment("erp")["ERP_DATABASE_URL"],
        environment("erp-migrate")["ERP_DATABASE_URL"],
        environment("gateway")["GATEWAY_DATABASE_URL"],
    ]
    accounts = [
        (env["RASA_DB_USER"], env["RASA_DB_PASSWORD"], env["RASA_DB_NAME"])
        for env in map(environment, RASA_SERVICES)
    ]
    for text in urls:
        match = url.match(text)
        assert match, text
        accounts.append((match[1], match[2], match[3]))
    for user, password, database in accounts:
        prefixes = [
            k.removesuffix("_DB_USER")
            for k, v in postgres.items()
            if k.endswith("_DB_USER") and v == user
        ]
        assert len(prefixes) == 1, f"postgres creates no role {user}"
        assert postgres[f"{prefixes[0]}_DB_PASSWORD"] == password
        assert postgres[f"{prefixes[0]}_DB_NAME"] == database
        assert f'"${prefixes[0]}_DB_USER"' in script
    mounted = [v for v in services()["postgres"]["volumes"] if v.startswith("./")]
    for volume in mounted:
        assert (ROOT / volume.split(":")[0]).is_file(), volume


# -- what each process is told -----------------------------------------------------------------


def test_erp_environment_names_erp_settings() -> None:
    fields = set(ErpSettings.model_fields)
    for name in ERP_SERVICES:
        for variable in environment(name):
            assert variable.startswith("ERP_"), f"{name}: {variable} is not an ERP setting"
            assert variable.removeprefix("ERP_").lower() in fields, f"{name}: {variable}?"


def test_gateway_environment_names_gateway_settings() -> None:
    fields = set(GatewaySettings.model_fields)
    unknown = {v for v in environment("gateway") if v.lower() not in fields}
    assert not unknown, f"not GatewaySettings fields: {unknown}"


def test_the_gateway_takes_an_empty_variable_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in environment("gateway").items():
        monkeypatch.setenv(name, value)
    settings = GatewaySettings()
    assert settings.staff_telegram_chat_id is None
    assert settings.telegram_bot_token.get_secret_value() == ""
    assert settings.gateway_database_url.startswith("postgresql+psycopg://gateway:")
    assert settings.gateway_secure_cookies is True
    assert settings.gateway_host == "0.0.0.0"  # noqa: S104 (inside its container)
    assert settings.gateway_port == listening_port("gateway")


def test_action_server_environment_is_what_the_actions_read() -> None:
    sources = [
        "actions/erp_client.py",
        "actions/__init__.py",
        "telemetry/logs.py",
        "rasa_gateway/action_server.py",
    ]
    source = "\n".join((ROOT / path).read_text() for path in sources)
    read = set(re.findall(r"os\.environ\.get\(\"(\w+)\"", source))
    assert set(environment("actions")) <= read


def test_rasa_endpoints_name_the_shared_tracker_and_lock_stores() -> None:
    text = ENDPOINTS.read_text()
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"[\"']\$\{", text), "Rasa expands unquoted ${VAR} only"
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["action_endpoint"]["headers"]["X-Action-Token"] == "${ACTION_SERVER_TOKEN}"
    credentials = "\n".join(
        line for line in CREDENTIALS.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    assert list(yaml.safe_load(credentials)) == ["rasa_gateway.channel.GatewayInput"]
    needed = {m["name"] for m in VARIABLE.finditer(text + "\n" + credentials)}
    for name in RASA_SERVICES:
        env = environment(name)
        assert needed <= env.keys(), f"{name} does not set {needed - env.keys()}"
        assert set(env) <= needed | RASA_PROCESS_SETTINGS, f"{name}: unused settings"
        assert env["RASA_TELEMETRY_ENABLED"] == "false"
        resolved = yaml.safe_load(interpolate(text, env))
        for store, host in (("tracker_store", "postgres"), ("lock_store", "redis")):
            assert resolved[store]["url"] == host
            assert resolved[store]["port"] == listening_port(host)
        command = image_command(name)
        assert command[command.index("--endpoints") + 1] == "deploy/endpoints.yml"
        assert "--enable-api" not in command


def test_the_two_rasa_servers_are_the_same() -> None:
    one, two = (dict(services()[name]) for name in sorted(RASA_SERVICES))
    one.pop("depends_on")
    two.pop("depends_on")
    assert one == two


# -- the Dockerfiles ---------------------------------------------------------------------------


def test_dockerfiles_start_from_pinned_bases() -> None:
    for path in dockerfiles():
        names = {stage.name for stage in dockerfile_stages(path)}
        for stage in dockerfile_stages(path):
            if stage.base not in names:
                assert EXACT_VERSION_TAG.match(stage.base), f"{path.name}: {stage.base}"


def test_images_run_as_a_fixed_non_root_user() -> None:
    for service, (path, target) in built_images().items():
        users = [
            rest
            for stage in stage_chain(path, target)
            for keyword, rest in stage.instructions
            if keyword == "USER"
        ]
        assert users, f"{service}: no USER"
        uid = users[-1].split(":")[0]
        assert uid.isdigit(), f"{service}: USER {users[-1]}, a fixed uid please"
        assert int(uid) >= 1000, f"{service}: USER {users[-1]}"


def test_every_copied_file_exists_and_reaches_the_builder() -> None:
    for path in dockerfiles():
        for stage in dockerfile_stages(path):
            for keyword, rest in stage.instructions:
                if keyword not in ("COPY", "ADD") or "--from=" in rest:
                    continue
                sources = [w for w in rest.split() if not w.startswith("--")][:-1]
                assert sources
                for source in sources:
                    assert (ROOT / source).exists(), f"{path.name}: COPY {source}: no such path"
                    assert not ignored_by_docker(source), f"{path.name}: {source} is ignored"


def test_images_install_from_the_lock_files_with_the_projects_uv() -> None:
    setup = (ROOT / "scripts/setup.sh").read_text()
    (uv_version,) = re.findall(r"uv==([\d.]+)", setup)
    for path in dockerfiles():
        text = path.read_text()
        assert f'"uv=={uv_version}"' in text, f"{path.name}: uv {uv_version} as in setup.sh"
    assert "uv sync --frozen --no-dev" in (ROOT / "deploy/erp.Dockerfile").read_text()
    rasa = (ROOT / "deploy/rasa.Dockerfile").read_text()
    assert "uv pip sync --python /opt/rasa/bin/python /tmp/rasa.lock" in rasa
    assert "COPY requirements/rasa.lock /tmp/rasa.lock" in rasa


def test_no_secret_is_baked_into_an_image() -> None:
    secret = re.compile(r"(PASSWORD|SECRET|TOKEN|_KEY)\b")
    for path in dockerfiles():
        for stage in dockerfile_stages(path):
            for keyword, rest in stage.instructions:
                if keyword in ("ENV", "ARG"):
                    assert not secret.search(rest), f"{path.name}: {keyword} {rest}"
    for excluded in (".venv", ".venv-rasa", "var", "models", ".git"):
        assert ignored_by_docker(excluded), excluded


def copied_into(service: str, *, built_elsewhere: bool = False) -> set[str]:
    """The top-level paths of the repository a service's image copies in: its target stage and
    the stages it is built FROM, or (`built_elsewhere`: the code is built into a virtualenv in
    a build stage and only that is copied over) every stage of its Dockerfile."""
    path, target = built_images()[service]
    stages = dockerfile_stages(path) if built_elsewhere else stage_chain(path, target)
    copied = set()
    for stage in stages:
        for keyword, rest in stage.instructions:
            if keyword == "COPY" and not rest.startswith("--from"):
                copied |= {source.split("/")[0] for source in rest.split()[:-1]}
    return copied


def repository_packages_imported_by(package: str) -> set[str]:
    """Top-level packages of this repository that `package` imports."""
    ours = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    found = set()
    for source in (ROOT / package).rglob("*.py"):
        for match in re.finditer(r"^\s*(?:from|import)\s+(\w+)", source.read_text(), re.M):
            if match[1] in ours:
                found.add(match[1])
    return found


@pytest.mark.parametrize(("service", "package"), [("erp", "erp_backend"), ("gateway", "bot")])
def test_the_main_images_copy_every_package_their_code_imports(service: str, package: str) -> None:
    needed = repository_packages_imported_by(package) | {package}
    copied = copied_into(service, built_elsewhere=True)
    assert needed <= copied, needed - copied


def test_the_action_server_image_copies_every_package_the_actions_import() -> None:
    needed = repository_packages_imported_by("actions") | {"actions"}
    assert "telemetry" in needed  # the shared log lines: the check sees real imports
    assert needed <= copied_into("actions"), needed - copied_into("actions")
