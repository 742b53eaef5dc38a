"""The warning about a keyring that keeps the encryption key unencrypted names the file
the backend writes, so the user knows what to protect or delete."""

from __future__ import annotations


def test_the_plaintext_keyring_warning_names_its_file(dango, home):
    keyring = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
               "XDG_DATA_HOME": str(home / ".local" / "share")}
    assert dango("source", "add", "stripe", "--name", "pay", "--no-input",
                 "--set", "stripe_secret_key=sk_test_fakeKeyForTheKeyring01").code == 0  # dango:allow
    where = f"unencrypted in the file {home / '.local/share/python_keyring/keyring_pass.cfg'}, so anyone"
    result = dango("secrets", "encrypt", env_extra=keyring)
    assert result.code == 0, result
    assert where in result.err, result
    assert "home folder" not in result.err
    assert where in dango("secrets", "status", env_extra=keyring).err
