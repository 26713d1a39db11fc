"""No English label is written into the interface's code: every text a page shows goes
through the catalogue (``t``/``tn``), so that a Japanese user reads Japanese.

The scan reads ``workbench/ui`` and ``pages`` and looks at what Streamlit shows: the first
argument and the ``label``/``help``/``placeholder``/``caption``/``title`` arguments of calls
to Streamlit's elements, ``column_config`` columns and Altair encodings (whose field names
become axis titles and tooltip headings when no title is given). A string constant, or the
literal part of an f-string, holding an English word (three letters or more) there is a text
left out of the catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FOLDERS = [ROOT / "workbench" / "ui", ROOT / "pages"]

#: Streamlit calls whose first argument (or label-like keyword) is shown to the user.
SHOWN = {
    "button", "checkbox", "text_input", "text_area", "selectbox", "multiselect", "radio",
    "number_input", "date_input", "time_input", "file_uploader", "download_button",
    "form_submit_button", "toggle", "slider", "select_slider", "segmented_control", "pills",
    "title", "header", "subheader", "caption", "markdown", "write", "info", "warning",
    "error", "success", "toast", "expander", "metric", "badge", "link_button", "page_link",
    "popover", "spinner", "text", "status", "chat_input", "feedback", "code_caption",
    "TextColumn", "NumberColumn", "DateColumn", "DatetimeColumn", "CheckboxColumn",
    "SelectboxColumn", "LinkColumn", "ListColumn", "ProgressColumn", "Column",
}
LABEL_KEYWORDS = {"label", "help", "placeholder", "caption", "title"}
#: Altair encodings: a title given as a literal, or a field shown under its own name.
ALTAIR = {"X", "Y", "Color", "Tooltip", "Size", "Shape", "Legend", "Axis", "Text"}

#: Texts that are not English words for the reader (documented exceptions):
ALLOWED = {
    # a log line for the server's administrators, not a screen text
    "unexpected error %s: %s",
}


def _words(text: str) -> bool:
    """Whether ``text`` holds an English word once placeholders, markup, icons, URLs, CSS and
    Vega-Lite type suffixes are taken out."""
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"<[^>]*>", " ", text)  # HTML tags and their attributes
    text = re.sub(r":material/[a-z_]+:|:[a-z]+\[|https?://\S+", " ", text)
    text = re.sub(r":[NQOT]\b", " ", text)  # Altair shorthand types
    return re.search(r"(?<![A-Za-z_])[A-Za-z]{3,}(?![A-Za-z_])", text) is not None


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def _is_altair(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Attribute) and f.attr in ALTAIR
            and isinstance(f.value, ast.Name) and f.value.id == "alt")


def left_in_english(source: str) -> list[tuple[int, str]]:
    """(line, text) of every English text a Streamlit or Altair call in ``source`` shows."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        shown: list[ast.AST] = []
        if _is_altair(node):
            shown += [k.value for k in node.keywords if k.arg == "title"]
            titled = any(k.arg == "title" for k in node.keywords)
            if node.args and not titled and node.func.attr in {"X", "Y", "Tooltip"}:
                field = _literal(node.args[0]) or ""
                if " " in field.split(":")[0]:  # a field named in words becomes the title
                    shown.append(node.args[0])
        elif node.func.attr in SHOWN:
            shown += node.args[:1]
            shown += [k.value for k in node.keywords if k.arg in LABEL_KEYWORDS]
        for value in shown:
            text = _literal(value)
            if text is not None and text not in ALLOWED and _words(text):
                found.append((node.lineno, text))
    return found


def test_the_scan_finds_english_labels() -> None:
    source = ('st.button("Save")\nst.text_input(t("x"), help="Type the name")\n'
              'st.markdown(f"**{t(\'a\')}**")\nalt.Y("median days:Q")\n'
              'alt.X("month:O", title=None)\nst.caption(f"Total: {n}")\n')
    assert [line for line, _ in left_in_english(source)] == [1, 2, 4, 6]


def test_no_english_label_is_left_in_the_interface() -> None:
    left = {}
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*.py")):
            for line, text in left_in_english(path.read_text(encoding="utf-8")):
                left[f"{path.relative_to(ROOT)}:{line}"] = text
    assert left == {}
