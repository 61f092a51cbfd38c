"""Deployment checks: docker-compose.yml, docker/*.Dockerfile, .dockerignore.

No Docker engine is needed: the compose file is validated and rendered with
`docker-compose -f docker-compose.yml config` (Debian's docker-compose v1,
/usr/bin/docker-compose), and the Dockerfiles are checked as text.

Run from the hub venv:  cd /work/main && .venv/bin/python -m pytest tests/deploy

If docker-compose is not on PATH the module is skipped locally, but it FAILS
when the CI environment variable is set: in CI the check must really run.

"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
HUB_DOCKERFILE = REPO / "docker" / "hub.Dockerfile"
RASA_DOCKERFILE = REPO / "docker" / "rasa.Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
HUB_LOCK = "requirements/hub.lock"
RASA_LOCK = "requirements/rasa.lock"

# Dummy values: recognisable, never real.
DUMMY_ENV = {
    "HUB_INTERNAL_SECRET": "dummy-hub-internal-secret-4f1c",
    "POSTGRES_PASSWORD": "dummy-postgres-password-9b7e",
}
SECRET_VARS = tuple(DUMMY_ENV)
# Variables of ours that must not leak in from the developer's shell.
CHANNEL_VARS = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
SCRUBBED_VARS = SECRET_VARS + CHANNEL_VARS + ("PUBLIC_BASE_URL", "DATABASE_URL")

EXPECTED_SERVICES = {"hub", "rasa", "actions", "postgres"}
RASA_SERVICES = {"rasa", "actions"}


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #


def _compose_binary() -> str:
    found = shutil.which("docker-compose")
    if found:
        return found
    message = (
        "\n" + "!" * 78 + "\n"
        "tests/deploy SKIPPED: the `docker-compose` binary is not on PATH, so\n"
        "docker-compose.yml was NOT validated. Install Debian's docker-compose\n"
        "(`apt-get install docker-compose`, provides /usr/bin/docker-compose v1).\n"
        + "!" * 78
    )
    if os.environ.get("CI"):
        pytest.fail(message.replace("SKIPPED", "FAILED (CI is set)"), pytrace=False)
    pytest.skip(message, allow_module_level=True)


COMPOSE = _compose_binary()


def load_yaml(text: str) -> Any:
    return yaml.safe_load(text)


def compose_env(**overrides: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SCRUBBED_VARS and not k.startswith("COMPOSE_")
    }
    env.update(DUMMY_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_config(
    tmp_path: Path, *extra: str, **env_overrides: str | None
) -> subprocess.CompletedProcess:
    # An empty --env-file keeps a developer's untracked .env out of the test.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        [
            COMPOSE,
            "--env-file",
            str(empty_env_file),
            "-f",
            str(COMPOSE_FILE),
            "config",
            *extra,
        ],
        cwd=REPO,
        env=compose_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> dict:
    result = run_config(tmp_path_factory.mktemp("compose"))
    assert result.returncode == 0, (
        f"`docker-compose config` failed with the required variables set:\n"
        f"{result.stderr}"
    )
    return load_yaml(result.stdout)


@pytest.fixture(scope="module")
def raw_config(tmp_path_factory) -> dict:
    """The compose file as written (no ${...} interpolation)."""
    result = run_config(tmp_path_factory.mktemp("compose-raw"), "--no-interpolate")
    assert result.returncode == 0, result.stderr
    return load_yaml(result.stdout)


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # KEY=VALUE list form
        env = dict(item.split("=", 1) for item in env)
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


def command_of(service: dict) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else [str(c) for c in command]


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped, continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), " ".join(args.split())))
    assert not pending, f"{path}: dangling line continuation"
    return instructions


def index_of(instructions, keyword: str, pattern: str) -> int:
    for i, (kw, args) in enumerate(instructions):
        if kw == keyword and re.search(pattern, args):
            return i
    raise AssertionError(f"no {keyword} matching {pattern!r} in {instructions}")


# --------------------------------------------------------------------------- #
# compose: services, ports, network exposure
# --------------------------------------------------------------------------- #


def test_services_are_exactly_the_four(config):
    assert set(config["services"]) == EXPECTED_SERVICES


def test_only_hub_publishes_a_port_and_it_is_8000(config):
    services = config["services"]
    publishing = {name for name, svc in services.items() if svc.get("ports")}
    assert publishing == {"hub"}

    ports = services["hub"]["ports"]
    assert len(ports) == 1
    port = ports[0]
    if isinstance(port, dict):  # long form, as rendered by `config`
        assert int(port["target"]) == 8000
        assert int(port["published"]) == 8000
    else:
        assert str(port).split(":")[-2:] == ["8000", "8000"]

    for name, svc in services.items():
        assert svc.get("network_mode") != "host", f"{name} uses the host network"


# --------------------------------------------------------------------------- #
# compose: Rasa services
# --------------------------------------------------------------------------- #


def test_rasa_running_services_disable_telemetry(config):
    services = config["services"]
    rasa_running = {
        name
        for name, svc in services.items()
        if (svc.get("build") or {}).get("dockerfile", "").endswith("rasa.Dockerfile")
        or command_of(svc)[:1] == ["rasa"]
    }
    assert rasa_running == RASA_SERVICES
    for name in rasa_running:
        assert env_of(services[name]).get("RASA_TELEMETRY_ENABLED") == "false", name


def test_rasa_and_actions_share_one_image_from_the_rasa_dockerfile(config):
    services = config["services"]
    for name in RASA_SERVICES:
        build = services[name]["build"]
        assert Path(build["context"]).resolve() == REPO
        assert (Path(build["context"]) / build["dockerfile"]).resolve() == RASA_DOCKERFILE
    assert services["rasa"]["image"] == services["actions"]["image"]


def test_rasa_service_command_and_action_endpoint(config):
    rasa = config["services"]["rasa"]
    command = command_of(rasa)
    assert command[:2] == ["rasa", "run"]
    assert "actions" not in command
    for flag, value in {
        "--port": "5005",
        "--model": "models",
        "--endpoints": "endpoints.yml",
        "--credentials": "credentials.yml",
        "--interface": "0.0.0.0",
    }.items():
        assert command[command.index(flag) + 1] == value, flag
    assert "--enable-api" in command
    assert env_of(rasa)["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    # endpoints.yml really reads that variable
    assert "${ACTION_ENDPOINT_URL}" in (REPO / "endpoints.yml").read_text()
    assert "5005" in " ".join(rasa["healthcheck"]["test"])


def test_actions_service(config):
    actions = config["services"]["actions"]
    assert command_of(actions) == [
        "rasa", "run", "actions", "--port", "5055", "--actions", "actions",
    ]
    env = env_of(actions)
    assert env["HUB_URL"] == "http://hub:8000"
    assert env["HUB_INTERNAL_SECRET"] == DUMMY_ENV["HUB_INTERNAL_SECRET"]


# --------------------------------------------------------------------------- #
# compose: hub and postgres
# --------------------------------------------------------------------------- #


def test_hub_environment_and_build(config):
    hub = config["services"]["hub"]
    env = env_of(hub)
    assert env["RASA_URL"] == "http://rasa:5005"
    assert env["HUB_HOST"] == "0.0.0.0"
    assert env["HUB_PORT"] == "8000"
    assert env["HUB_INTERNAL_SECRET"] == DUMMY_ENV["HUB_INTERNAL_SECRET"]
    assert env["PUBLIC_BASE_URL"]
    assert {name: env[name] for name in CHANNEL_VARS} == dict.fromkeys(CHANNEL_VARS, "")  # off unless set
    build = hub["build"]
    assert Path(build["context"]).resolve() == REPO
    assert (Path(build["context"]) / build["dockerfile"]).resolve() == HUB_DOCKERFILE
    assert "/health" in " ".join(hub["healthcheck"]["test"])


def test_hub_database_url_points_at_postgres_service(config):
    services = config["services"]
    pg_env = env_of(services["postgres"])
    url = urlsplit(env_of(services["hub"])["DATABASE_URL"])
    assert url.scheme == "postgresql+psycopg"
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.username == pg_env["POSTGRES_USER"]
    assert url.password == DUMMY_ENV["POSTGRES_PASSWORD"] == pg_env["POSTGRES_PASSWORD"]
    assert url.path == "/" + pg_env["POSTGRES_DB"]


def test_hub_waits_for_healthy_postgres(config):
    depends_on = config["services"]["hub"]["depends_on"]
    assert isinstance(depends_on, dict)
    assert depends_on["postgres"]["condition"] == "service_healthy"


def test_postgres_image_volume_and_healthcheck(config):
    pg = config["services"]["postgres"]
    assert pg["image"] == "postgres:15"
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    named_volumes = set(config.get("volumes") or {})
    mounts = pg["volumes"]
    data_mounts = [
        m for m in mounts
        if (m["target"] if isinstance(m, dict) else m.split(":")[1])
        == "/var/lib/postgresql/data"
    ]
    assert len(data_mounts) == 1
    mount = data_mounts[0]
    source = mount["source"] if isinstance(mount, dict) else mount.split(":")[0]
    assert source in named_volumes, f"{source!r} is not a named volume"


# --------------------------------------------------------------------------- #
# compose: secrets
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("missing", SECRET_VARS)
def test_config_fails_when_a_secret_is_missing(tmp_path, missing):
    result = run_config(tmp_path, **{missing: None})
    assert result.returncode != 0, f"config succeeded without {missing}"
    assert f"set {missing}" in result.stderr, result.stderr


@pytest.mark.parametrize("empty", SECRET_VARS)
def test_config_fails_when_a_secret_is_empty(tmp_path, empty):
    result = run_config(tmp_path, **{empty: ""})
    assert result.returncode != 0, f"config succeeded with an empty {empty}"
    assert f"set {empty}" in result.stderr, result.stderr


def test_compose_file_contains_no_literal_secret(raw_config):
    """Every secret-looking value is a substitution from the environment: mandatory
    (${VAR:?...}), or empty by default for an optional channel's credentials (${VAR:-})."""
    secretish = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE", re.I)
    mandatory = {v: re.compile(r"\$\{" + v + r":\?[^}]+\}") for v in SECRET_VARS}
    seen = set()
    for name, svc in raw_config["services"].items():
        for key, value in env_of(svc).items():
            if key in CHANNEL_VARS:
                assert value == f"${{{key}:-}}", f"{name}.{key} must be ${{{key}:-}}, got {value!r}"
            elif secretish.search(key):
                assert re.fullmatch(r"\$\{(\w+):\?[^}]+\}", value), (
                    f"{name}.{key} must be a mandatory ${{VAR:?message}} "
                    f"substitution, got {value!r}"
                )
                seen.add(key)
            if key == "DATABASE_URL":
                # user:password@host -- the password part must be the substitution
                match = re.fullmatch(r"[\w+]+://\w+:(.+)@postgres:5432/\w+", value)
                assert match, f"unexpected DATABASE_URL shape: {value!r}"
                assert mandatory["POSTGRES_PASSWORD"].fullmatch(match.group(1)), (
                    f"DATABASE_URL password must be ${{POSTGRES_PASSWORD:?...}}: {value!r}"
                )
    assert seen >= set(SECRET_VARS)


