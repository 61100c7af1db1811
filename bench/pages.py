"""Page rendering at two sizes: the inbox and the manager's dashboard on the demo data, then on 100,000
cases bulk-inserted as projection rows (instance + human_task, ~200 schools; the workflow state is a
placeholder, since lists never deserialize workflows). Each figure is the median of N requests through
the Flask test client, signed in; the ratio 100k / demo is what the Performance targets speak about.

    python bench/pages.py [--instances 100000] [--requests 15]          # SQLite in a temporary directory
    TDKT_DATABASE_URL=postgresql+psycopg://…/scratch python bench/pages.py --explain plans.txt
                                            # PostgreSQL (the database is emptied first: use a scratch one);
                                            # --explain writes EXPLAIN ANALYZE of every dashboard query
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import clock  # noqa: E402
from engine.bootstrap import init  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.demo import seed  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.models import Base, HumanTask, Instance, Person, ProcessDefinition, RoleMembership, Unit  # noqa: E402
from engine.plans.repository import create_plan  # noqa: E402
from engine.plans.spec import MilestoneSpec, PlanSpec  # noqa: E402
from webui import create_app  # noqa: E402

PAGES = [("inbox (gv_a1)", "gv_a1", "/inbox"), ("inbox, unclaimed (ht_a)", "ht_a", "/inbox?view=unclaimed"),
         ("dashboard, school (ht_a)", "ht_a", "/dashboard"),
         ("dashboard, district (ld_phong)", "ld_phong", "/dashboard"),
         ("dashboard, province (ld_so)", "ld_so", "/dashboard")]
DISTRICTS, SCHOOLS_PER_DISTRICT, TEACHERS = 10, 20, 5
STATUSES = [("completed", 55), ("running", 38), ("terminated", 4), ("suspended", 2), ("incident", 1)]
# What the dashboard's queries would like (see the report): each keeps its cost proportional to the open
# work or to the last 30 days under the manager, not to the history. `--indexes` creates them to compare.
PROPOSED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_human_task_unit_status_due ON human_task (unit_id, status, due_at)",
    "CREATE INDEX IF NOT EXISTS ix_human_task_ready_due ON human_task (due_at) WHERE status = 'ready'",
    "CREATE INDEX IF NOT EXISTS ix_human_task_unit_completed ON human_task (unit_id, completed_at) "
    "WHERE status = 'completed'",
    "CREATE INDEX IF NOT EXISTS ix_instance_status_unit_progress ON instance (status, unit_id, last_progress_at)",
]


def fresh(url: str) -> Database:
    db = Database(url)
    upgrade(db)
    if db.is_postgres:
        with db.engine.begin() as connection:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    init(db, load_settings())
    seed(db)
    return db


def _ids(connection: Any, table: Any) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _organisation(db: Database) -> tuple[list[int], dict[int, list[int]], dict[int, int]]:
    """~200 schools in 10 districts (the demo's Phòng Hà Đông among them), a principal and five teachers
    each. Returns school ids, people per school, the district of each school."""
    units, people, members = Unit.__table__, Person.__table__, RoleMembership.__table__
    now = clock.now()
    with db.engine.begin() as c:
        so = c.scalar(select(units.c.id).where(units.c.code == "so_hn"))
        phong_hd = c.scalar(select(units.c.id).where(units.c.code == "phong_hd"))
        schools = list(c.scalars(select(units.c.id).where(units.c.kind == "truong")))
        district_of = dict.fromkeys(schools, phong_hd)
        next_unit, next_person = _ids(c, units), _ids(c, people)
        rows, persons, roles = [], [], []
        for d in range(DISTRICTS):
            district = phong_hd if d == 0 else next_unit
            if d:
                rows.append({"id": district, "code": f"b_phong_{d}", "name": f"Phòng GDĐT số {d}", "kind": "phong",
                             "parent_id": so})
                persons.append({"id": next_person, "username": f"b_cv_{d}", "full_name": f"Chuyên viên {d}",
                                "active": True, "failed_logins": 0, "created_at": now})
                roles.append({"person_id": next_person, "role_code": "chuyen_vien_thi_dua", "unit_id": district})
                next_unit, next_person = next_unit + 1, next_person + 1
            for s in range(SCHOOLS_PER_DISTRICT - (2 if d == 0 else 0)):
                rows.append({"id": next_unit, "code": f"b_th_{d}_{s}", "name": f"Trường Tiểu học số {d}-{s}",
                             "kind": "truong", "parent_id": district})
                schools.append(next_unit)
                district_of[next_unit] = district
                next_unit += 1
        c.execute(insert(units), rows)
        c.execute(insert(people), persons)
        c.execute(insert(members), roles)
        persons, roles = [], []
        staff: dict[int, list[int]] = {}
        for school in schools:
            for k in range(TEACHERS + 1):
                persons.append({"id": next_person, "username": f"b_{school}_{k}", "full_name": f"Người {school}-{k}",
                                "active": True, "failed_logins": 0, "created_at": now})
                roles.append({"person_id": next_person, "role_code": "hieu_truong" if k == 0 else "giao_vien",
                              "unit_id": school})
                staff.setdefault(school, []).append(next_person)
                next_person += 1
        c.execute(insert(people), persons)
        c.execute(insert(members), roles)
    return schools, staff, district_of


def _plan(db: Database) -> int:
    now = clock.now()
    spec = PlanSpec(number="BENCH/KH", title="Kế hoạch benchmark", school_year="2025-2026", issuing_unit="so_hn",
                    milestones=[MilestoneSpec("dang_ky", "Nộp hồ sơ đăng ký thi đua", now - timedelta(days=20),
                                              kind="truong", process="dang_ky_thi_dua"),
                                MilestoneSpec("tong_hop", "Tổng hợp đăng ký", now + timedelta(days=25),
                                              kind="truong", process="dang_ky_thi_dua")])
    with db.transaction() as session:
        return create_plan(session, spec).id


def bulk_load(db: Database, count: int, seed_value: int = 7) -> None:
    rng = random.Random(seed_value)
    schools, staff, district_of = _organisation(db)
    plan_id = _plan(db)
    weights = [rng.lognormvariate(0, 0.6) for _ in schools]
    statuses, status_weights = zip(*STATUSES, strict=True)
    now = clock.now()
    with db.engine.begin() as c:
        definition = c.execute(select(ProcessDefinition.id, ProcessDefinition.key)
                               .where(ProcessDefinition.key == "dang_ky_thi_dua")).first()
        next_instance, next_task = _ids(c, Instance.__table__), _ids(c, HumanTask.__table__)
        cases: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        for school in rng.choices(schools, weights, k=count):
            status = rng.choices(statuses, status_weights)[0]
            live = status in ("running", "suspended", "incident")  # open cases are of this term, history of the year
            started = now - timedelta(days=rng.uniform(1, 45 if live else 365))
            progress = started + (now - started) * rng.random()
            cases.append({
                "id": next_instance, "definition_id": definition.id, "definition_key": definition.key,
                "unit_id": school, "title": f"Đăng ký thi đua #{next_instance}", "status": status, "state": "{}",
                "plan_id": plan_id if rng.random() < 0.6 else None, "lock_version": 1, "last_progress_at": progress,
                "started_at": started, "ended_at": progress if status in ("completed", "terminated") else None,
                "incident_task": "Ghi nhận đăng ký" if status == "incident" else None,
                "incident_message": "ZeroDivisionError: division by zero" if status == "incident" else None,
                "incident_at": progress if status == "incident" else None})
            people = staff[school]
            for step in range(rng.randint(1, 3)):
                ready = step == 0 and status in ("running", "suspended")
                at_phong = rng.random() < 0.15
                opened = progress if ready else started
                due = opened + timedelta(days=rng.uniform(5, 45)) if rng.random() < 0.7 else None
                tasks.append({
                    "id": next_task, "instance_id": next_instance, "spiff_task_id": str(uuid.UUID(int=next_task)),
                    "name": "duyet" if step else "dang_ky", "title": "Hiệu trưởng duyệt" if step else "Đăng ký",
                    "role_code": "chuyen_vien_thi_dua" if at_phong else "hieu_truong" if step else "giao_vien",
                    "unit_id": district_of[school] if at_phong else school, "status": "ready" if ready else "completed",
                    "assignee_id": rng.choice(people) if ready and rng.random() < 0.4 else None,
                    "is_orphan": ready and rng.random() < 0.005, "form_key": None, "due_at": due,
                    "created_at": opened, "completed_at": None if ready else min(progress, now),
                    "completed_by_id": None if ready else rng.choice(people)})
                next_task += 1
            next_instance += 1
            if len(cases) >= 5000:
                _flush(c, cases, tasks)
        _flush(c, cases, tasks)
        if db.is_postgres:
            for table in ("instance", "human_task", "unit", "person", "role_membership"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))"))
    settle(db)


def settle(db: Database) -> None:
    """Statistics and (PostgreSQL) the visibility map, as autovacuum leaves a database in steady state."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE" if db.is_postgres else "ANALYZE"))


