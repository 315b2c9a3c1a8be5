"""The portal's password hasher: Argon2id at OWASP's parameters.

Django 5.2 hashes with PBKDF2-SHA256 at 1,000,000 iterations by default: about 0.5 s of CPU on
this project's machine for every sign-in (the 1.6 s median sign-in of issue 13 was mostly that,
once per request, on cores shared with the database). OWASP's Password Storage Cheat Sheet puts
Argon2id first and PBKDF2 only where FIPS-140 compliance is needed: Argon2id is memory-hard, so
a GPU or ASIC attacker gains far less from parallel hardware than against PBKDF2 at any
iteration count. Its parameters here are one of the cheat sheet's equivalent minimum
configurations (46 MiB of memory, 1 iteration, 1 degree of parallelism): about a tenth of a
second of one core, and a memory cost per guess that PBKDF2 does not have at all.

Passwords stored with PBKDF2 (at Django's default iterations) still verify, and Django rehashes
them with this hasher at the user's next sign-in (``PASSWORD_HASHERS``: the first one hashes,
all of them verify).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=46 MiB, t=1, p=1 (OWASP Password Storage Cheat Sheet, 2025)."""

    # same algorithm name as Django's: hashes made with Django's default parameters verify
    # here, and any hash with other parameters is rehashed to these at the next sign-in
    algorithm = "argon2"
    time_cost = 1
    memory_cost = 47104  # KiB (46 MiB)
    parallelism = 1
