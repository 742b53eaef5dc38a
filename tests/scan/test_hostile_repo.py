"""A repository whose content works against the scan: values hidden where no scan looked,
names built to break the report, a baseline written to weaken or stall the scan."""

from __future__ import annotations

import json

from tests.conftest import snapshot
from tests.scan.conftest import commit_all, git

AWS_KEY = "AKIA" + "Q3HIDDENBASELINE"  # dango:allow
STRIPE_KEY = "sk_live_" + "51HiddenInTheBaselineFile0123"  # dango:allow


def _baseline_with_a_hidden_key(repo, dango) -> None:
    (repo / "fixture.py").write_text("FAKE = 'GOCSPX-" + "accepted_fixture_secret_v4lue'\n")  # dango:allow
    assert dango("secrets", "scan", "--update-baseline").code == 0
    path = repo / ".dango" / "scan-baseline.json"
    data = json.loads(path.read_text())
    data["note"] = AWS_KEY
    data["findings"].append({"fingerprint": "00" * 16, "rule": "x", "path": STRIPE_KEY})
    path.write_text(json.dumps(data, indent=2) + "\n")


def test_a_secret_hidden_in_the_baseline_file_is_found(repo, dango):
    _baseline_with_a_hidden_key(repo, dango)
    tree = dango("secrets", "scan", "--format", "json")
    assert tree.code == 1, tree
    found = {(f["path"], f["rule"]) for f in json.loads(tree.out)["findings"]}
    assert found == {(".dango/scan-baseline.json", "aws-access-key-id"),
                     (".dango/scan-baseline.json", "stripe-secret-key")}
    assert AWS_KEY not in tree.output and STRIPE_KEY not in tree.output
    git(repo, "add", "-A")
    staged = dango("secrets", "scan", "--staged")
    assert staged.code == 1 and ".dango/scan-baseline.json:" in staged.out, staged
    commit_all(repo, "a baseline")
    (repo / ".dango" / "scan-baseline.json").unlink()
    commit_all(repo, "no baseline")
    history = dango("secrets", "scan", "--history", "--format", "json")
    assert history.code == 1, history
    rules = {f["rule"] for f in json.loads(history.out)["findings"]
             if f["path"] == ".dango/scan-baseline.json"}
    assert rules == {"aws-access-key-id", "stripe-secret-key"}
    assert AWS_KEY not in history.output and STRIPE_KEY not in history.output


def test_an_honest_baseline_is_no_finding(repo, dango):
    for number in range(30):
        (repo / f"fixture_{number}.py").write_text(f"KEY = 'AKIA{number:02d}" + "Q3HONESTFIXTRA'\n")  # dango:allow
    assert dango("secrets", "scan", "--update-baseline").code == 0
    commit_all(repo, "fixtures and their baseline")
    for args in ((), ("--history",)):
        result = dango("secrets", "scan", *args)
        assert result.code == 0, result
        assert "30 accepted by the baseline" in result.err


def test_a_baseline_asking_for_weaker_or_heavier_scrypt_is_refused_and_kept(repo, dango):
    (repo / "fixture.py").write_text("FAKE = 'GOCSPX-" + "accepted_fixture_secret_v4lue'\n")  # dango:allow
    assert dango("secrets", "scan", "--update-baseline").code == 0
    path = repo / ".dango" / "scan-baseline.json"
    honest = json.loads(path.read_text())
    # weaker: the next --update-baseline would commit fingerprints that are cheap to test guesses
    # against; heavier: every scan (and the pre-commit hook) would stall or run out of memory
    for changes in ({"n": 2, "r": 1}, {"p": 5000}, {"n": 2 ** 22}, {"n": 3}, {"p": -1},
                    {"salt": "AA=="}):
        data = json.loads(json.dumps(honest))
        data["kdf"].update(changes)
        path.write_text(json.dumps(data))
        before = snapshot(repo)
        for args in (("--update-baseline",), ()):
            result = dango("secrets", "scan", *args, timeout=60)
            assert result.code == 2, (changes, result)
            assert "scan-baseline.json" in result.err and "n=16384, r=8, p=1" in result.err, result
            assert "Traceback" not in result.err and "unexpected" not in result.err
            assert snapshot(repo) == before
