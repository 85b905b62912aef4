"""`coprod involvement export`: the CSV finance pays from, its columns, and plain words with a
non-zero exit for anything that can't be used."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli_involvement import involvement_cli
from bot.rules.expenses import ClaimForm
from bot.rules.involvement import ClaimKind, ClaimStatus, PaymentChoice
from bot.wiring import Runtime
from tests.conftest import DATA_KEY
from tests.handlers.test_expenses import COORDINATOR, FACILITATOR, MEMBER, agreed_work

COLUMNS = ["claim", "date", "name", "opportunity", "kind", "amount_gbp", "what_for", "status",
           "approved_by", "payment_choice"]


@pytest.fixture
def run(database_url: str, members: Runtime) -> CliRunner:
    return CliRunner(env={"DATABASE_URL": database_url, "COPROD_DATA_KEY": DATA_KEY,
                          "COPROD_TIMEZONE": "Europe/London"})


@pytest.fixture
def three_claims(members: Runtime) -> list[int]:
    """Fin's expenses (approved), Fin's fee, taking less (paid), Bram's expenses (waiting)."""
    expenses = members.services.expenses
    fins = agreed_work(members, MEMBER, choice=PaymentChoice.TAKE_LESS, taken_pence=5000)
    brams = agreed_work(members, FACILITATOR, title="=Consultation")
    made = [
        expenses.claim(MEMBER, ClaimForm(fins, ClaimKind.EXPENSES, "12.50", "Bus fares")).id,
        expenses.claim(MEMBER, ClaimForm(fins, ClaimKind.FEE, "50", "")).id,
        expenses.claim(FACILITATOR, ClaimForm(brams, ClaimKind.EXPENSES, "3", "@tea")).id,
    ]
    expenses.decide(made[0], COORDINATOR, ClaimStatus.APPROVED)
    expenses.decide(made[1], COORDINATOR, ClaimStatus.APPROVED)
    expenses.decide(made[1], COORDINATOR, ClaimStatus.PAID)
    return made


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_export_has_what_finance_needs(run: CliRunner, three_claims: list[int],
                                          tmp_path: Path) -> None:
    out = tmp_path / "approved.csv"
    result = run.invoke(involvement_cli, ["export", "--out", str(out), "--since", "2026-11-01",
                                          "--until", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 approved claim(s) from 2026-11-01 to 2026-11-30" in result.output
    header, *rows = rows_of(out)
    assert header == COLUMNS
    assert rows == [[str(three_claims[0]), "2026-11-23", "Fin Rowe", "Interview panel",
                     "Expenses", "12.50", "Bus fares", "approved", "Ada Brightwater", ""]]

    every = tmp_path / "all.csv"
    result = run.invoke(involvement_cli, ["export", "--out", str(every), "--status", "all",
                                          "--since", "2026-11-01", "--until", "2026-11-30"])
    assert result.exit_code == 0, result.output
    _, *rows = rows_of(every)
    assert [r[0] for r in rows] == [str(c) for c in three_claims]
    fee = rows[1]
    assert fee[4:] == ["The agreed fee", "50.00", "", "paid", "Ada Brightwater", "take less"]
    waiting = rows[2]
    # Words a spreadsheet would run as a formula stay words; nobody approved it yet.
    assert waiting[2:4] == ["Bram Okonkwo", "'=Consultation"]
    assert waiting[6:9] == ["'@tea", "claimed", ""]

    paid = tmp_path / "paid.csv"
    assert run.invoke(involvement_cli, ["export", "--out", str(paid), "--status", "paid",
                                        "--since", "2026-11-01"]).exit_code == 0
    assert [r[7] for r in rows_of(paid)[1:]] == ["paid"]

    before = tmp_path / "before.csv"
    assert run.invoke(involvement_cli, ["export", "--out", str(before), "--until",
                                        "2026-11-22", "--status", "all"]).exit_code == 0
    assert rows_of(before) == [COLUMNS]


def test_by_default_every_approved_claim_still_to_pay_is_exported_however_old(
    run: CliRunner, three_claims: list[int], tmp_path: Path
) -> None:
    # Fin's expenses were approved on 23 November 2026: still unpaid after 6 April 2027.
    out = tmp_path / "to-pay.csv"
    result = run.invoke(involvement_cli, ["export", "--out", str(out), "--until", "2027-05-01"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 approved claim(s) made up to 2027-05-01" in result.output
    assert [r[0] for r in rows_of(out)[1:]] == [str(three_claims[0])]
    # Other statuses keep the tax year so far.
    every = tmp_path / "all.csv"
    assert run.invoke(involvement_cli, ["export", "--out", str(every), "--status", "all",
                                        "--until", "2027-05-01"]).exit_code == 0
    assert rows_of(every) == [COLUMNS]
    helped = run.invoke(involvement_cli, ["export", "--help"], terminal_width=200)
    assert "every approved claim not yet paid" in " ".join(helped.output.split())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "last week"], "dates like 2026-04-06"),
        (["--until", "2026-13-01"], "dates like 2026-04-06"),
        (["--since", "2026-12-01", "--until", "2026-11-01"], "please swap them"),
        (["--status", "pending"], "--status"),
    ],
)
def test_bad_input_is_named_and_exits_2(run: CliRunner, tmp_path: Path, args: list[str],
                                        words: str) -> None:
    out = tmp_path / "claims.csv"
    result = run.invoke(involvement_cli, ["export", "--out", str(out), *args])
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_path_that_cannot_be_written_is_named_and_exits_2(run: CliRunner,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "no such folder" / "claims.csv"
    result = run.invoke(involvement_cli, ["export", "--out", str(out)])
    assert result.exit_code == 2
    assert f"Couldn't write {out}" in result.output


def test_without_the_data_key_it_says_so_and_writes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "claims.csv"
    runner = CliRunner(env={"DATABASE_URL": database_url, "COPROD_DATA_KEY": ""})
    result = runner.invoke(involvement_cli, ["export", "--out", str(out)])
    assert result.exit_code == 2
    assert "COPROD_DATA_KEY is not set" in result.output
    assert not out.exists()
