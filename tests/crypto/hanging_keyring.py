"""A keyring backend that never answers, like a locked Secret Service waiting on a prompt."""

import time

from keyring.backend import KeyringBackend


class HangingKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        time.sleep(3600)

    def set_password(self, service, username, password):
        time.sleep(3600)

    def delete_password(self, service, username):
        time.sleep(3600)
