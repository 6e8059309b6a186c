"""The skeleton of every form page that changes something: POST → valid →
service → message → redirect, written once.

A view binds its form, then::

    if done := submit(
        request,
        form,
        services.care_end,
        actor=request.user,
        care=care,
        arguments=lambda data: {"ended_on": data["ended_on"]},
        success=_("De hulp is beëindigd."),
        redirect_to=client,
    ):
        return done
    return the_form_page(...)

``submit`` returns ``None`` for a GET, for bad input (the errors stand next to
their fields) and for a rule the service refuses (its ``ValidationError`` is
put on the form by ``call_service``, the transaction rolled back): the view
then renders its form page as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .forms import call_service

#: A message or a function of the service's result that makes it.
Message = str | Callable[[Any], str] | None


def all_input(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """``arguments=all_input``: every field of the form is an argument of the
    service, under its own name."""
    return data


def submit[T](
    request: HttpRequest,
    form: forms.Form,
    service: Callable[..., T],
    /,
    *,
    arguments: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
    success: Message = None,
    redirect_to: Any = None,
    **fixed: Any,
) -> HttpResponse | None:
    """On a valid POST call ``service`` with the ``fixed`` keyword arguments
    and what ``arguments(form.cleaned_data)`` returns (called only after
    ``is_valid()``; ``all_input`` passes every field, no ``arguments`` none
    of them). Then show
    ``success`` (a text, or a function of the result) and redirect to
    ``redirect_to``: an object or URL, a function of the result (that may
    also return a response), or by default the result itself.

    Returns ``None`` when there is nothing to redirect to: a GET, bad input or
    a refused rule; the form carries the errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = {} if arguments is None else arguments(form.cleaned_data)
    result = call_service(form, service, **fixed, **data)
    if not result:
        return None
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    if isinstance(target, HttpResponse):
        return target
    return redirect(result if target is None else target)