def test_dummy_secrets_do_not_appear_in_the_compose_file():
    text = COMPOSE_FILE.read_text()
    for value in DUMMY_ENV.values():
        assert value not in text


# --------------------------------------------------------------------------- #
# Dockerfiles and .dockerignore
# --------------------------------------------------------------------------- #


def test_lock_files_exist():
    for lock in (HUB_LOCK, RASA_LOCK):
        assert (REPO / lock).is_file(), lock


def _check_common(path: Path, lock: str, python_tag: str, pip_args: str):
    assert path.is_file(), f"{path} is missing"
    ins = dockerfile_instructions(path)
    # pinned base image, exact Python minor version
    froms = [args for kw, args in ins if kw == "FROM"]
    assert len(froms) == 1
    assert re.fullmatch(rf"python:{re.escape(python_tag)}-slim(-\w+)?", froms[0]), froms
    # the lock is copied on its own, before any application code
    copy_lock = index_of(ins, "COPY", rf"^{re.escape(lock)} ")
    assert ins[copy_lock][1].split()[0] == lock
    install = index_of(
        ins, "RUN", rf"pip install --no-cache-dir {re.escape(pip_args)}-r {re.escape(lock)}"
    )
    assert copy_lock < install
    other_copies = [i for i, (kw, _) in enumerate(ins) if kw == "COPY" and i != copy_lock]
    assert other_copies and min(other_copies) > install, "code copied before the install"
    # non-root at the end
    users = [args for kw, args in ins if kw == "USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}
    return ins


def test_hub_dockerfile():
    ins = _check_common(HUB_DOCKERFILE, HUB_LOCK, "3.11", "")
    copies = " ".join(args for kw, args in ins if kw == "COPY")
    assert "hub/" in copies and "channels/" in copies
    cmd = " ".join(args for kw, args in ins if kw == "CMD")
    assert "python -m alembic -c hub/alembic.ini upgrade head" in cmd
    assert "python -m hub" in cmd
    assert cmd.index("alembic") < cmd.index("python -m hub")


def test_rasa_dockerfile():
    ins = _check_common(
        RASA_DOCKERFILE, RASA_LOCK, "3.10", "--no-deps --ignore-requires-python "
    )
    env_text = " ".join(args for kw, args in ins if kw == "ENV")
    assert re.search(r"\bRASA_TELEMETRY_ENABLED=false\b", env_text)
    assert re.search(r"\bPYTHONPATH=/app\b", env_text)
    telemetry = index_of(ins, "ENV", r"RASA_TELEMETRY_ENABLED=false")
    train = index_of(ins, "RUN", r"rasa train .*--fixed-model-name saphan")
    assert telemetry < train
    user = max(i for i, (kw, _) in enumerate(ins) if kw == "USER")
    assert user < train, "train as the non-root runtime user"
    copies = " ".join(args for kw, args in ins if kw == "COPY")
    for needed in ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml",
                   "data/", "bot/", "actions/"):
        assert needed in copies, needed
    copy_data = index_of(ins, "COPY", r"^data/ ")
    assert copy_data < train


def test_dockerignore():
    lines = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    for required in (".venv", ".venv-rasa", "models", ".git", ".env"):
        assert required in lines, required
    assert any("__pycache__" in line for line in lines)
    assert any(line.endswith("*.db") for line in lines)
    assert any("node_modules" in line for line in lines)
    # the locks and the code the images copy must stay in the build context
    for line in lines:
        if line.startswith("!"):
            continue
        for kept in ("requirements", "hub.lock", "rasa.lock", "*.lock", "hub",
                     "channels", "bot", "actions", "data", "docker"):
            assert line.strip("/") != kept, f".dockerignore excludes {kept!r}"
