"""Settings for the test suite: the production module with tasks run inline and fast hashing."""

import os

os.environ["HEADWISE_TESTING"] = "1"

from headwise.settings import *  # noqa: E402, F403

# Argon2 stays the production hasher; tests hash thousands of passwords, so use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only
