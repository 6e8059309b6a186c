"""Settings for the test suite: the production settings (``config.settings``,
``DEBUG=False``) with three switches for the test client and the live server.

* ``SECURE_SSL_REDIRECT`` off: the test client and the live server speak http.
* ``NAAST_REQUIRE_2FA`` off: ``client.force_login`` users have no second factor;
  tests/accounts/test_two_factor.py switches it on.
* ``AXES_ENABLED`` off: ``client.login`` authenticates without a request, which
  django-axes refuses; tests/config/test_security.py switches it on for the lockout.

``tests/config/test_security.py`` runs ``check --deploy`` against ``config.settings``
itself, with production environment variables.
"""

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
NAAST_REQUIRE_2FA = False
AXES_ENABLED = False

# Static files from the app directories: the tests run no collectstatic
# (tests/config/test_deploy.py collects into a temporary directory itself).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise looks files up per request (no STATIC_ROOT scan at start-up).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