def add_indexes(db: Database) -> None:
    with db.engine.begin() as c:
        for statement in PROPOSED_INDEXES:
            c.execute(text(statement))
    settle(db)


def _flush(connection: Any, cases: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> None:
    if cases:
        connection.execute(insert(Instance.__table__), cases)
        connection.execute(insert(HumanTask.__table__), tasks)
    cases.clear()
    tasks.clear()


def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/login", data={"username": username, "password": "demo1234", "csrf_token": token})
    assert answer.status_code == 302, f"cannot sign in as {username}"
    return client


def median_ms(client: Any, url: str, requests: int) -> float:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def measure(db: Database, requests: int) -> dict[str, float]:
    app = create_app({"DATABASE_URL": db.url, "TESTING": True, "CLOCK_MODE": "real"})
    clients = {user: signed_in(app, user) for _, user, _ in PAGES}
    return {label: median_ms(clients[user], url, requests) for label, user, url in PAGES}


def explain(db: Database, out: Path) -> None:
    """EXPLAIN ANALYZE of every statement the province dashboard runs (PostgreSQL)."""
    app = create_app({"DATABASE_URL": db.url, "TESTING": True, "CLOCK_MODE": "real"})
    client = signed_in(app, "ld_so")
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = app.extensions["tdkt_db"].engine
    event.listen(engine, "before_cursor_execute", record)
    client.get("/dashboard")
    event.remove(engine, "before_cursor_execute", record)
    with db.engine.connect() as connection, out.open("w") as report:
        connection.execute(text("SET jit = off"))  # as the dashboard's transaction does
        for statement, parameters in seen:
            plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).scalars().all()
            report.write(statement + "\n" + "\n".join(plan) + "\n\n" + "-" * 100 + "\n")
            print(f"  {plan[-1].strip():>32}  {' '.join(statement.split())[:110]}")
    print(f"EXPLAIN ANALYZE of {len(seen)} statements written to {out}")


