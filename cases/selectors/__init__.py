"""Reads: what the pages show, fetched in one call per page (the pull;
``cases.services`` is the push).

Every selector takes the user it reads for and starts from
``Model.objects.visible_to(user)`` (or a related manager's ``visible_to``), so
a selector never shows a row the user may not see (R2, R13). Selectors never
write: the access log is written by the view, which knows the request
(``audit.log.log_read``). One module per read area.
"""
