"""A broken secrets.toml is one clear sentence naming the line: a table header missing its
`]`, a table declared twice, a key set twice, and the mistakes of a value typed by hand (a
Windows path in "...", a quote inside a quoted value, no quotes, no closing quote); nothing
is changed, and nothing of the value is quoted."""

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
    ('[sources.s3]\r\npath = "C:\\Users\\me\\Pa55word-file"\r\n',
     'error: .dlt/secrets.toml:2:13: a backslash in a "..." value starts an escape such as \\n, and this '
     "one is not valid (a Windows path?); write each backslash as two (C:\\\\Users\\\\me), or put the "
     "value in single quotes ('C:\\Users\\me'), which keep backslashes as they are."),
    ('[sources.s3]\npassword = "Pa55\\word"\n',
     'error: .dlt/secrets.toml:2:19: a backslash in a "..." value starts an escape such as \\n, and this '
     "one is not valid (a Windows path?); write each backslash as two (C:\\\\Users\\\\me), or put the "
     "value in single quotes ('C:\\Users\\me'), which keep backslashes as they are."),
    ('[sources.s3]\npassword = "Pa55"word"\n',
     'error: .dlt/secrets.toml:2:18: something follows the value on this line (a " inside a "..." value, '
     "or a ' inside a '...' one, ends it early); write a \" inside \"...\" as \\\", or put a value "
     "holding \" in single quotes."),
    ('[sources.s3]\npassword = Pa55word\n',
     'error: .dlt/secrets.toml:2:12: the value after = is missing or not quoted; put text in double '
     'quotes (password = "..."); only numbers, true and false go without quotes.'),
    ('[sources.s3]\npassword = "Pa55word\nport = 1\n',
     'error: .dlt/secrets.toml:2:21: the quoted value on this line has no closing quote (a "..." value '
     'ends on the line it starts); add the closing quote; a value that really spans lines goes '
     'between """ and """.'),
    ('[sources.s3]\npassword: "Pa55word"\n',
     'error: .dlt/secrets.toml:2:9: the key on this line is not followed by = (TOML writes key = "value", '
     'not key: value, and a key holds no spaces); write it as password = "...".'),
    ('[sources.s3]\nkey = """-----BEGIN KEY-----\nPa55word\n',
     "error: .dlt/secrets.toml:2: a value opened with three quotes on this line is never closed; "
     "add the same three quotes after its last line."),
]


@pytest.mark.parametrize("text,sentence", CASES)
def test_a_broken_secrets_file_is_one_clear_sentence(dango, project_dir, text, sentence):
    (project_dir / ".dlt/secrets.toml").write_text(text + DANGO_SECTION)
    before = tree_state(project_dir)
    for args in (["validate"], ["config", "show"], ["sync"]):
        result = dango(*args)
        assert result.code == 2, result
        assert result.err.strip() == sentence
        assert "(, )" not in result.err and "Pa55" not in result.output
    assert changes_between(before, tree_state(project_dir)) == []
