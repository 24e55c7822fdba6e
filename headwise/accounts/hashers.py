"""The password hasher: Argon2id with the OWASP Password Storage Cheat Sheet's parameters.

OWASP's cheat sheet (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
says: "Use Argon2id with a minimum configuration of 19 MiB of memory, an iteration count of 2, and
1 degree of parallelism." Django's own Argon2 hasher uses 100 MiB and a parallelism of 8: on
a two-core server eight lanes per sign-in only queue behind each other, and a burst of sign-ins
takes 100 MiB each. These parameters are the cheat sheet's; they are a floor, not a ceiling, so
a subclass may raise them. A stored hash made with other parameters verifies as before and is
rehashed with these at the user's next sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB (19,456 KiB), t = 2, p = 1."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
