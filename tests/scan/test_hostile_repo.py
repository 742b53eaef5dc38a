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


def test_names_and_lines_that_would_rewrite_the_terminal_are_shown_escaped(repo, dango):
    key = "AKIA" + "Q3TERMINALTRICKS"  # dango:allow
    # a newline would forge a report line of its own; a carriage return, an escape sequence
    # (clear screen) or a bidi override would hide or reorder what the user reads
    (repo / "evil\n0 findings.py").write_text(f"k = '{key}'  # one\n")
    (repo / "a\rb.py").write_text(f"k = '{key}'\n")
    (repo / "clear.py").write_text(f"k = '{key}' \x1b[2J\x1b[8m\u202e\n")
    commit_all(repo, "hostile names")
    for args in ((), ("--history",)):
        result = dango("secrets", "scan", *args)
        assert result.code == 1, result
        lines = result.out.splitlines()
        headers = [line for line in lines if not line.startswith("  ")]
        assert len(headers) == len(lines) // 2 and all(": aws-access-key-id:" in line for line in headers), lines
        assert "\x1b" not in result.out and "\u202e" not in result.out and key not in result.output
        assert any(line.startswith("a\\rb.py:1") for line in headers), headers
        assert "\\e[2J\\e[8m\\u202e" in result.out
    tree = dango("secrets", "scan").out
    assert "evil\\n0 findings.py:1: aws-access-key-id" in tree


def _signed_commit(repo) -> None:
    """A commit carrying a (made-up) signature header: `git log` checks it when told to."""
    tree = git(repo, "rev-parse", "HEAD^{tree}").stdout.strip()
    body = (f"tree {tree}\nauthor A <a@b.test> 1600000000 +0000\ncommitter A <a@b.test> 1600000000 +0000\n"
            "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned\n")
    path = repo / ".git" / "signed-commit"
    path.write_text(body)
    commit = git(repo, "hash-object", "-t", "commit", "-w", str(path)).stdout.strip()
    path.unlink()
    git(repo, "update-ref", "refs/heads/signed", commit)


def test_the_repositorys_git_settings_run_no_program_and_hide_no_history(repo, dango, tmp_path):
    key = "AKIA" + "Q3REPLACEDBYLIES"  # dango:allow
    marker = tmp_path / "ran"
    program = tmp_path / "program.sh"
    program.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\n")
    program.chmod(0o755)
    (repo / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={key}\n")
    commit_all(repo, "deploy")
    leaked = git(repo, "rev-parse", "HEAD:deploy.sh").stdout.strip()
    git(repo, "rm", "-q", "deploy.sh")
    commit_all(repo, "no more deploy script")
    _signed_commit(repo)
    # log.showSignature makes `git log` run gpg.program on each signed commit it passes
    for name, value in (("log.showSignature", "true"), ("gpg.program", str(program)),
                        ("gpg.ssh.program", str(program)), ("core.fsmonitor", str(program))):
        git(repo, "config", name, value)
    # replace refs (local, never pushed) show git a harmless blob in place of the leaked one
    (repo / "harmless.txt").write_text("export AWS_ACCESS_KEY_ID=$VAULT\n")
    harmless = git(repo, "hash-object", "-w", "harmless.txt").stdout.strip()
    (repo / "harmless.txt").unlink()
    git(repo, "replace", "-f", leaked, harmless)
    for args in (("--history",), (), ("--staged",)):
        result = dango("secrets", "scan", *args, "--format", "json")
        assert not marker.exists(), (args, marker.read_text())
        assert result.code in (0, 1), result
    history = dango("secrets", "scan", "--history", "--format", "json")
    assert [f["path"] for f in json.loads(history.out)["findings"]] == ["deploy.sh"], history
    assert key not in history.output
    assert dango("validate").code in (0, 1) and not marker.exists()


def test_a_grafts_file_does_not_cut_the_scanned_history_short(repo, dango):
    key = "AKIA" + "Q3HIDDENBYGRAFTS"  # dango:allow
    (repo / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={key}\n")
    commit_all(repo, "deploy")
    git(repo, "rm", "-q", "deploy.sh")
    commit_all(repo, "no more deploy script")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "grafts").write_text(git(repo, "rev-parse", "HEAD").stdout)  # "no parents"
    history = dango("secrets", "scan", "--history", "--format", "json")
    assert history.code == 1 and [f["path"] for f in json.loads(history.out)["findings"]] == ["deploy.sh"], history


def test_a_partial_clone_is_never_fetched_from(repo, dango, tmp_path):
    marker = tmp_path / "ran"
    program = tmp_path / "program.sh"
    program.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\n")
    program.chmod(0o755)
    (repo / "notes.txt").write_text("notes\n")
    commit_all(repo, "notes")
    blob = git(repo, "rev-parse", "HEAD:notes.txt").stdout.strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as a blob-less clone lacks it
    for name, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                        ("remote.origin.promisor", "true"), ("remote.origin.url", f"ext::sh -c {program}"),
                        ("protocol.ext.allow", "always")):
        git(repo, "config", name, value)
    before = snapshot(repo)
    result = dango("secrets", "scan", "--history")
    assert not marker.exists()
    assert result.code == 2 and "is a partial clone" in result.err and "Traceback" not in result.err, result
    assert snapshot(repo) == before
