"""The `eval` command: score a run's drafts against their stored sources; gate CI and cron."""

from __future__ import annotations

import typer
from rich import box
from rich.table import Table

from newsroom.cli.app import app, console, engine, err_console, print_json, settings
from newsroom.errors import ConfigError
from newsroom.evaluate.entailment import local_entailment
from newsroom.evaluate.models import EvalReport
from newsroom.evaluate.report import evaluate_run, last_run_id

LEGEND = (
    "valid: citations that resolve to a listed source; supp: cited sentences a cited source "
    "supports; cover: factual sentences that cite; quote: quotations found verbatim; src: "
    "listed sources found in the store as listed; lang: source languages; dup: sentences "
    "another draft repeats; w/s: words a sentence; FRE: Flesch reading ease."
)


@app.command("eval")
def eval_run(
    run_id: str = typer.Argument(None, help="The run to score (`newsroom runs` lists them)."),
    last: bool = typer.Option(False, "--last", help="Score the latest run."),
    min_support: float = typer.Option(
        None,
        "--min-support",
        min=0,
        max=1,
        help="Exit 1 when the run's citation support (0 to 1) is below this.",
    ),
    nli_model: str = typer.Option(
        None,
        "--nli-model",
        envvar="NEWSROOM_EVAL_NLI_MODEL",
        help="A local cross-encoder NLI model directory, for an entailment check "
        "(needs sentence-transformers).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score a run's drafts against their stored sources, independently of the fact checker."""
    if (run_id is None) == (not last):
        raise ConfigError("name one run: `newsroom eval RUN_ID` or `newsroom eval --last`")
    store = engine(settings())
    checker, note = local_entailment(nli_model)
    report = evaluate_run(
        store, run_id or last_run_id(store), entailment=checker, entailment_note=note
    )
    if as_json:
        print_json(report)
    else:
        _print_report(report)
    support = report.totals.citation_support
    if min_support is not None and support < min_support:
        err_console.print(
            f"newsroom: citation support {support:.1%} is below --min-support {min_support:.1%}",
            highlight=False,
        )
        raise typer.Exit(1)


def _print_report(report: EvalReport) -> None:
    table = Table(title=f"Run {report.run_id} ({report.engine} engine, topic {report.topic})",
                  title_justify="left", box=box.SIMPLE_HEAD)  # fmt: skip
    table.add_column("draft", no_wrap=True)
    for column in ("valid", "supp", "cover", "quote", "src", "lang", "dup", "w/s", "FRE"):
        table.add_column(column, justify="right", no_wrap=True)
    for d in report.drafts:
        flesch = d.readability.flesch_reading_ease
        table.add_row(
            d.draft_id[:8],
            _pct(d.citation_validity),
            _pct(d.citation_support),
            _pct(d.claim_coverage),
            f"{d.quotes_found}/{d.quoted_sentences}",
            f"{d.sources_matching}/{d.sources_listed}",
            str(len(d.languages)),
            _pct(d.duplication),
            f"{d.readability.avg_sentence_words:.0f}",
            "-" if flesch is None else f"{flesch:.0f}",
        )
    console.print(table)
    console.print(LEGEND, style="dim", highlight=False)
    for d in report.drafts:
        console.print(f"{d.draft_id[:8]}  {d.headline}", highlight=False)
    t = report.totals
    console.print(
        f"Totals over {t.drafts} drafts: citation validity {_pct(t.citation_validity)}, "
        f"support {_pct(t.citation_support)}, claim coverage {_pct(t.claim_coverage)}, "
        f"quote fidelity {_pct(t.quote_fidelity)}, sources as listed "
        f"{_pct(t.source_resolution)}; {t.outlets} outlets in {', '.join(t.languages) or '-'}; "
        f"max duplication {_pct(t.max_duplication)}; {t.avg_sentence_words:.1f} words a "
        f"sentence, Flesch {'-' if t.flesch_reading_ease is None else t.flesch_reading_ease}.",
        highlight=False,
    )
    entailment = "-" if t.entailment_support is None else _pct(t.entailment_support)
    console.print(f"Entailment: {entailment} ({report.entailment}).", highlight=False)
    for d in report.drafts:
        for s in d.scored:
            problem = s.problem or ("factual, cites nothing" if s.factual and not s.cites else "")
            if problem:
                console.print(f"[red]{d.draft_id[:8]}[/red] {problem}: {s.text}", highlight=False)


def _pct(value: float) -> str:
    return f"{value:.0%}"
