"""Scan reports: plain text for people, JSON for scripts, SARIF 2.1.0 for code scanning.

Every report carries masked excerpts only; the secret itself never leaves memory.
"""

from __future__ import annotations

import json

from .engine import Finding
from .rules import RULES
from .run import ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
OWN_RULE_TEXT = "A secret value this project holds (exactly, or base64, URL-encoded or JSON-escaped)"


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
    return lines


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
    descriptions = {rule.id: rule.description for rule in RULES}
    rules = [{"id": rule_id, "name": rule_id,
              "shortDescription": {"text": descriptions.get(rule_id, OWN_RULE_TEXT)},
              "defaultConfiguration": {"level": "error"}} for rule_id in used]
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
