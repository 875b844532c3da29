"""Self-contained HTML reports of shrunk spaces (optional extra ``report``: plotly)."""

from lissnas.report._html import build_report, write_report

__all__ = ["build_report", "write_report"]
