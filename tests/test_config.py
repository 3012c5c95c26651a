"""Settings: defaults, then the file, then the environment, then explicit overrides."""

from __future__ import annotations

import pytest

from tipkg.config import load_settings
from tipkg.errors import ConfigError


def test_defaults_without_file_or_environment():
    settings = load_settings(environ={"TIPKG_CONFIG": ""})
    assert settings.store == "oxigraph:var/store"
    assert settings.base_iri == "https://w3id.org/tipkg/"
    assert (settings.ontology_dir / "model" / "tipkg.ttl").is_file()


def test_file_then_environment_then_overrides(tmp_path):
    config = tmp_path / "tipkg.toml"
    config.write_text('[tipkg]\nstore = "memory:"\nbase_iri = "https://example.org/kg/"\n')
    environ = {"TIPKG_CONFIG": str(config)}
    assert load_settings(environ=environ).store == "memory:"
    assert load_settings(environ=environ).base_iri == "https://example.org/kg/"
    environ["TIPKG_STORE"] = "oxigraph:/tmp/x"
    assert load_settings(environ=environ).store == "oxigraph:/tmp/x"
    assert load_settings({"store": "sparql:http://localhost:8890/sparql"}, environ=environ).store.startswith(
        "sparql:"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('store = "mongo:x"', "not one of oxigraph:PATH"),
        ("colour = 1", "unknown setting(s) colour"),
        ("store = ", "not valid TOML"),
        ('base_iri = "https://example.org/no-slash"', "must end with"),
    ],
)
def test_bad_config_files_name_the_problem(tmp_path, content, message):
    config = tmp_path / "tipkg.toml"
    config.write_text(content + "\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(environ={"TIPKG_CONFIG": str(config)})


def test_a_named_config_file_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not a file"):
        load_settings(environ={"TIPKG_CONFIG": str(tmp_path / "missing.toml")})


@pytest.mark.parametrize(("text", "value"), [("true", True), ("0", False), ("Off", False), ("yes", True)])
def test_serve_from_memory_reads_booleans_from_the_environment(text, value):
    environ = {"TIPKG_CONFIG": "", "TIPKG_SERVE_FROM_MEMORY": text}
    assert load_settings(environ=environ).serve_from_memory is value


def test_serve_from_memory_refuses_other_words():
    with pytest.raises(ConfigError, match="serve_from_memory must be true or false, got 'maybe'"):
        load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SERVE_FROM_MEMORY": "maybe"})


def test_a_zero_time_limit_turns_it_off_but_zero_workers_is_an_error():
    assert load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SPARQL_TIMEOUT": "0"}).sparql_timeout == 0
    with pytest.raises(ConfigError, match="sparql_workers must be positive"):
        load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SPARQL_WORKERS": "0"})
    with pytest.raises(ConfigError, match=r"sparql_timeout must be 0 \(no limit\) or more, got -1"):
        load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SPARQL_TIMEOUT": "-1"})


def test_the_memory_limit_of_a_query_is_read_and_must_be_positive():
    environ = {"TIPKG_CONFIG": "", "TIPKG_SPARQL_MAX_MEMORY_MB": "256"}
    assert load_settings(environ=environ).sparql_max_memory_mb == 256
    with pytest.raises(ConfigError, match="sparql_max_memory_mb must be positive, got 0"):
        load_settings(environ={"TIPKG_CONFIG": "", "TIPKG_SPARQL_MAX_MEMORY_MB": "0"})
