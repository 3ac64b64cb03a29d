from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from townsquare import env

ROOT = Path(__file__).resolve().parents[4]
SETTINGS = ROOT / "src" / "townsquare" / "settings.py"
DOCS = ROOT / "docs" / "configuration.md"
EXAMPLE = ROOT / ".env.example"


def variables_in_settings() -> set[str]:
    source = SETTINGS.read_text(encoding="utf-8")
    return set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', source)) | env.NAMES_READ


def test_every_variable_is_documented() -> None:
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    read = variables_in_settings()
    assert {"DATABASE_URL", "TOWNSQUARE_SECRET_KEY", "TOWNSQUARE_S3_BUCKET"} <= read
    assert read - documented == set(), "add these to docs/configuration.md"
    assert documented - read == set(), "docs/configuration.md lists variables nobody reads"


def start(**environ: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOWNSQUARE_") and k != "DATABASE_URL"
    }
    clean["TOWNSQUARE_ENV_FILE"] = ""  # a developer's .env changes nothing here
    clean.update(environ)
    clean["TOWNSQUARE_DATA_DIR"] = environ.get(
        "TOWNSQUARE_DATA_DIR", "/tmp/townsquare-settings-test"
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; "
            "os.environ['DJANGO_SETTINGS_MODULE']='townsquare.settings'; django.setup()",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret_key() -> None:
    result = start(TOWNSQUARE_ENV="production")
    assert result.returncode != 0
    assert "refusing to start with the default development key" in result.stderr


def test_production_refuses_debug() -> None:
    result = start(
        TOWNSQUARE_ENV="production", TOWNSQUARE_SECRET_KEY="k" * 50, TOWNSQUARE_DEBUG="true"
    )
    assert result.returncode != 0
    assert "refuses TOWNSQUARE_DEBUG=true" in result.stderr


def test_production_starts_with_a_real_key() -> None:
    assert start(TOWNSQUARE_ENV="production", TOWNSQUARE_SECRET_KEY="k" * 50).returncode == 0


def test_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s" * 40 + "\n")
    assert (
        start(TOWNSQUARE_ENV="production", TOWNSQUARE_SECRET_KEY_FILE=str(secret)).returncode == 0
    )


def test_bad_values_stop_the_start_with_the_variable_named() -> None:
    result = start(TOWNSQUARE_DEBUG="maybe")
    assert result.returncode != 0 and "TOWNSQUARE_DEBUG must be true or false" in result.stderr
    result = start(TOWNSQUARE_UPLOAD_MAX_BYTES="lots")
    assert "TOWNSQUARE_UPLOAD_MAX_BYTES must be a whole number" in result.stderr
    result = start(TOWNSQUARE_STORAGE="ftp")
    assert "TOWNSQUARE_STORAGE must be one of local, s3" in result.stderr
    result = start(TOWNSQUARE_STORAGE="s3")
    assert "needs TOWNSQUARE_S3_BUCKET" in result.stderr


def test_env_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    assert env.boolean("X_BOOL", False) is True
    monkeypatch.setenv("X_LIST", " a, ,b ")
    assert env.string_list("X_LIST", []) == ["a", "b"]
    monkeypatch.setenv("X_INT", "-1")
    with pytest.raises(ImproperlyConfigured):
        env.integer("X_INT", 5, minimum=0)
    monkeypatch.setenv("X_FILE_FILE", "/nonexistent/secret")
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env.string("X_FILE")


def test_commands_find_the_same_data_wherever_they_run(tmp_path: Path) -> None:
    """Without TOWNSQUARE_DATA_DIR, the data folder is the checkout's var/, not the current
    folder's: a command run from elsewhere finds the portal's data, it creates no new one."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOWNSQUARE_") and k != "DATABASE_URL"
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='townsquare.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.DATA_DIR); print(settings.DATABASES['default']['NAME'])",
        ],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data_dir, database = result.stdout.split()
    assert Path(data_dir) == ROOT / "var"
    assert database == str(ROOT / "var" / "townsquare.sqlite3")
    assert not (tmp_path / "var").exists()


def documented_variables() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS.read_text(encoding="utf-8"), re.M))


def test_the_example_env_file_lists_every_variable() -> None:
    listed = re.findall(r"^# ([A-Z0-9_]+)=", EXAMPLE.read_text(encoding="utf-8"), re.M)
    assert len(listed) == len(set(listed)), "a variable is listed twice in .env.example"
    assert set(listed) == documented_variables() - {"TOWNSQUARE_ENV_FILE"}


def test_the_example_defaults_start_the_portal(tmp_path: Path) -> None:
    """Uncommenting every line of .env.example that shows a value changes nothing."""
    lines = re.findall(r"^# ([A-Z0-9_]+=.+)$", EXAMPLE.read_text(encoding="utf-8"), re.M)
    assert len(lines) > 30
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(lines) + "\n")
    result = start(TOWNSQUARE_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr


def test_an_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / "portal.env"
    env_file.write_text('# the town\'s settings\nTOWNSQUARE_ENV="production"\n')
    refused = start(TOWNSQUARE_ENV_FILE=str(env_file))
    assert refused.returncode != 0 and "default development key" in refused.stderr
    assert start(TOWNSQUARE_ENV_FILE=str(env_file), TOWNSQUARE_ENV="development").returncode == 0
    env_file.write_text(f"TOWNSQUARE_ENV=production\nTOWNSQUARE_SECRET_KEY={'k' * 40}\n")
    assert start(TOWNSQUARE_ENV_FILE=str(env_file)).returncode == 0


def test_a_named_env_file_must_exist(tmp_path: Path) -> None:
    result = start(TOWNSQUARE_ENV_FILE=str(tmp_path / "missing.env"))
    assert result.returncode != 0
    assert "TOWNSQUARE_ENV_FILE: cannot read" in result.stderr


def test_the_checkout_env_file_is_read_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOWNSQUARE_ENV_FILE", raising=False)
    monkeypatch.setattr(env, "_FROM_FILE", {})
    monkeypatch.setattr(env, "NAMES_READ", set())
    env.load_env_file(tmp_path / ".env")  # no such file: nothing read, no error
    assert env.string("TOWNSQUARE_TEST_ONLY") == ""
    (tmp_path / ".env").write_text("TOWNSQUARE_TEST_ONLY='from the file'\n")
    env.load_env_file(tmp_path / ".env")
    assert env.string("TOWNSQUARE_TEST_ONLY") == "from the file"
    monkeypatch.setenv("TOWNSQUARE_TEST_ONLY", "from the environment")
    assert env.string("TOWNSQUARE_TEST_ONLY") == "from the environment"
