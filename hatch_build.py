"""Build hook: compile the gettext catalogues and the bundled signature database.

The wheel ships ``.mo`` files built from the ``.po`` files, and ``signatures.index``, the
records of ``data/signatures.json`` built once (``tagsig._signatures.index``). A source
checkout and an editable install compile both in memory instead (``tagsig._i18n``,
``tagsig._signatures.load``), so the hook only runs for regular wheels.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src") / "tagsig" / "locale"
SIGNATURES = Path("data") / "signatures.json"


def write_signature_index(root: Path, out: Path) -> None:
    """Build ``data/signatures.json`` as tagsig reads it and write its index to ``out``.

    Raises:
        SignatureError: The file does not load alone as it is (see ``check_alone``).

    """
    sys.path.insert(0, str(root / "src"))
    try:
        from tagsig._signatures.file import read_layer  # noqa: PLC0415 - the tree being built
        from tagsig._signatures.index import encode_layer  # noqa: PLC0415
        from tagsig._signatures.load import check_alone  # noqa: PLC0415
    finally:
        sys.path.remove(str(root / "src"))
    source = root / SIGNATURES
    layer = read_layer(source, schema=None, validate=False)
    check_alone(layer)  # the index is loaded as it is, unmerged
    out.write_bytes(encode_layer(layer, source.read_bytes()))


class CompileCatalogues(BuildHookInterface[BuilderConfig]):
    """Compile every ``locale/LANG/LC_MESSAGES/tagsig.po`` to ``tagsig.mo`` in the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the catalogues into a scratch folder and add them to the wheel."""
        if self.target_name != "wheel" or version == "editable":
            return
        self._scratch = Path(tempfile.mkdtemp(prefix="tagsig-mo-"))
        for po in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/tagsig.po")):
            language = po.parent.parent.name
            mo = self._scratch / language / "tagsig.mo"
            mo.parent.mkdir(parents=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as out:
                write_mo(out, catalog)
            build_data["force_include"][str(mo)] = f"tagsig/locale/{language}/LC_MESSAGES/tagsig.mo"
        index = self._scratch / "signatures.index"
        write_signature_index(Path(self.root), index)
        build_data["force_include"][str(index)] = "tagsig/data/signatures.index"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the scratch folder."""
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
