"""The access log (NEN 7513 style): who did what with which client's data.

* ``audit.models``: ``AccessLogEntry``, the append-only, hash-chained row, and
  ``OBJECT_LABELS``;
* ``audit.log``: the one writer of rows, one function per kind of event
  (``log_read``, ``log_change``, ``log_event``, ``log_access``);
* ``audit.middleware``: ``AccessLogMiddleware``, which makes the request known
  to ``log_change`` and logs refused actions (``permission_denied``,
  ``capability_denied``);
* ``audit.chain``: ``verify_chain``, the check of the hash chain
  (``manage.py verify_access_log``).

``audit`` sits below ``cases``: the services of ``cases``, ``roles`` and
``privacy`` call it, so it imports none of their modules. A row points at the
client by the model's label (``"cases.Client"``), not by an import. The table
is still ``cases_accesslogentry`` (the model moved out of ``cases`` without
touching the database; ``audit/migrations/0001_initial.py``).
"""
