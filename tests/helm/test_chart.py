"""The Helm chart (helm/klimapartner) and the Dockerfile it runs, checked offline.

The chart is linted strictly, rendered with several value sets, and every manifest is
validated against the Kubernetes OpenAPI schemas (kubernetes-validate, strict: unknown fields
fail). values.schema.json must refuse bad values. Then the properties that matter for
operating the platform are asserted: one beat, migrations as a hook, non-root read-only
containers, probes, the ingress hosts, and that the chart runs what the image contains with
variables saas/env.py declares.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate.utils import latest_version, validate

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "klimapartner"
PRODUCTION_VALUES = Path(__file__).parent / "values-production.yaml"
DOCKERFILE = ROOT / "Dockerfile"
HELM = Path(sys.executable).parent / "helm"
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) that kubernetes-validate
# knows, and the newest it knows.
KUBERNETES_VERSIONS = ("1.29.0", f"{latest_version()}.0")
RELEASE = "kp"
MINIMAL = ["--set", "platformDomain=klimapartner.example", "--set", "existingSecret=kp-app"]
VALID = "platformDomain: kp.example\nexistingSecret: kp\n"

pytestmark = pytest.mark.skipif(
    not HELM.exists(), reason="helm is not installed in the virtualenv (dev dependency)"
)

Manifest = dict[str, Any]


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HELM), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # No repository configuration or cache from the machine: the chart has no dependencies.
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(ROOT / "var"),
            "HELM_CACHE_HOME": str(ROOT / "var" / "helm" / "cache"),
            "HELM_CONFIG_HOME": str(ROOT / "var" / "helm" / "config"),
            "HELM_DATA_HOME": str(ROOT / "var" / "helm" / "data"),
        },
    )


def render(*args: str) -> list[Manifest]:
    result = helm("template", RELEASE, str(CHART), "--namespace", "klimapartner", *args)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def minimal() -> list[Manifest]:
    return render(*MINIMAL)


@pytest.fixture(scope="module")
def production() -> list[Manifest]:
    return render("--values", str(PRODUCTION_VALUES))


@pytest.fixture(scope="module")
def development() -> list[Manifest]:
    return render(
        "--set",
        "platformDomain=klimapartner.test",
        "--set",
        "developmentSecret.create=true",
        "--set",
        "developmentSecret.values.SECRET_KEY=dev-secret-key-dev-secret-key-dev-secret-key-0123",
        "--set",
        "developmentSecret.values.DATABASE_URL=postgres://kp:kp@postgres:5432/kp",
        "--set",
        "developmentSecret.values.REDIS_URL=redis://redis:6379/0",
        "--set",
        "developmentSecret.values.EMAIL_URL=smtp://mailpit:1025",
        "--set",
        "uploadScanner.mode=none",
        "--set",
        "ingress.tls.enabled=false",
        "--set",
        "media.existingClaim=shared-media",
    )


def by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def one(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    found = by_kind(manifests, kind)
    assert name in found, f"no {kind} {name}; found {sorted(found)}"
    return found[name]


def pod_specs(manifests: list[Manifest]) -> Iterator[tuple[str, Manifest]]:
    for manifest in manifests:
        if manifest["kind"] in {"Deployment", "Job"}:
            yield manifest["metadata"]["name"], manifest["spec"]["template"]["spec"]


def containers(pod: Manifest) -> list[Manifest]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def name(component: str) -> str:
    return f"{RELEASE}-klimapartner-{component}"


# --- lint, Kubernetes schemas, values.schema.json


@pytest.mark.parametrize(
    "values", [MINIMAL, ["--values", str(PRODUCTION_VALUES)]], ids=["minimal", "production"]
)
def test_the_chart_passes_strict_lint(values: list[str]) -> None:
    result = helm("lint", "--strict", str(CHART), *values)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("kubernetes", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("value_set", ["minimal", "production", "development"])
def test_every_manifest_is_valid_kubernetes(
    request: pytest.FixtureRequest, value_set: str, kubernetes: str
) -> None:
    manifests = request.getfixturevalue(value_set)
    assert len(manifests) >= 8
    for manifest in manifests:
        # Raises with the path of the offending field; strict refuses unknown fields.
        validate(manifest, kubernetes, strict=True)


def write_values(tmp_path: Path, text: str) -> str:
    path = tmp_path / "values.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("existingSecret: kp-app\n", "platformDomain"),
        ("platformDomain: null\nexistingSecret: kp-app\n", "platformDomain"),
        ("platformDomain: https://klimapartner.example\nexistingSecret: kp\n", "platformDomain"),
        ("platformDomain: Klimapartner.Example\nexistingSecret: kp\n", "platformDomain"),
        ("platformDomain: kp.example\nexistingSecret: kp\nweb:\n  replicas: '3'\n", "replicas"),
        (f"{VALID}worker:\n  concurrency: two\n", "concurrency"),
        (f"{VALID}platfromDomain: typo.example\n", "platfromDomain"),
        (f"{VALID}web:\n  replica: 3\n", "replica"),
        (f"{VALID}customDomains: [not a host]\n", "customDomains"),
        ("platformDomain: kp.example\nexistingSecret: kp\nuploadScanner:\n  mode: fake\n", "mode"),
        (
            "platformDomain: kp.example\nexistingSecret: kp\n"
            "securityContext:\n  readOnlyRootFilesystem: false\n",
            "readOnlyRootFilesystem",
        ),
        (
            "platformDomain: kp.example\nexistingSecret: kp\npodSecurityContext:\n"
            "  runAsNonRoot: false\n",
            "runAsNonRoot",
        ),
        ("platformDomain: kp.example\nexistingSecret: kp\nimage:\n  digest: latest\n", "digest"),
        # Not the schema but the templates: every secret must come from somewhere.
        ("platformDomain: kp.example\n", "SECRET_KEY: set existingSecret"),
        (
            "platformDomain: kp.example\nexistingSecret: kp\ndevelopmentSecret:\n  create: true\n",
            "developmentSecret.values",
        ),
    ],
    ids=[
        "platform-domain-missing",
        "platform-domain-null",
        "platform-domain-with-scheme",
        "platform-domain-upper-case",
        "replicas-as-string",
        "concurrency-as-string",
        "unknown-top-level-key",
        "unknown-nested-key",
        "custom-domain-not-a-host",
        "unknown-scanner",
        "writable-root-filesystem",
        "root-allowed",
        "digest-not-a-digest",
        "no-secret",
        "development-secret-without-values",
    ],
)
def test_invalid_values_are_refused(tmp_path: Path, values: str, message: str) -> None:
    result = helm("template", RELEASE, str(CHART), "--values", write_values(tmp_path, values))
    assert result.returncode != 0, result.stdout
    assert message in result.stderr


def test_the_values_schema_is_strict() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert "platformDomain" in schema["required"]

    def objects(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield path, node
            for key, child in node.items():
                yield from objects(child, f"{path}.{key}")
        elif isinstance(node, list):
            for child in node:
                yield from objects(child, path)

    # Every object the chart defines itself refuses unknown keys (pass-through Kubernetes
    # objects such as probes, affinity and annotations have no "properties").
    loose = [
        path
        for path, node in objects(schema, "")
        if node.get("additionalProperties", True) is not False
    ]
    assert loose == [".properties.extraEnv.items"]


# --- the workloads


def test_beat_is_a_single_replica_recreated_never_autoscaled(production: list[Manifest]) -> None:
    beat = one(production, "Deployment", name("beat"))
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    targets = {
        hpa["spec"]["scaleTargetRef"]["name"]
        for hpa in by_kind(production, "HorizontalPodAutoscaler").values()
    }
    assert targets == {name("web"), name("worker")}
    assert name("beat") not in by_kind(production, "PodDisruptionBudget")
    args = beat["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "beat" in args and "--schedule=/tmp/celerybeat-schedule" in args


def test_autoscaled_deployments_leave_replicas_to_the_hpa(
    minimal: list[Manifest], production: list[Manifest]
) -> None:
    assert not by_kind(minimal, "HorizontalPodAutoscaler")
    for component in ("web", "worker"):
        assert one(minimal, "Deployment", name(component))["spec"]["replicas"] == 2
        assert "replicas" not in one(production, "Deployment", name(component))["spec"]
        hpa = one(production, "HorizontalPodAutoscaler", name(component))
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name(component),
        }
    assert one(production, "HorizontalPodAutoscaler", name("web"))["spec"]["minReplicas"] == 3


def test_disruption_budgets_select_the_pods_of_their_deployment(production: list[Manifest]) -> None:
    for component in ("web", "worker"):
        budget = one(production, "PodDisruptionBudget", name(component))
        deployment = one(production, "Deployment", name(component))
        assert budget["spec"]["maxUnavailable"] == 1
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_migrations_run_as_a_hook_after_waiting_for_the_database(
    production: list[Manifest],
) -> None:
    job = one(production, "Job", name("migrate"))
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"].split(",")
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert job["spec"]["activeDeadlineSeconds"] == 7200
    # Init containers run one after the other: wait, migrate; then the blueprint of the
    # migrations just applied is built (tenants/provisioning.py).
    wait, migrate = pod["initContainers"]
    assert [*wait["command"], *wait["args"]] == [
        "python",
        "manage.py",
        "wait_for_database",
        "--timeout=600",
    ]
    assert [*migrate["command"], *migrate["args"]] == [
        "python",
        "manage.py",
        "migrate_tenants",
        "--processes=2",
    ]
    (blueprint,) = pod["containers"]
    assert [*blueprint["command"], *blueprint["args"]] == [
        "python",
        "manage.py",
        "build_schema_blueprint",
    ]
    # A pre-install hook runs before the release's ConfigMap and ServiceAccount exist.
    assert "envFrom" not in migrate
    assert "serviceAccountName" not in pod
    configmap = one(production, "ConfigMap", name("config"))["data"]
    inline = {e["name"]: e["value"] for e in migrate["env"] if "value" in e}
    assert inline == configmap


def test_every_pod_and_container_is_non_root_and_read_only(
    minimal: list[Manifest], production: list[Manifest], development: list[Manifest]
) -> None:
    for manifests in (minimal, production, development):
        for workload, pod in pod_specs(manifests):
            assert pod["automountServiceAccountToken"] is False, workload
            security = pod["securityContext"]
            assert security["runAsNonRoot"] is True, workload
            assert security["runAsUser"] == 10001, workload
            assert security["fsGroup"] == 10001, workload
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}, workload
            tmp = next(v for v in pod["volumes"] if v["name"] == "tmp")
            assert "emptyDir" in tmp, workload
            for container in containers(pod):
                where = f"{workload}/{container['name']}"
                context = container["securityContext"]
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["capabilities"] == {"drop": ["ALL"]}, where
                tmp_mount = {"name": "tmp", "mountPath": "/tmp"}  # noqa: S108
                assert tmp_mount in container["volumeMounts"], where
                resources = container["resources"]
                assert {"cpu", "memory"} <= resources["requests"].keys(), where
                assert "memory" in resources["limits"], where
    accounts = by_kind(minimal, "ServiceAccount")
    assert [a["automountServiceAccountToken"] for a in accounts.values()] == [False]


def test_web_and_worker_have_probes_and_share_the_media_volume(
    production: list[Manifest],
) -> None:
    web = one(production, "Deployment", name("web"))["spec"]["template"]["spec"]
    (container,) = web["containers"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]

    worker = one(production, "Deployment", name("worker"))["spec"]["template"]["spec"]
    probe = worker["containers"][0]["livenessProbe"]["exec"]["command"]
    assert "inspect ping" in probe[-1] and "celery@$HOSTNAME" in probe[-1]
    assert "--hostname=celery@%h" in worker["containers"][0]["args"]

    claim = one(production, "PersistentVolumeClaim", name("media"))
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for pod in (web, worker):
        media = next(v for v in pod["volumes"] if v["name"] == "media")
        assert media["persistentVolumeClaim"]["claimName"] == name("media")
        assert {"name": "media", "mountPath": "/var/lib/klimapartner/media"} in pod["containers"][
            0
        ]["volumeMounts"]


def test_an_existing_claim_replaces_the_chart_s_own(development: list[Manifest]) -> None:
    assert not by_kind(development, "PersistentVolumeClaim")
    web = one(development, "Deployment", name("web"))["spec"]["template"]["spec"]
    media = next(v for v in web["volumes"] if v["name"] == "media")
    assert media["persistentVolumeClaim"]["claimName"] == "shared-media"


# --- ingress, service, settings


def test_the_ingress_serves_the_platform_its_tenants_and_custom_domains(
    production: list[Manifest],
) -> None:
    platform = one(production, "Ingress", f"{RELEASE}-klimapartner")
    hosts = [rule["host"] for rule in platform["spec"]["rules"]]
    assert hosts == ["klimapartner.example", "*.klimapartner.example"]
    assert platform["spec"]["tls"] == [{"hosts": hosts, "secretName": "klimapartner-wildcard-tls"}]
    assert platform["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == (
        "letsencrypt-dns01"
    )

    custom = one(production, "Ingress", f"{RELEASE}-klimapartner-custom-domains")
    custom_hosts = [rule["host"] for rule in custom["spec"]["rules"]]
    assert custom_hosts == ["klima.hjorring.dk", "klimapartner.porvoo.fi"]
    assert [tls["hosts"] for tls in custom["spec"]["tls"]] == [[h] for h in custom_hosts]
    assert custom["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == (
        "letsencrypt-http01"
    )

    service = one(production, "Service", name("web"))
    web = one(production, "Deployment", name("web"))
    assert (
        service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    )
    for ingress in (platform, custom):
        assert ingress["spec"]["ingressClassName"] == "nginx"
        for rule in ingress["spec"]["rules"]:
            (path,) = rule["http"]["paths"]
            assert path["backend"]["service"] == {"name": name("web"), "port": {"name": "http"}}

    allowed = one(production, "ConfigMap", name("config"))["data"]["ALLOWED_HOSTS"].split(",")
    assert allowed == [
        "klimapartner.example",
        ".klimapartner.example",
        "klima.hjorring.dk",
        "klimapartner.porvoo.fi",
        "status.klimapartner.example",
    ]


def test_without_custom_domains_or_tls_there_is_one_plain_ingress(
    development: list[Manifest],
) -> None:
    (ingress,) = by_kind(development, "Ingress").values()
    assert "tls" not in ingress["spec"]
    assert "cert-manager.io/cluster-issuer" not in ingress["metadata"].get("annotations", {})


def test_secrets_come_from_existing_secrets_only(
    minimal: list[Manifest], production: list[Manifest]
) -> None:
    assert not by_kind(minimal, "Secret") and not by_kind(production, "Secret")
    for _workload, pod in pod_specs(production):
        for container in containers(pod):
            refs = {
                e["name"]: e["valueFrom"]["secretKeyRef"]
                for e in container["env"]
                if "valueFrom" in e
            }
            assert refs == {
                "SECRET_KEY": {"name": "klimapartner-app", "key": "SECRET_KEY"},
                "DATABASE_URL": {"name": "klimapartner-db-app", "key": "uri"},
                "REDIS_URL": {"name": "klimapartner-redis", "key": "url"},
                "EMAIL_URL": {"name": "klimapartner-app", "key": "EMAIL_URL"},
            }
    config = one(production, "ConfigMap", name("config"))["data"]
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} & config.keys()


def test_the_development_secret_is_a_hook_that_precedes_the_migrations(
    development: list[Manifest],
) -> None:
    secret = one(development, "Secret", name("development"))
    assert secret["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    job_weight = one(development, "Job", name("migrate"))["metadata"]["annotations"]
    assert int(secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        job_weight["helm.sh/hook-weight"]
    )
    assert set(secret["stringData"]) == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    web = one(development, "Deployment", name("web"))["spec"]["template"]
    names = {e["valueFrom"]["secretKeyRef"]["name"] for e in web["spec"]["containers"][0]["env"]}
    assert names == {name("development")}
    assert "checksum/development-secret" in web["metadata"]["annotations"]


def test_a_configuration_change_rolls_the_pods() -> None:
    def checksums(*args: str) -> dict[str, str]:
        manifests = render(*MINIMAL, *args)
        return {
            deployment: spec["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
            for deployment, spec in by_kind(manifests, "Deployment").items()
        }

    before, after = checksums(), checksums("--set", "config.logLevel=DEBUG")
    assert before.keys() == after.keys() == {name("web"), name("worker"), name("beat")}
    assert all(before[d] != after[d] for d in before)
    assert checksums() == before


def test_the_upload_scanner_settings(minimal: list[Manifest], production: list[Manifest]) -> None:
    config = one(production, "ConfigMap", name("config"))["data"]
    assert config["UPLOAD_SCANNER"] == "clamd"
    assert config["CLAMD_HOST"] == "clamav.security.svc.cluster.local"
    assert config["CLAMD_PORT"] == "3310"
    without = render(*MINIMAL, "--set", "uploadScanner.mode=none")
    config = one(without, "ConfigMap", name("config"))["data"]
    assert config["UPLOAD_SCANNER"] == "none" and "CLAMD_HOST" not in config


def declared_variables() -> set[str]:
    from saas.env import env

    return set(env.scheme)


def test_every_variable_the_chart_sets_is_declared_in_saas_env(
    minimal: list[Manifest], production: list[Manifest], development: list[Manifest]
) -> None:
    declared = declared_variables()
    for manifests in (minimal, production, development):
        for configmap in by_kind(manifests, "ConfigMap").values():
            assert set(configmap["data"]) <= declared
        for _workload, pod in pod_specs(manifests):
            for container in containers(pod):
                assert {e["name"] for e in container["env"]} <= declared


def test_the_rendered_configuration_passes_the_production_checks(
    production: list[Manifest],
) -> None:
    """The ConfigMap plus the four secrets start Django in production without a security
    warning (check --deploy's checks, as in tests/test_settings.py)."""
    config = one(production, "ConfigMap", name("config"))["data"]
    secrets = {
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
        "DATABASE_URL": "postgres://klimapartner@db.internal:5432/klimapartner",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    }
    inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--tag=security",
            "--fail-level=WARNING",
        ],
        cwd=ROOT,
        env={**inherited, **config, **secrets},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_pinned_by_digest_when_given(
    minimal: list[Manifest], production: list[Manifest]
) -> None:
    web = one(production, "Deployment", name("web"))["spec"]["template"]["spec"]
    assert web["containers"][0]["image"] == (
        "registry.klimapartner.example/klimapartner@sha256:"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    )
    assert web["imagePullSecrets"] == [{"name": "registry-credentials"}]
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    web = one(minimal, "Deployment", name("web"))["spec"]["template"]["spec"]
    image = web["containers"][0]["image"]
    assert image == f"registry.example.com/klimapartner:{chart['appVersion']}"