def run(url: str, label: str, count: int, requests: int, explain_to: Path | None, indexes: bool) -> None:
    started = time.perf_counter()
    db = fresh(url)
    small = measure(db, requests)
    loaded = time.perf_counter()
    bulk_load(db, count)
    with db.engine.connect() as c:
        sizes = c.scalar(select(func.count()).select_from(Instance.__table__)), \
            c.scalar(select(func.count()).select_from(HumanTask.__table__))
    print(f"\n{label}: demo data, then {sizes[0]:,} instances / {sizes[1]:,} task rows "
          f"(bulk load {time.perf_counter() - loaded:.0f} s); median of {requests} requests")
    large = measure(db, requests)
    indexed = {}
    if indexes:
        add_indexes(db)
        indexed = measure(db, requests)
    extra = f" {'+indexes':>10} {'ratio':>7}" if indexed else ""
    print(f"  {'page':34} {'demo':>9} {'large':>9} {'ratio':>7}{extra}")
    for name in small:
        line = f"  {name:34} {small[name]:7.1f}ms {large[name]:7.1f}ms {large[name] / small[name]:6.1f}×"
        if indexed:
            line += f" {indexed[name]:8.1f}ms {indexed[name] / small[name]:6.1f}×"
        print(line)
    if explain_to is not None and db.is_postgres:
        explain(db, explain_to)
    print(f"  ({time.perf_counter() - started:.0f} s in all)")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--explain", type=Path, help="PostgreSQL: write EXPLAIN ANALYZE of the dashboard here")
    parser.add_argument("--indexes", action="store_true", help="measure again with PROPOSED_INDEXES created")
    args = parser.parse_args()
    os.environ.setdefault("TDKT_CLOCK", "real")
    pg = os.environ.get("TDKT_DATABASE_URL", "")
    if pg.startswith("postgresql"):
        run(pg, "PostgreSQL", args.instances, args.requests, args.explain, args.indexes)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/pages.sqlite3", "SQLite", args.instances, args.requests, None, args.indexes)


if __name__ == "__main__":
    main()
