"""A papermill parameter translator for Rhai (the Cloudbook kernel's language).

Installing the package is enough: papermill loads its `papermill.engine` entry point on
import, and loading it registers :class:`RhaiTranslator` for the language ``rhai`` and the
kernel ``cloudbook``. See ``_plugin`` for why it lives there.
"""

from ._plugin import CloudbookEngine, RhaiTranslator, rhai_string

__all__ = ["CloudbookEngine", "RhaiTranslator", "rhai_string"]