# --- the Dockerfile the chart runs


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """Instructions per stage: {stage: [(INSTRUCTION, arguments)]}, continuations joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: dict[str, list[tuple[str, str]]] = {"": []}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            current = arguments.split(" AS ")[-1].strip() if " AS " in arguments else arguments
            stages[current] = []
        stages[current].append((instruction, arguments.strip()))
    return stages


def instructions(stage: str, instruction: str) -> list[str]:
    return [args for name, args in dockerfile_stages()[stage] if name == instruction]


def test_the_dockerfile_runs_as_the_chart_s_non_root_user(minimal: list[Manifest]) -> None:
    assert list(dockerfile_stages()) == ["", "uv", "builder", "runtime"]
    (user,) = instructions("runtime", "USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit() and int(gid) != 0
    for _workload, pod in pod_specs(minimal):
        assert pod["securityContext"]["runAsUser"] == int(uid)
        assert pod["securityContext"]["runAsGroup"] == int(gid)
    (base,) = [a for n, a in dockerfile_stages()[""] if n == "ARG" and a.startswith("PYTHON_IMAGE")]
    assert base == "PYTHON_IMAGE=python:3.12-slim-bookworm"


def test_the_dockerfile_builds_from_the_lock_without_dev_dependencies() -> None:
    builder = " ".join(instructions("builder", "RUN"))
    assert "uv sync --frozen --no-dev" in builder
    assert "collectstatic --noinput" in builder
    runtime = " ".join(instructions("runtime", "RUN"))
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in runtime
    for tool in ("gcc", "build-essential", "uv ", "pip install"):
        assert tool not in runtime
    (copy,) = instructions("runtime", "COPY")
    assert copy.startswith("--from=builder")


def test_the_chart_runs_the_dockerfile_s_command(minimal: list[Manifest]) -> None:
    (cmd,) = instructions("runtime", "CMD")
    command = json.loads(cmd)
    assert command[:2] == ["gunicorn", "saas.wsgi:application"]
    web = one(minimal, "Deployment", name("web"))["spec"]["template"]["spec"]["containers"][0]
    chart_command = [*web["command"], *web["args"]]
    # The chart runs the image's command, and adds only the sizes from its values.
    assert chart_command[: len(command)] == command
    assert all(
        arg.split("=")[0] in {"--workers", "--threads", "--timeout", "--graceful-timeout"}
        for arg in chart_command[len(command) :]
    )
    bind = next(arg for arg in command if arg.startswith("--bind="))
    assert bind.rsplit(":", 1)[1] == str(web["ports"][0]["containerPort"])
    assert instructions("runtime", "EXPOSE") == [str(web["ports"][0]["containerPort"])]

    # Every program the chart runs is in the image's virtualenv, and every command exists.
    venv = Path(sys.executable).parent
    for _workload, pod in pod_specs(minimal):
        for container in containers(pod):
            program = container["command"][0]
            assert program == "python" or (venv / program).exists(), program
            if program == "python":
                assert container["args"][0] == "manage.py"
    from django.core.management import get_commands

    assert {"wait_for_database", "migrate_schemas"} <= get_commands().keys()


def test_the_image_s_media_root_is_the_chart_s_volume(minimal: list[Manifest]) -> None:
    environment = " ".join(instructions("runtime", "ENV"))
    variables = dict(item.split("=", 1) for item in shlex.split(environment) if "=" in item)
    config = one(minimal, "ConfigMap", name("config"))["data"]
    assert variables["MEDIA_ROOT"] == config["MEDIA_ROOT"]
    assert variables["DJANGO_ENV"] == config["DJANGO_ENV"] == "production"
    # Writable places only under /tmp (the chart's emptyDir).
    for cache in ("HOME", "MPLCONFIGDIR", "XDG_CACHE_HOME"):
        assert variables[cache].startswith("/tmp")  # noqa: S108
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git", "tests", "helm"} <= set(ignored)


def test_the_optional_parts_can_be_switched_off() -> None:
    manifests = render(
        *MINIMAL,
        "--set",
        "serviceAccount.create=false",
        "--set",
        "serviceAccount.name=kp-runner",
        "--set",
        "ingress.enabled=false",
        "--set",
        "web.podDisruptionBudget.enabled=false",
        "--set",
        "worker.podDisruptionBudget.enabled=false",
        "--set",
        "media.keepOnUninstall=false",
    )
    for manifest in manifests:
        validate(manifest, KUBERNETES_VERSIONS[-1], strict=True)
    kinds = {m["kind"] for m in manifests}
    assert not kinds & {"Ingress", "PodDisruptionBudget", "ServiceAccount", "Secret"}
    for _workload, pod in pod_specs(manifests):
        # An existing account can serve the pre-install Job too.
        assert pod["serviceAccountName"] == "kp-runner"
    claim = one(manifests, "PersistentVolumeClaim", name("media"))
    assert "annotations" not in claim["metadata"]
