"""The upload form of the bulk import."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField


class ImportForm(FlaskForm):
    bestand = FileField("CSV-bestand")
    bewijsstukken = MultipleFileField("Bewijsstukken (PDF, PNG of JPEG)")
    alleen_controleren = BooleanField("Alleen controleren, nog niets opslaan")
