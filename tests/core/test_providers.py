"""The resolution order as an ordered list of providers, each attempt recorded."""

from __future__ import annotations

import pytest

from dango.credentials import PROVIDERS, Resolver
from dango.project import init_project
from dango.sources import SourcesFile


@pytest.fixture
def project(tmp_path):
    project = init_project(tmp_path / "p").project
    project.sources_path.write_text("sources:\n  - name: pay\n    type: stripe\n    resources: [charges]\n")
    text = project.secrets_path.read_text()
    project.secrets_path.write_text(text + '\n[sources.pay]\nstripe_secret_key = "ref+keyring://s/u"\n')
    return project


def test_the_providers_and_their_order():
    assert [kind.name for kind in PROVIDERS] == ["env", "secrets", "sources", "default"]


def test_each_field_records_the_providers_asked(project):
    resolver = Resolver(project, environ={"SOURCES__PAY__BASE_URL": "http://127.0.0.1:9"})
    values = {v.field.name: v for v in resolver.fields(SourcesFile(project).get("pay"))}
    assert (values["base_url"].origin, values["base_url"].tried) == ("env", ("env",))
    assert (values["stripe_secret_key"].origin, values["stripe_secret_key"].tried) == ("secrets", ("env", "secrets"))
    assert values["stripe_secret_key"].raw == "ref+keyring://s/u"  # read, not fetched
    assert (values["resources"].origin, values["resources"].tried) == ("sources", ("env", "secrets", "sources"))
    assert (values["start_date"].origin, values["start_date"].tried) == \
        ("missing", ("env", "secrets", "sources", "default"))
