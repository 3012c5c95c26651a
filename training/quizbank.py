"""The Moodle XML question bank, built with xml.etree: one category, then each quiz question."""

from __future__ import annotations

import re
from html import escape
from xml.etree import ElementTree as ET

from tipkg.training.model import Module


def category(module: str) -> str:
    """The quiz bank category, the same in GIFT and Moodle XML (word characters only, as strict GIFT
    readers such as pygiftparser require)."""
    return "$course$/top/TIPKG/" + re.sub(r"\W", "_", module)


def _cdata_text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _html(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def moodle_xml(module: Module) -> bytes:
    """A Moodle XML question bank: one category, then each quiz question."""
    quiz = ET.Element("quiz")
    bank = ET.SubElement(quiz, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(bank, "category"), "text").text = category(module.name)
    ET.SubElement(ET.SubElement(bank, "info", {"format": "html"}), "text").text = _html(
        f"{module.title}. Generated from the TIPKG knowledge graph; scenario seed {module.seed}."
    )
    for q in module.quiz:
        question = ET.SubElement(quiz, "question", {"type": q.kind})
        ET.SubElement(ET.SubElement(question, "name"), "text").text = q.id
        _cdata_text(question, "questiontext", _html(q.text))
        _cdata_text(question, "generalfeedback", _html(f"{q.feedback} Source: <{q.source}>"))
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "1" if q.kind == "truefalse" else "0.3333333"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = q.id
        if q.kind == "truefalse":
            for value in (True, False):
                right = value == q.answer
                answer = ET.SubElement(
                    question, "answer", {"fraction": "100" if right else "0", "format": "moodle_auto_format"}
                )
                ET.SubElement(answer, "text").text = "true" if value else "false"
                _cdata_text(answer, "feedback", _html(("Correct. " if right else "Incorrect. ") + q.feedback))
        else:
            ET.SubElement(question, "single").text = "true"
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "abc"
            _cdata_text(question, "correctfeedback", _html("Correct."))
            _cdata_text(question, "partiallycorrectfeedback", _html("Partly correct."))
            _cdata_text(question, "incorrectfeedback", _html("Incorrect. " + q.feedback))
            for choice in q.choices:
                answer = ET.SubElement(
                    question, "answer", {"fraction": "100" if choice.correct else "0", "format": "html"}
                )
                ET.SubElement(answer, "text").text = _html(choice.text)
                _cdata_text(answer, "feedback", _html(choice.feedback))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"
