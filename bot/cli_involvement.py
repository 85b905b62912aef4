"""`coprod involvement`: what finance needs from expense and fee claims, as a CSV.

The export is the one place amounts leave Slack: finance pays from it, and keeps it with the
accounts. Claims are marked paid in Slack, by a coordinator, so the person hears."""

from __future__ import annotations

import csv
import enum
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from bot.config import SettingsError, load_settings
from bot.rules.expenses import (
    CLAIM_KIND_WORDS,
    PAYMENT_CHOICE_FOR_FINANCE,
    tax_year_days,
    tax_year_of,
)
from bot.rules.involvement import ClaimKind, ClaimStatus
from bot.services.expenses import FinanceRow
from bot.wiring import build_runtime
from storage.migrate import upgrade

involvement_cli = typer.Typer(help="Involvement: expenses and payments.", no_args_is_help=True)


@involvement_cli.callback()
def involvement() -> None:
    """Involvement: expenses and payments."""

COLUMNS = ["claim", "date", "name", "opportunity", "kind", "amount_gbp", "what_for", "status",
           "approved_by", "payment_choice"]


class Statuses(enum.StrEnum):
    APPROVED = "approved"
    PAID = "paid"
    ALL = "all"


EXPORTED: dict[Statuses, tuple[ClaimStatus, ...]] = {
    Statuses.APPROVED: (ClaimStatus.APPROVED,),
    Statuses.PAID: (ClaimStatus.PAID,),
    Statuses.ALL: tuple(ClaimStatus),
}


class BadInput(ValueError):
    """Something typed on the command line that can't be used; the message says what."""


def export_days(since: str, until: str, today: date,
                status: Statuses = Statuses.APPROVED) -> tuple[date | None, date]:
    """The first and last day asked for. By default the tax year so far (from 6 April); but
    for claims still to pay, no first day: one approved before 6 April is still owed."""
    try:
        last = date.fromisoformat(until) if until else today
        first = (date.fromisoformat(since) if since
                 else None if status is Statuses.APPROVED
                 else tax_year_days(tax_year_of(last))[0])
    except ValueError:
        raise BadInput("Please give dates like 2026-04-06 for --since and --until.") from None
    if first is not None and first > last:
        raise BadInput(f"--since ({first}) is after --until ({last}); please swap them.")
    return first, last


def spreadsheet_safe(value: str) -> str:
    """People's words as a cell that a spreadsheet shows as words, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_row(row: FinanceRow, on: date) -> list[str | int]:
    claim = row.claim
    choice = (PAYMENT_CHOICE_FOR_FINANCE[claim.payment_choice]
              if claim.kind is ClaimKind.FEE and claim.payment_choice else "")
    return [claim.id, on.isoformat(), spreadsheet_safe(claim.claimant_name),
            spreadsheet_safe(claim.opportunity_title), CLAIM_KIND_WORDS[claim.kind],
            f"{claim.amount_pence // 100}.{claim.amount_pence % 100:02d}",
            spreadsheet_safe(claim.what), claim.status.value,
            spreadsheet_safe(row.approved_by), choice]


@involvement_cli.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV.")],
    since: Annotated[str, typer.Option(
        "--since", help="First day, e.g. 2026-04-06 (default: 6 April just gone; for "
                        "--status approved, no first day: every approved claim not yet "
                        "paid, however old).")] = "",
    until: Annotated[str, typer.Option(
        "--until", help="Last day, inclusive (default: today).")] = "",
    status: Annotated[Statuses, typer.Option(
        "--status", help="approved (to pay), paid, or all claims.")] = Statuses.APPROVED,
) -> None:
    """Write the claims finance needs (amounts, names, what for, who approved, and the
    person's payment choice) as a CSV. Keep it as you keep the accounts. By default: every
    approved claim not yet paid, whenever it was made."""
    try:
        settings = load_settings()
        tz = settings.timezone
        first, last = export_days(since, until, datetime.now(tz).date(), status)
    except (SettingsError, BadInput) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    if not settings.coprod_data_key:
        # What each claim was for is stored encrypted: without the key it can't be read.
        typer.echo("COPROD_DATA_KEY is not set, so the claims can't be read. Set it to the key "
                   "the bot runs with (in .env or the environment).", err=True)
        raise typer.Exit(2)
    runtime = build_runtime(settings)
    try:
        upgrade(runtime.engine)
        rows = runtime.services.expenses.finance_rows(
            datetime.combine(first, time.min, tzinfo=tz) if first else None,
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz), EXPORTED[status])
    except OperationalError:
        typer.echo("The database at DATABASE_URL could not be opened.", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.engine.dispose()
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(csv_row(r, r.claim.claimed_at.astimezone(tz).date()) for r in rows)
    except OSError as error:
        typer.echo(f"Couldn't write {out}: {error.strerror or error}.", err=True)
        raise typer.Exit(2) from None
    days = f"from {first} to {last}" if first else f"made up to {last}"
    typer.echo(f"Wrote {len(rows)} {status.value} claim(s) {days} to {out}.")
