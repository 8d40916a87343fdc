"""bench/sandbox.py runs end to end on a small data set and reports every figure (values not checked)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "sandbox.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sandbox", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    spec.loader.exec_module(module)
    return module


def test_bench_prints_generation_lookups_and_throughput(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = load_bench()
    monkeypatch.setattr(bench, "SAMPLES", 25)
    monkeypatch.setattr(bench, "THROUGHPUT_SECONDS", 0.3)
    monkeypatch.setattr(bench, "CONCURRENCY", 2)
    monkeypatch.setattr(sys, "argv", ["sandbox.py", "--customers", "300"])

    bench.main()

    out = capsys.readouterr().out
    counts = re.search(r"([\d,]+) customers, ([\d,]+) jobs, ([\d,]+) appointments", out)
    assert counts is not None, out
    assert counts.group(1) == "300"
    assert int(counts.group(2).replace(",", "")) > 300  # about three jobs per customer
    assert "rate limit raised" in out
    assert "25 random phones and 25 random customers" in out
    # both lookups, each through the client, the app alone and the raw store
    assert out.count("raw store query") == 2
    assert out.count("app alone") == 2
    assert re.search(r"[\d,]+ requests/s .* 0 failed", out), out


def test_quick_means_ten_thousand_customers(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench()
    seen: list[int] = []

    def stop(path: Path, customers: int) -> None:
        seen.append(customers)
        raise SystemExit(0)

    monkeypatch.setattr(bench, "bench_generate", stop)
    monkeypatch.setattr(sys, "argv", ["sandbox.py", "--quick"])
    with pytest.raises(SystemExit):
        bench.main()
    assert seen == [10_000]
