from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lendcrm.config.env import ConfigError, load_config


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"LENDCRM_DATA_DIR": str(tmp_path), **extra}


def test_embedded_default_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    config = load_config(_env(tmp_path))
    assert config.database_is_embedded
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert config.database["NAME"] == str(tmp_path / "lendcrm.sqlite3")
    assert config.redis_url is None


def test_keys_are_generated_once_and_reused(tmp_path: Path) -> None:
    first = load_config(_env(tmp_path))
    second = load_config(_env(tmp_path))
    assert first.secret_key == second.secret_key
    assert first.encryption_keys == second.encryption_keys
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0


def test_postgres_url_is_parsed(tmp_path: Path) -> None:
    config = load_config(
        _env(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/lendcrm")
    )
    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert config.database["NAME"] == "lendcrm"
    assert not config.database_is_embedded


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql2://x"),
        ("DATABASE_URL", "postgresql://127.0.0.1:5432"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("REDIS_URL", "redis://127.0.0.1:notaport/0"),
        ("LENDCRM_ENV", "staging"),
        ("LENDCRM_DEBUG", "maybe"),
        ("LENDCRM_ENCRYPTION_KEYS", "k1:short"),
    ],
)
def test_a_bad_value_names_its_variable(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_env(tmp_path, **{variable: value}))
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")


def test_production_requires_explicit_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(
            _env(
                tmp_path,
                LENDCRM_ENV="production",
                LENDCRM_ALLOWED_HOSTS="crm.example.cn",
                DATABASE_URL="postgresql://postgres@127.0.0.1/lendcrm",
            )
        )
    assert caught.value.variable == "LENDCRM_SECRET_KEY"


def _run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    lendcrm = Path(sys.executable).parent / "lendcrm"
    return subprocess.run(
        [str(lendcrm), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LENDCRM_DATA_DIR": str(tmp_path), **env},
        check=False,
    )


@pytest.mark.smoke
def test_cli_stops_with_one_line_on_an_unparsable_database_url(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, "migrate", DATABASE_URL="nonsense://")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lendcrm: DATABASE_URL: unsupported scheme 'nonsense'; use postgresql://"
    ]


@pytest.mark.smoke
def test_cli_stops_with_one_line_on_an_unreachable_database(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, "migrate", DATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "lendcrm: DATABASE_URL: cannot connect to the database at 127.0.0.1:1"
    )


@pytest.mark.smoke
def test_cli_help_lists_lendcrm_commands(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("demo", "seed-demo", "worker", "scheduler", "check", "audit"):
        assert f"  {command} " in result.stdout
