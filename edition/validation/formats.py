"""Validation results as JUnit XML and as GitHub Actions annotations (text, JSON: the Reporter)."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from edition.diagnostics import Diagnostic, Severity

FORMATS = ("text", "json", "junit", "github")


def junit(files: Sequence[str], diagnostics: Sequence[Diagnostic]) -> str:
    """One test case per file: its errors are failures, its warnings go to system-out."""
    by_file: dict[str, list[Diagnostic]] = {shown: [] for shown in files}
    general: list[Diagnostic] = []
    for diagnostic in diagnostics:
        path = diagnostic.location.path if diagnostic.location else None
        if path is None:
            general.append(diagnostic)
        else:
            by_file.setdefault(path, []).append(diagnostic)
    failures = sum(any(d.severity is Severity.ERROR for d in found) for found in by_file.values())
    suites = etree.Element("testsuites", name="edition validate")
    suite = etree.SubElement(
        suites,
        "testsuite",
        name="edition validate",
        tests=str(len(by_file)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    if general:
        etree.SubElement(suite, "system-out").text = "\n".join(d.render() for d in general)
    for shown, found in by_file.items():
        case = etree.SubElement(suite, "testcase", classname="edition.validate", name=shown)
        errors = [d for d in found if d.severity is Severity.ERROR]
        others = [d for d in found if d.severity is not Severity.ERROR]
        if errors:
            failure = etree.SubElement(
                case,
                "failure",
                type=errors[0].code,
                message=f"{len(errors)} error(s); first: {errors[0].message}",
            )
            failure.text = "\n".join(d.render() for d in errors)
        if others:
            etree.SubElement(case, "system-out").text = "\n".join(d.render() for d in others)
    body = etree.tostring(suites, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.rstrip("\n")


_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: annotations on the files' lines in a pull request."""
    lines = []
    for d in diagnostics:
        props = [f"title={_property(f'{d.severity}[{d.code}]')}"]
        if d.location is not None:
            props.insert(0, f"file={_property(d.location.path)}")
            if d.location.line is not None:
                props.insert(1, f"line={d.location.line}")
                if d.location.column is not None:
                    props.insert(2, f"col={d.location.column}")
        message = "\n".join([d.message, *(f"hint: {h}" for h in d.hints)])
        lines.append(f"::{_COMMANDS[d.severity]} {','.join(props)}::{_data(message)}")
    return "\n".join(lines)


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
