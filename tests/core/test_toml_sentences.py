"""A broken secrets.toml is one clear sentence naming the line: a table header missing its
`]`, a table declared twice, a key set twice; nothing is changed."""

from __future__ import annotations

import pytest

from tests.conftest import DANGO_SECTION, changes_between, tree_state

CASES = [
    ('[sources.s3\nkey = "x"\n',
     "error: .dlt/secrets.toml:1:12: the table header on this line is missing its closing ]; "
     "add ] at the end of that line."),
    ('[sources.s3]\na = 1\n\n[sources.s3]\nb = 2\n',
     "error: .dlt/secrets.toml:4:12: table [sources.s3] is declared a second time; "
     "move its keys under the first [sources.s3] and delete this header."),
    ('[sources.s3]\na = 1\n[sources.s3\nb = 2\n',
     "error: .dlt/secrets.toml:3:12: the table header on this line is missing its closing ]; "
     "add ] at the end of that line."),
    ('[sources.s3]\na = 1\na = 2\n',
     "error: .dlt/secrets.toml:3:6: a key set earlier in its table is set again; keep one of the two lines."),
]


@pytest.mark.parametrize("text,sentence", CASES)
def test_a_broken_secrets_file_is_one_clear_sentence(dango, project_dir, text, sentence):
    (project_dir / ".dlt/secrets.toml").write_text(text + DANGO_SECTION)
    before = tree_state(project_dir)
    for args in (["validate"], ["config", "show"]):
        result = dango(*args)
        assert result.code == 2, result
        assert result.err.strip() == sentence
        assert "(, )" not in result.err
    assert changes_between(before, tree_state(project_dir)) == []
