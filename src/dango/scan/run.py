"""One scan, start to end: what to read, the matcher, the baseline, the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import gitio, gitleaks, walk
from .baseline import DEFAULT_PATH, Baseline
from .engine import Finding, Scanner
from .own import OwnSecret, forms_of, project_secrets
from .rules import select
from .stores import is_store, store_findings
from .team_file import is_team_file, team_findings


@dataclass
class ScanOptions:
    root: Path  # where the scan starts: the project root, or the current folder
    project: object | None = None  # a dango Project when inside one
    history: bool = False
    staged: bool = False
    paths: list[Path] = field(default_factory=list)
    baseline: Path | None = None
    update_baseline: bool = False
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    project_secrets: bool = True  # False: provider rules only (CI without the encryption key)


@dataclass
class ScanResult:
    findings: list[Finding]
    warnings: list[str]
    scope: str
    files: int = 0
    accepted: int = 0  # findings the baseline accepted
    own_secrets: int = 0
    baseline_written: int | None = None
    incomplete: bool = False  # a project secret could not be decrypted, so was not searched for


def run_scan(options: ScanOptions) -> ScanResult:
    warnings: list[str] = []
    own: list[OwnSecret] = []
    incomplete = False
    if options.project is not None and options.project_secrets:
        own, problems, incomplete = project_secrets(options.project)
        warnings.extend(problems)
    git_root = gitio.git_root(options.root)
    config = gitleaks.load(git_root or options.root)
    if config is None:
        scanner = Scanner(forms_of(own), select(options.enable, options.disable))
    else:
        warnings.extend(config.warnings)
        scanner = Scanner(forms_of(own), config.select(options.enable, options.disable), allow=config.allowed)
    if (options.history or options.staged) and git_root is None:
        from ..errors import UsageError

        flag = "--history" if options.history else "--staged"
        raise UsageError(f"{flag} needs a git repository, and {options.root} is not in one.")
    stores = []
    if options.project is not None:
        stores = [options.project.secrets_path, options.project.env_path]
        # `dango migrate`'s backups (.dango/backup/<time>/files/.env, .../secrets.toml): stores
        # under the same rule, exempt only while git ignores them and never held them
        backups = options.project.dango_dir / "backup"
        if backups.is_dir() and not backups.is_symlink():
            stores += sorted(p for p in backups.glob("*/files/**/*") if p.is_file())

    findings: list[Finding] = []
    files = 0
    if options.history:
        scope = "history"
        if gitio.shallow(git_root):
            warnings.append(f"{git_root} is a shallow clone: only the commits it holds are scanned, not the "
                            "history before them; fetch all of it first (git fetch --unshallow).")
        from .parallel import scan_history

        findings, files = scan_history(git_root, lambda item: _scan(scanner, item))
        commits = gitio.commits_introducing(git_root, {f.blob for f in findings if f.blob})
        for finding in findings:
            finding.commit = commits.get(finding.blob)
        said = set()  # a stash's message quotes its base commit's subject: one finding is enough
        for item in walk.messages(git_root):
            for finding in _scan(scanner, item):
                if item.stash and (finding.rule, finding.secret) in said:
                    continue
                said.add((finding.rule, finding.secret))
                finding.commit = item.commit
                findings.append(finding)
        if config is not None and config.needs_commits():  # allowlisted commits are known only now
            findings = [f for f in findings if f.credential or not config.allowed(
                f.rule, f.secret.encode(), f.secret.encode(), b"", f.path, f.commit)]
    elif options.staged:
        scope = "staged changes"
        for item in walk.staged(git_root):
            files += not item.part
            findings.extend(_scan(scanner, item))
    else:
        scope = "working tree"
        exempt = walk.exempt_stores(git_root, stores)
        root = git_root or options.root
        paths = [p.absolute() for p in options.paths] or None
        if paths and git_root is not None and any(not _inside(p, git_root) for p in paths):
            root, git_root = options.root, None
        for item in walk.working_tree(root, git_root, exempt, paths):
            files += not item.part
            findings.extend(_scan(scanner, item))

    baseline_path = options.baseline or _default_baseline(options, git_root)
    baseline = Baseline.load(baseline_path)
    if options.baseline is None:  # the default one is written only inside the project or repository
        baseline.root = options.project.root if options.project is not None else (git_root or options.root)
    result = ScanResult([], warnings, scope, files, own_secrets=len(own), incomplete=incomplete)
    if options.update_baseline:
        result.baseline_written = baseline.accept(findings)
        baseline.save()
        result.accepted = len(findings)
        return result
    for finding in findings:
        if baseline.accepts(finding):
            result.accepted += 1
        else:
            result.findings.append(finding)
    return result


BINARY_EXCERPT = "(binary content)"


def _scan(scanner: Scanner, item: walk.Item) -> list[Finding]:
    if item.binary:  # a database, a compiled file: the project's own values are exact bytes in it
        findings = scanner.scan(item.data, item.path, own_only=True)
        for finding in findings:
            finding.excerpt, finding.line = BINARY_EXCERPT, 1
        return findings
    findings = scanner.scan(item.data, item.path)
    if is_team_file(item.path):  # committed by design: only its unencrypted values are findings
        findings = findings + team_findings(item.data, item.path)
    elif is_store(item.path) and not any(finding.credential for finding in findings):
        # a provider rule's finding does not say the whole file is out of place: this does
        findings = store_findings(item.data, item.path) + findings
    for finding in findings:  # a piece of a large file: lines counted from the file's start
        finding.line += item.first_line - 1
    return findings


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _default_baseline(options: ScanOptions, git_root: Path | None) -> Path:
    if options.project is not None:
        return options.project.dango_dir / "scan-baseline.json"
    return (git_root or options.root) / DEFAULT_PATH
