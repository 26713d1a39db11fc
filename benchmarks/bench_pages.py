"""Page render times (server time) with a national-scale caseload.

    .venv/bin/python benchmarks/bench_pages.py --cases 100000 --runs 15

Loads ``--cases`` demo applications into a fresh SQLite file, then runs the Streamlit
script with ``AppTest`` (the same script the server runs, without the browser) and times
each rerun of: an inquirer's "My cases", a case file, and the manager's queue. Reference in
the same run: a rerun of the sign-in page, which touches no case data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import demo_database, machine, summarise  # noqa: E402

APP = str(ROOT / "workbench" / "app.py")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database", help="use this SQLite file (already loaded) instead")
    args = parser.parse_args()

    path = demo_database(args.database, args.cases, "wb-bench-pages-")

    from sqlalchemy import func, select
    from streamlit.testing.v1 import AppTest

    from models import Application, User
    from workbench.core.db import make_engine, unit_of_work

    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(engine, write=False) as session:
        inquirer_id = session.execute(select(User.id).where(User.username == "inquirer1")
                                      ).scalar_one()
        own = session.execute(select(func.count()).select_from(Application).where(
            Application.assigned_inquirer_id == inquirer_id)).scalar_one()
        case_id = session.execute(select(Application.id).where(
            Application.assigned_inquirer_id == inquirer_id).order_by(Application.id.desc())
        ).scalars().first()
        total = session.execute(select(func.count()).select_from(Application)).scalar_one()
    engine.dispose()
    print(f"machine: {machine()}")
    print(f"caseload: {total:,} applications; inquirer1 holds {own:,}")

    def sign_in(username: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.text_input[0].input(username)
        at.text_input[1].input(f"{username}-demo-pass")
        at.button[0].click().run()
        assert not at.exception, at.exception
        return at

    def time_reruns(at: AppTest) -> list[float]:
        at.run()  # warm-up
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        return samples

    results: dict[str, dict[str, float]] = {}
    results["sign-in page (reference)"] = summarise(
        time_reruns(AppTest.from_file(APP, default_timeout=120)))
    inquirer = sign_in("inquirer1")
    results["My cases (inquirer1)"] = summarise(time_reruns(inquirer))
    assert len(inquirer.dataframe[0].value) == 25, "a full page of the inquirer's cases"
    inquirer.switch_page("../pages/case_file.py")
    inquirer.query_params["case"] = str(case_id)
    results["Case file"] = summarise(time_reruns(inquirer))
    assert not inquirer.error and len(inquirer.expander) >= 5, "the case file with its sections"
    manager = sign_in("manager1")
    results["Cases (manager, all)"] = summarise(time_reruns(manager))
    assert len(manager.dataframe[0].value) == 25, "a full page of all cases"
    manager.switch_page("../pages/queue.py")
    results["Queue (manager)"] = summarise(time_reruns(manager))
    assert manager.title[0].value == "Queue and assignment" and not manager.error

    reference = results["sign-in page (reference)"]["median"]
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'x sign-in':>10}   target")
    for name, stat in results.items():
        target = "" if "reference" in name else "< 1000 ms"
        print(f"{name:<28} {stat['median'] * 1000:>10.0f} {stat['p95'] * 1000:>8.0f} "
              f"{stat['median'] / reference:>10.1f}   {target}")


if __name__ == "__main__":
    main()
