"""The report as one self-contained HTML page for the government portal's CMS (see :mod:`.render`)."""
from .render import render_html

__all__ = ["render_html"]
