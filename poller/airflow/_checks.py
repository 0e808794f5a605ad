"""When an operator's values are checked: as the DAG is parsed, or once Airflow has rendered them.

A value written in the DAG file as it is (a literal) is checked when the operator is built, so
that a mistake is the DAG file's import error. Everything else is checked in ``execute()``,
where a bad value fails the task without retries (``AirflowFailException``): a Jinja template,
an upstream task's output (an XComArg), and every value of a mapped task. Airflow builds a
mapped task's operator only when the task runs (``.partial(...).expand(...)``), from values
that came from upstream XCom: a check in ``__init__`` would then fail the try as any error does,
and the task's retries would repeat the same mistake.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["from_mapped", "refuse_list_as_text", "templated"]

#: What a list, a tuple or a dict looks like once a Jinja template has rendered it as text.
_TEXT_OF_A_CONTAINER: Final = ("[", "(", "{")
#: How much of such a text a message shows.
_SHOWN: Final = 80


def from_mapped(operator: Any) -> bool:
    """Whether Airflow built *operator* for a mapped task, at run time, from expanded values.

    Airflow marks such an operator before its ``__init__`` runs (``MappedOperator.unmap``
    passes ``_airflow_from_mapped=True``, which ``BaseOperator`` keeps in this attribute); its
    own DAG-parsing shortcuts read the same flag.
    """
    return bool(getattr(operator, "_BaseOperator__from_mapped", False))


def templated(value: object) -> bool:
    """Whether Airflow renders *value* before ``execute()``: checked there, not at parse time.

    A Jinja string, or not a string at all (an upstream task's ``.output``, an XComArg).
    """
    return not isinstance(value, str) or "{{" in value


def refuse_list_as_text(name: str, value: object) -> None:
    """Refuse a list (or an answer) that a Jinja template rendered as its text.

    ``"{{ ti.xcom_pull(...) }}"`` renders a list as ``"['eu-west-1', ...]"`` unless the DAG
    renders templates as native objects: no Region name or request ID looks like that, and the
    message says how to pass the list itself.

    Raises:
        ValueError: *value* is text that starts like a list, a tuple or a dict.
    """
    if isinstance(value, str) and value.lstrip().startswith(_TEXT_OF_A_CONTAINER):
        shown = value if len(value) <= _SHOWN else f"{value[: _SHOWN - 3]}..."
        raise ValueError(
            f"{name} rendered as the text {shown!r}, not as a list: a Jinja template renders "
            "text. Pass the upstream task's .output (an XComArg) instead of a template, or "
            "set render_template_as_native_obj=True on the DAG"
        )
