"""Declarative, versioned layout specs of the annual-report formats (see ``data/*.toml``)."""
from .loader import FORMATS, SpecError, load_spec, spec_for_year
from .model import Cell, Field, MetaField, NarrativeField, Row, Section, Spec, Table, Variant

__all__ = ["FORMATS", "SpecError", "load_spec", "spec_for_year", "Cell", "Field", "MetaField", "NarrativeField",
           "Row", "Section", "Spec", "Table", "Variant"]
