"""One incident's record drawn as a document for a referral: Markdown, and PDF (fpdf2, with a
core font). Both come from the same outline, so they always say the same: the incident, the
information received, the person's views and wishes, each decision with its reasons, advice
and referrals, the s42 questions, follow-ups, a serious incident's decision, and the
chronology of every step with who and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.rules.incidents import (
    INCIDENT_KIND_WORDS,
    INCIDENT_STATUS_WORDS,
    SEVERITY_WORDS,
    BreachStep,
)
from bot.rules.lifecycle import RequestStatus
from bot.rules.safeguarding import (
    AGENCY_WORDS,
    ANSWER_WORDS,
    BREACH_OUTCOME_WORDS,
    HARM_WORDS,
    S42_DECISION_WORDS,
    S42_QUESTIONS,
    SPOKEN_WORDS,
    CharityDecision,
    step_words,
)
from bot.services.incident_record import RecordView

if TYPE_CHECKING:
    from fpdf import FPDF

SUFFIXES = (".md", ".pdf")
KEEP_SAFE = ("Confidential: this holds personal details about people. Keep it safe, share it "
             "only with the agency the referral is to, and delete copies no longer needed.")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    """A paragraph: `label` is Coprod's words, `text` may be anyone's."""

    label: str
    text: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # in the PDF, out of 190 mm


Part = Heading | Para | Table


def _at(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%d %b %Y, %H:%M") if moment else ""


def _or_none(text: str, none: str = "None recorded.") -> str:
    return text.strip() or none


# -- the outline ------------------------------------------------------------------------------
def outline(record: RecordView, tz: tzinfo) -> list[Part]:
    incident = record.incident
    return [
        Heading(f"Incident #{incident.id}: chronology for a referral", 1),
        Para("", KEEP_SAFE),
        Heading("The incident"),
        Para("Kind", INCIDENT_KIND_WORDS[incident.kind]),
        Para("How serious", SEVERITY_WORDS[incident.severity][0]),
        Para("Status", INCIDENT_STATUS_WORDS[incident.status]),
        Para("Reported", f"{_at(incident.created_at, tz)} by {record.reporter}"),
        Para("Someone in immediate danger", "Yes" if incident.danger else "No"),
        Para("Session", incident.session_title or "None given"),
        Para("People involved", ", ".join(incident.involved) or "None named"),
        *([Para("A Slack message was reported", incident.message_ref)]
          if incident.message_ref else []),
        Heading("Information received"),
        Para("What happened", incident.what_happened),
        Para("Already done when reported", _or_none(incident.done_already)),
        *_views_and_wishes(record, tz),
        *_decisions(record, tz),
        *_referrals(record, tz),
        *_s42(record, tz),
        *_follow_ups(record, tz),
        *_serious(record, tz),
        Heading("Chronology"),
        Table(("When", "Step", "Detail", "Who", "Note"), tuple(
            (_at(e.at, tz), step_words(e.step), _mentions(e.detail), e.who or "Coprod",
             _short(e.note))
            for e in record.chronology), (28, 24, 48, 30, 60)),
        *_notes_in_full(record, tz),
    ]


NOTE_IN_TABLE = 240


def _short(note: str | None) -> str:
    """A note as the chronology's table shows it: a cell can't run past a page, so a long
    note is cut there and given in full after the table."""
    if not note:
        return ""
    return note if len(note) <= NOTE_IN_TABLE else note[:NOTE_IN_TABLE] + "... (in full below)"


def _notes_in_full(record: RecordView, tz: tzinfo) -> list[Part]:
    long = [e for e in record.chronology if e.note and len(e.note) > NOTE_IN_TABLE]
    if not long:
        return []
    return [Heading("Notes in full", level=2), *(
        Para(f"{_at(e.at, tz)}, {e.who or 'Coprod'}", e.note or "") for e in long)]


def _mentions(detail: str) -> str:
    """Slack's <@U123> in a step's detail, as the plain id."""
    return re.sub(r"<@([A-Z0-9]+)>", r"\1", detail)


def _views_and_wishes(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("The person's views and wishes")]
    for outcome in record.outcomes:
        parts += [Para("Recorded", f"{_at(outcome.at, tz)} by {outcome.by}"),
                  Para("Spoken with before any action", SPOKEN_WORDS[outcome.spoken]),
                  Para("Their views and wishes", _or_none(outcome.views_and_wishes))]
    return parts if record.outcomes else [*parts, Para("", "No outcome recorded yet.")]


def _decisions(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("Decisions and reasons")]
    for outcome in record.outcomes:
        parts += [Para("Recorded", f"{_at(outcome.at, tz)} by {outcome.by}"),
                  Para("What was done", outcome.what_was_done),
                  Para("Decision", outcome.decision), Para("Reasons", outcome.reasons)]
    if record.s42:
        parts += [Para("Care Act s42 decision",
                       f"{S42_DECISION_WORDS[record.s42.decision]} ({_at(record.s42.at, tz)} "
                       f"by {record.s42.by})"), Para("Reasons", record.s42.reasons)]
    return parts if len(parts) > 1 else [*parts, Para("", "No decision recorded yet.")]


def _referrals(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("Advice and referrals")]
    for referral in record.referrals:
        parts.append(Para(AGENCY_WORDS[referral.agency],
                          f"{_at(referral.at, tz)} by {referral.by}; reference: "
                          f"{_or_none(referral.reference, 'none given')}"))
    return parts if record.referrals else [*parts, Para("", "No referrals recorded.")]


def _s42(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("Care Act s42 questions")]
    check = record.s42
    if check is None:
        return [*parts, Para("", "Asked for safeguarding kinds only; not answered." if
                             record.s42_offered else "Not asked for this kind of incident.")]
    parts.append(Table(("The question", "Answer"), tuple(
        (question, ANSWER_WORDS[answer])
        for question, answer in zip(S42_QUESTIONS, check.answers, strict=True)), (160, 30)))
    return [*parts, Para("Decision", f"{S42_DECISION_WORDS[check.decision]} "
                                     f"({_at(check.at, tz)} by {check.by})"),
            Para("Reasons", check.reasons)]


def _follow_ups(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("Follow-ups")]
    for item in record.follow_ups:
        state = (f"done {_at(item.done_at, tz)}" if item.done_at else
                 "overdue" if item.overdue else "open")
        parts.append(Para(f"{item.who}, by {_at(item.due_at, tz)} ({state})", item.what))
    for task in record.breach_tasks:
        step = "Hiatus review" if task.step is BreachStep.HIATUS_REVIEW else "Talk it through"
        outcome = BREACH_OUTCOME_WORDS[task.outcome] if task.outcome else (
            "acknowledged" if task.status is RequestStatus.ACKNOWLEDGED else "not started")
        by = f" ({task.acted_by})" if task.acted_by else ""
        parts.append(Para(f"{step} with {task.member_name}", f"{outcome}{by}"))
        if task.outcome_note:
            parts.append(Para("Note", task.outcome_note))
    return parts if len(parts) > 1 else [*parts, Para("", "None.")]


def _serious(record: RecordView, tz: tzinfo) -> list[Part]:
    parts: list[Part] = [Heading("Serious incident (the trustees)")]
    serious = record.serious
    if serious is None:
        return [*parts, Para("", "Not marked as possibly serious for the charity.")]
    parts += [Para("Marked possibly serious", f"{_at(serious.marked_at, tz)} by "
                                              f"{serious.marked_by}"),
              Para("Why", "; ".join(HARM_WORDS[h] for h in serious.harms))]
    if serious.decision is CharityDecision.REPORTED:
        parts.append(Para("Reported to the Charity Commission",
                          f"on {serious.reported_on}, reference {serious.reference}"))
    elif serious.decision is CharityDecision.NOT_REPORTED:
        parts.append(Para("Not reported to the Charity Commission, because", serious.reason))
    else:
        parts.append(Para("The trustees' decision", "Not recorded yet."))
    return parts


# -- Markdown ---------------------------------------------------------------------------------
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str) -> str:
    """Anyone's words as text, never as Markdown or HTML (nor a heading, at a line's start)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return "\\" + escaped if escaped.lstrip().startswith("#") else escaped


