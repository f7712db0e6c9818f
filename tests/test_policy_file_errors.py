"""A policy file that cannot be decoded or parsed is a PolicyError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig import PolicyError, load_policy


def test_undecodable_bytes(tmp_path: Path) -> None:
    """A policy that is not UTF-8 is refused as such."""
    path = tmp_path / "policy.toml"
    path.write_bytes(b'fail_on = "\xff\xfe"\n')
    with pytest.raises(PolicyError, match="expected UTF-8 text") as info:
        load_policy(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize("name", ["policy.json", "policy.txt"])
def test_json_syntax_error(tmp_path: Path, name: str) -> None:
    """A .json file, or any file opening with ``{``, that is no JSON is a JSON syntax error."""
    path = tmp_path / name
    path.write_text('{"fail_on": ', encoding="utf-8")
    with pytest.raises(PolicyError, match="expected JSON, found a syntax error"):
        load_policy(path)


def test_installation_without_the_policy_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installation that lost the policy schema says so when a policy is read."""
    from tagsig._compliance.policy import load

    def missing(name: str) -> Path:
        return tmp_path / name

    monkeypatch.setattr(load, "data_file", missing)
    load._validator.cache_clear()
    path = tmp_path / "policy.toml"
    path.write_text('fail_on = "high"\n', encoding="utf-8")
    try:
        with pytest.raises(PolicyError, match="the installation is incomplete"):
            load_policy(path)
    finally:
        load._validator.cache_clear()
