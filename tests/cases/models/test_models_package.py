"""``cases.models`` is a package of one entity a module, and reads as the
single module it was: every model and its historical model is a name of the
package, and the historical models keep the module they were created in."""

from __future__ import annotations

import pickle

from django.apps import apps

import cases.models


def _cases_models() -> list[type]:
    return list(apps.get_app_config("cases").get_models())


def test_every_model_is_a_name_of_the_package():
    """``from cases.models import X`` works for every model of the app, and
    ``__all__`` lists every model that is not a historical one."""
    for model in _cases_models():
        assert getattr(cases.models, model.__name__) is model
        if not model.__name__.startswith("Historical"):
            assert model.__name__ in cases.models.__all__
    for name in cases.models.__all__:
        assert hasattr(cases.models, name), name


def test_models_live_in_the_submodules_of_the_package():
    """A model's module is one of the package's modules (or the package itself
    for the historical models), so its app is ``cases``."""
    for model in _cases_models():
        assert model.__module__.startswith("cases.models"), model
        assert model._meta.app_label == "cases"


def test_historical_models_keep_their_module():
    """django-simple-history creates the historical models in ``cases.models``,
    as when it was one module: their tables, names and pickles are unchanged."""
    historical = [m for m in _cases_models() if m.__name__.startswith("Historical")]
    assert {m.__name__ for m in historical} == {
        "HistoricalApplication",
        "HistoricalCare",
        "HistoricalClient",
        "HistoricalComplaint",
        "HistoricalConflictingInterest",
        "HistoricalContactItem",
        "HistoricalContactMoment",
        "HistoricalFamily",
        "HistoricalFamilyMembership",
        "HistoricalMeeting",
        "HistoricalNote",
        "HistoricalOutreachVisit",
        "HistoricalSupportCase",
    }
    for model in historical:
        assert model.__module__ == "cases.models"
        assert model._meta.db_table == f"cases_{model.__name__.lower()}"
        # Our own bytes, just written: nothing untrusted is unpickled.
        assert pickle.loads(pickle.dumps(model)) is model  # noqa: S301
