"""Keyring backends that misbehave, loaded by dango through PYTHON_KEYRING_BACKEND."""

import time

from keyring.backend import KeyringBackend


class HangingKeyring(KeyringBackend):
    """Never answers, like a locked Secret Service waiting on a prompt nobody sees."""

    priority = 1

    def get_password(self, service, username):
        time.sleep(3600)

    def set_password(self, service, username, password):
        time.sleep(3600)

    def delete_password(self, service, username):
        time.sleep(3600)


class ForgetfulKeyring(KeyringBackend):
    """Accepts every write and keeps nothing."""

    priority = 1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        pass

    def delete_password(self, service, username):
        pass


def _atomic_file_keyring():
    import configparser
    import os

    from keyring.errors import PasswordDeleteError
    from keyrings.alt.escape import escape as escape_for_ini
    from keyrings.alt.file import PlaintextKeyring

    class _AtomicFileKeyring(PlaintextKeyring):
        """keyrings.alt's plaintext file backend with every write done as temp file + rename.

        keyrings.alt itself truncates and rewrites its one file, so a process killed in the
        middle of that write loses every key the file holds. The random-kill test of
        `rotate-key` is about dango's own write order, so it runs on this backend.
        """

        priority = 1

        def _save(self, config) -> None:
            temporary = self.file_path + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                config.write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.file_path)

        def _load(self):
            config = configparser.RawConfigParser()
            if os.path.exists(self.file_path):
                config.read(self.file_path, encoding="utf-8")
            return config

        def _write_config_value(self, service, key, value):
            self._ensure_file_path()
            config = self._load()
            service, key = escape_for_ini(service), escape_for_ini(key)
            if not config.has_section(service):
                config.add_section(service)
            config.set(service, key, value)
            self._save(config)

        def delete_password(self, service, username):
            config = self._load()
            try:
                if not config.remove_option(escape_for_ini(service), escape_for_ini(username)):
                    raise PasswordDeleteError("Password not found")
            except configparser.NoSectionError:
                raise PasswordDeleteError("Password not found") from None
            self._save(config)

    return _AtomicFileKeyring


AtomicFileKeyring = _atomic_file_keyring()


def _undeletable_keyring():
    from keyrings.alt.file import PlaintextKeyring

    class _UndeletableKeyring(PlaintextKeyring):
        """keyrings.alt's plaintext file backend whose deletes fail, as a Secret Service
        that locks itself (or a read-only keyring file) between two calls does."""

        priority = 1

        def delete_password(self, service, username):
            raise RuntimeError("the keyring is locked")

    return _UndeletableKeyring


UndeletableKeyring = _undeletable_keyring()