def to_markdown(parts: list[Part]) -> str:
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Heading):
            lines += [f"{'#' * part.level} {part.text}", ""]
        elif isinstance(part, Para):
            body = "\n".join(_md(line) for line in part.text.splitlines())
            if "\n" in body and part.label:
                lines += [f"**{_md(part.label)}:**", "", *(f"> {line}" for line in
                                                           body.splitlines()), ""]
            else:
                lines += [f"**{_md(part.label)}:** {body}" if part.label else body, ""]
        else:
            def cells(row: tuple[str, ...]) -> str:
                return "| " + " | ".join(_md(" ".join(c.split())) for c in row) + " |"
            lines += [cells(part.header), "|" + "---|" * len(part.header),
                      *(cells(row) for row in part.rows), ""]
    return "\n".join(lines)


def chronology_markdown(record: RecordView, tz: tzinfo) -> str:
    return to_markdown(outline(record, tz))


# -- PDF --------------------------------------------------------------------------------------
# The core fonts hold Latin-1 only: common typography is swapped for its nearest, and anything
# else (an emoji, another script) becomes "?", rather than the export failing.
_PLAINER = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                          "\u2013": "-", "\u2014": "-", "\u2022": "*", "\u2026": "...",
                          "\u00a0": " ", "\u2212": "-"})


def latin1(text: str) -> str:
    return text.translate(_PLAINER).encode("latin-1", "replace").decode("latin-1")


def _document() -> FPDF:
    """An A4 document with "confidential" and the page in its footer. fpdf (with fontTools,
    about 40 MB) is loaded only when a chronology is exported, not by every process."""
    from fpdf import FPDF

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, f"{latin1(self.title or '')} - confidential - page "
                            f"{self.page_no()}", align="C")

    return Document(format="A4")


def to_pdf(parts: list[Part], title: str) -> bytes:
    pdf = _document()
    pdf.set_title(latin1(title))
    pdf.set_creator("Coprod")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for part in parts:
        if isinstance(part, Heading):
            pdf.set_font("Helvetica", "B", 16 if part.level == 1 else 13)
            pdf.ln(3)
            pdf.multi_cell(0, 8, latin1(part.text), new_x="LMARGIN", new_y="NEXT")
        elif isinstance(part, Para):
            # Written as plain runs, never as markup: anyone's words stay just words.
            if part.label:
                pdf.set_font("Helvetica", "B", 10)
                pdf.write(5, latin1(part.label) + ": ")
            pdf.set_font("Helvetica", "", 10)
            pdf.write(5, latin1(part.text))
            pdf.ln(7)
        else:
            _pdf_table(pdf, part)
            pdf.ln(3)
    return bytes(pdf.output())


def _pdf_table(pdf: FPDF, table: Table) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("Helvetica", "", 8)
    with pdf.table(col_widths=table.widths, text_align="LEFT", line_height=4,
                   headings_style=FontFace(emphasis="BOLD")) as drawn:
        for row in (table.header, *table.rows):
            cells = drawn.row()
            for cell in row:
                cells.cell(latin1(cell))


def chronology_pdf(record: RecordView, tz: tzinfo) -> bytes:
    return to_pdf(outline(record, tz), f"Incident #{record.incident.id}: chronology")
