"""Scan reports: plain text for people, JSON for scripts, SARIF 2.1.0 for code scanning.

Every report carries masked excerpts only; the secret itself never leaves memory.
"""

from __future__ import annotations

import json

from ..printable import printable
from .engine import Finding
from .rules import RULES
from .run import ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
OWN_RULE_TEXT = ("A secret value this project holds, or its encryption key (exactly, or base64, URL-encoded, "
                 "JSON- or HTML-escaped)")


def text_report(result: ScanResult) -> list[str]:
    lines = []
    for finding in result.findings:
        where = f"{finding.path}:{finding.line}"
        if finding.commit:
            where += f" (commit {finding.commit[:12]})"
        lines.append(f"{where}: {finding.rule}: {finding.description}")
        if finding.credential:
            encoded = "" if finding.encoding == "exact" else f", {finding.encoding}-encoded"
            lines.append(f"  the value of {finding.credential}{encoded}; {finding.fix}")
        elif finding.fix:
            lines.append(f"  {finding.fix}")
        lines.append(f"  {finding.excerpt}")
    # a file's name or content is shown, never obeyed: a newline in a name forges no line
    return [printable(line, one_line=True) for line in lines]


def rule_list() -> list[str]:
    """One line per built-in rule: id, on or off by default, what it finds, its documentation."""
    return [f"{rule.id}{'' if rule.default else ' (off by default)'}: {rule.description}  {rule.docs}"
            for rule in sorted(RULES, key=lambda rule: rule.id)]


def summary(result: ScanResult) -> str:
    count = len(result.findings)
    text = (f"{count} finding{'s' if count != 1 else ''} in the {result.scope} "
            f"({result.files} file{'s' if result.files != 1 else ''} read")
    if result.own_secrets:
        text += f", {result.own_secrets} project secret{'s' if result.own_secrets != 1 else ''} searched for"
    if result.accepted:
        text += f", {result.accepted} accepted by the baseline"
    return text + ")."


def json_report(result: ScanResult) -> str:
    return json.dumps({"scope": result.scope, "files": result.files, "accepted": result.accepted,
                       "findings": [finding.to_json() for finding in result.findings],
                       "warnings": result.warnings}, indent=2)


def sarif_report(result: ScanResult, version: str = "") -> str:
    used = sorted({finding.rule for finding in result.findings})
    known = {rule.id: rule for rule in RULES}
    first = {}
    for finding in result.findings:
        first.setdefault(finding.rule, finding)
    rules = [_sarif_rule(rule_id, known.get(rule_id), first[rule_id]) for rule_id in used]
    index = {rule_id: i for i, rule_id in enumerate(used)}
    return json.dumps({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dango-secrets-scan", "version": version or "0",
                                "rules": rules}},
            "results": [_sarif_result(finding, index[finding.rule]) for finding in result.findings],
        }],
    }, indent=2)


def _sarif_rule(rule_id: str, rule, finding: Finding) -> dict:
    """A rule's entry: its name, what it finds, where the format is documented and what to do."""
    if rule_id == "dango-project-secret":
        text, help_text = OWN_RULE_TEXT, "Rotate the credential (dango secrets rotate NAME.FIELD) and remove the copy."
    else:
        text = rule.description if rule else finding.description
        help_text = ("Revoke or rotate this credential at its provider, then remove it from the file "
                     "(and from history if committed). Accept a false alarm with `dango:allow` on the line.")
    entry = {"id": rule_id, "name": rule_id, "shortDescription": {"text": text},
             "fullDescription": {"text": text}, "help": {"text": help_text},
             "defaultConfiguration": {"level": "error"}}
    if rule is not None and rule.docs:
        entry["helpUri"] = rule.docs
        entry["help"]["text"] += f" The format is documented at {rule.docs}."
    return entry


def _sarif_result(finding: Finding, rule_index: int) -> dict:
    message = f"{finding.description}: {finding.excerpt}"
    if finding.credential:
        message = f"The value of {finding.credential} is exposed; {finding.fix}. {finding.excerpt}"
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding.path},
            "region": {"startLine": finding.line, "snippet": {"text": finding.excerpt}},
        }}],
    }
    if finding.commit:
        result["properties"] = {"commit": finding.commit}
    return result
