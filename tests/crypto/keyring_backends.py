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
