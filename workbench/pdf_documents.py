"""The case documents' former module: everything lives in ``workbench.documents`` now (fonts,
the page machinery and one module per document); this name re-exports its public API."""

from workbench.documents import *  # noqa: F403
from workbench.documents import __all__  # noqa: F401
