"""The stored figures of the municipal reports: ``ReportFigures``
(``figures``). Import the names from here (``from reports.models import
ReportFigures``)."""

from .figures import ReportFigures

__all__ = ["ReportFigures"]
