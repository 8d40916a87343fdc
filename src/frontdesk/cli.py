"""The ``frontdesk`` command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from frontdesk.clock import parse_instant

app = typer.Typer(
    help="Frontdesk: an AI receptionist for home-services businesses on ServiceTitan.", no_args_is_help=True
)
console = Console(soft_wrap=True)  # long lines (paths, commands) stay copyable


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date and time (use e.g. 2026-03-09T15:00:00Z)"
        ) from None


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8400,
    db: Annotated[Path | None, typer.Option(help="SQLite file that keeps the data across restarts.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the demo data generator.")] = None,
    customers: Annotated[
        int | None, typer.Option(help="Customers to generate into an empty database.")
    ] = None,
    now: Annotated[
        str | None, typer.Option(help="Freeze the sandbox clock at this instant (RFC 3339).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="YAML file with clients, app keys, limits and faults.")
    ] = None,
) -> None:
    """Run the local ServiceTitan sandbox: the same API shape, auth, limits and errors, with demo data."""
    from frontdesk.sandbox.serve import SandboxOptions, serve

    serve(SandboxOptions(host, port, db, seed, customers, _instant(now), config), console)


def _check_event_loop() -> None:
    from frontdesk.eventloop import EventLoopError, loop_factory

    try:
        loop_factory()
    except EventLoopError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the chat.")] = 8000,
    sandbox_port: Annotated[int, typer.Option(help="Port of the ServiceTitan sandbox.")] = 8400,
    db: Annotated[Path, typer.Option(help="SQLite file for the sandbox's demo data.")] = Path(
        "var/sandbox.sqlite3"
    ),
    customers: Annotated[int, typer.Option(help="Customers to generate on the first run.")] = 300,
) -> None:
    """Everything on embedded defaults: the ServiceTitan sandbox with demo data and the chat in your browser."""
    from frontdesk.web.serve import RunOptions
    from frontdesk.web.serve import demo as run_demo

    _check_event_loop()
    run_demo(
        RunOptions(host=host, port=port, sandbox_port=sandbox_port, sandbox_db=db, customers=customers),
        console,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the chat.")] = 8000,
    profile: Annotated[Path | None, typer.Option(help="The business profile (YAML).")] = None,
    capabilities: Annotated[
        list[Path] | None, typer.Option("--capabilities", help="Extra capability files or folders.")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Where conversations are kept (default: var/frontdesk.sqlite3).")
    ] = None,
) -> None:
    """The chat against your ServiceTitan (FRONTDESK_ST_* settings; check them with `frontdesk doctor`)."""
    from pydantic import ValidationError

    from frontdesk.web.serve import RunOptions
    from frontdesk.web.serve import serve as run_serve

    _check_event_loop()
    try:
        run_serve(
            RunOptions(
                profile=profile,
                host=host,
                port=port,
                database_url=database_url,
                capabilities=list(capabilities or []),
            ),
            console,
        )
    except ValidationError as exc:
        missing = sorted({"FRONTDESK_ST_" + str(e["loc"][0]).upper() for e in exc.errors() if e.get("loc")})
        console.print(f"[red]ServiceTitan settings are missing or invalid:[/red] {', '.join(missing)}")
        console.print("Set them in the environment or a .env file; `frontdesk doctor` explains each one.")
        raise typer.Exit(2) from None


@app.command()
def chat(
    explain: Annotated[
        bool, typer.Option(help="Show the tools run and ServiceTitan calls of each turn.")
    ] = False,
    profile: Annotated[Path | None, typer.Option(help="The business profile (YAML).")] = None,
    db: Annotated[Path, typer.Option(help="SQLite file for the sandbox's demo data.")] = Path(
        "var/sandbox.sqlite3"
    ),
) -> None:
    """Talk with the receptionist in this terminal (on the sandbox's demo data)."""
    import asyncio

    from frontdesk.web.serve import RunOptions, terminal_chat

    asyncio.run(terminal_chat(RunOptions(profile=profile, sandbox_db=db), console, explain))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the business profile.")] = Path(
        "frontdesk.yaml"
    ),
    name: Annotated[str | None, typer.Option(help="The business's name.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a business profile to edit (hours, service area, job-type guidance, emergencies…)."""
    from frontdesk.profile import ProfileError, demo_profile_path, load_profile

    if path.exists() and not force:
        console.print(f"[red]{path} already exists[/red]; use --force to overwrite it.")
        raise typer.Exit(1)
    text = demo_profile_path().read_text(encoding="utf-8")
    if name:
        text = text.replace("name: Capital City Home Services", f"name: {name}", 1)
    text = text.replace(
        "knowledge_dir: knowledge", "knowledge_dir: knowledge  # a folder of markdown documents", 1
    )
    path.write_text(text, encoding="utf-8")
    (path.parent / "knowledge").mkdir(exist_ok=True)
    try:
        load_profile(path)
    except ProfileError as exc:  # pragma: no cover - the shipped profile is valid
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Wrote {path}. Edit it, then check it with: frontdesk profile-check {path}")


@app.command("profile-check")
def profile_check(path: Annotated[Path, typer.Argument(help="The business profile to check.")]) -> None:
    """Validate a business profile and say exactly what is wrong with it."""
    from frontdesk.profile import ProfileError, load_profile

    try:
        profile = load_profile(path)
    except ProfileError as exc:
        console.print(f"[red]✗ {exc.path}[/red]")
        for problem in exc.problems:
            console.print(f"  - {problem}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/green] {path}: {profile.name}, {len(profile.job_types)} job types, "
        f"{len(profile.emergencies)} emergency rules, time zone {profile.time_zone}"
    )


@app.command()
def doctor(
    env_file: Annotated[
        Path | None, typer.Option(help="Read FRONTDESK_ST_* settings from this file (default: .env).")
    ] = None,
    sandbox: Annotated[
        bool, typer.Option(help="Check the local sandbox (`frontdesk sandbox`) with its demo client.")
    ] = False,
    sandbox_url: Annotated[
        str | None, typer.Option(help="Where that sandbox listens (implies --sandbox).")
    ] = None,
) -> None:
    """Check a ServiceTitan connection: settings, token, tenant, and every scope the receptionist needs."""
    import asyncio

    from frontdesk.servicetitan.doctor import (
        DEFAULT_SANDBOX_URL,
        print_report,
        run_checks,
        sandbox_settings,
    )

    use_sandbox = sandbox or sandbox_url is not None
    settings = sandbox_settings(sandbox_url or DEFAULT_SANDBOX_URL) if use_sandbox else None
    report = asyncio.run(run_checks(settings, env_file=env_file))
    print_report(report, console)
    raise typer.Exit(report.exit_code)


if __name__ == "__main__":
    app()


@app.command("eval")
def evaluate(
    model: Annotated[
        str | None, typer.Option(help="The receptionist's model (as FRONTDESK_MODEL; default: guided).")
    ] = None,
    trials: Annotated[int, typer.Option(min=1, help="Tries per task; the report gives pass^1…pass^k.")] = 1,
    tasks: Annotated[
        list[str] | None, typer.Option("--tasks", help="Only tasks whose id matches (glob or substring).")
    ] = None,
    faults: Annotated[
        str | None, typer.Option(help="Fault profile for every task: rate-limits, server-errors, timeouts…")
    ] = None,
    customer_model: Annotated[
        str | None,
        typer.Option(
            help="Play the customers with this LLM (default: FRONTDESK_CUSTOMER_MODEL, else scripted)."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes running tasks side by side.")] = 2,
    concurrency: Annotated[int, typer.Option(min=1, help="Trials in flight per process.")] = 4,
    tasks_dir: Annotated[Path | None, typer.Option(help="Folder of task YAML files.")] = None,
    out: Annotated[Path, typer.Option(help="Where to write the JSON results and the report.")] = Path(
        "var/evals"
    ),
    name: Annotated[
        str | None,
        typer.Option(help="File name of the results, without suffix (default: <model>-<tasks>x<trials>)."),
    ] = None,
    min_rate: Annotated[float, typer.Option(help="Exit with status 1 below this pass rate (0–1).")] = 0.0,
) -> None:
    """Run the evaluation tasks: a simulated customer per task, judged on ServiceTitan's end state."""
    import logging
    import os
    import shlex

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from frontdesk.agent.models import ModelConfigError, choose
    from frontdesk.evals.faults import PROFILES
    from frontdesk.evals.report import markdown, to_json, write_json
    from frontdesk.evals.runner import Settings, Trial, run_parallel, tasks_folder
    from frontdesk.evals.tasks import TaskError, load_tasks

    if faults and faults not in PROFILES:
        raise typer.BadParameter(f"choose one of {', '.join(sorted(PROFILES))}", param_hint="--faults")
    try:
        chosen = load_tasks(tasks_dir or tasks_folder(), tasks or [])
        env = dict(os.environ)
        if model:
            env["FRONTDESK_MODEL"] = model
        receptionist = choose(env)
        customer_spec = customer_model or os.environ.get("FRONTDESK_CUSTOMER_MODEL")
        customer = choose({**env, "FRONTDESK_MODEL": customer_spec}) if customer_spec else None
    except (TaskError, ModelConfigError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if not chosen:
        console.print("[red]No task matches.[/red]")
        raise typer.Exit(2)
    settings = Settings(
        model=receptionist,
        customer_model=customer,
        trials=trials,
        faults=faults,
        concurrency=concurrency,
        workers=workers,
    )
    # the engine's own warnings (e.g. an emergency it escalated itself) are in the report, not the progress bar
    engine_log = logging.getLogger("frontdesk")
    level = engine_log.level
    engine_log.setLevel(logging.ERROR)
    try:
        console.print(f"Evaluating {receptionist.label} on {len(chosen)} tasks × {trials} trials")
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            job = bar.add_task("tasks", total=len(chosen) * trials)

            def advance(result: Trial) -> None:
                bar.update(job, advance=1, description=f"{'✓' if result.passed else '✗'} {result.task}")

            results = run_parallel(chosen, settings, advance)
    finally:
        engine_log.setLevel(level)
    given = [("--model", model), ("--trials", trials if trials != 1 else None), ("--faults", faults),
             ("--customer-model", customer_model), ("--out", out), ("--name", name)]  # fmt: skip
    given += [("--tasks", pattern) for pattern in tasks or []]
    command = shlex.join(["frontdesk", "eval", *[str(p) for o, v in given if v is not None for p in (o, v)]])
    data = to_json(results, trials, command, {t.id: t.capability for t in chosen})
    stem = name or f"{receptionist.kind}-{len(chosen)}x{trials}"
    write_json(out / f"{stem}.json", data)
    (out / f"{stem}.md").write_text(markdown(data), encoding="utf-8")
    for k, value in data["pass_hat_k"].items():
        console.print(f"pass^{k}: {value:.1%}")
    for result in results:
        if not result.passed:
            console.print(
                f"[red]✗ {result.task}[/red] (trial {result.trial}): {'; '.join(result.verdict.problems)}"
            )
    console.print(
        f"Pass rate: {data['pass_rate']:.1%} ({data['passed']}/{data['trials']}) · report: {out / stem}.md"
    )
    if data["pass_rate"] < min_rate:
        raise typer.Exit(1)
