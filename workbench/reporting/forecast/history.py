"""What the office's own history says, read as of a day: the inputs of the simulation.

Everything is read with grouped queries over the applications (their milestone dates) and
the status events, so the figures for a day in the past use only what was known then (the
assignment of a case to an inquirer is read as it is now):

- **arrivals**: applications lodged a week over the last 26 weeks, by examining office,
  nationality group and kind (Category B or C or not; third-or-later application or not);
- **capacity**: examinations completed (decisions drafted, less drafts returned) each week of
  the last 26 weeks by the inquirers of each office, and how many inquirers completed any;
- **stage times**: lodging to sorting, and draft to notice, as weekly distributions of the
  last year;
- **withdrawals**: the weekly share of pending first-instance cases withdrawn;
- **review**: the share of decisions brought to review, and rulings a week;
- **the backlog** on the day, by stage, office, kind and lodging month.

The examining office of a case is the office of its inquirer; a case with no inquirer goes
to the office that examines most of the cases of its own office.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from models import Application, SortingCategory, StatusEvent, User
from workbench.core.settings import Settings, get_settings

#: Kinds of application: (Category B or C, third-or-later application).
KINDS = ((False, False), (False, True), (True, False), (True, True))
WEEKS_READ = 26
YEAR_WEEKS = 52
MAX_DELAY_WEEKS = 26
#: Nationality groups named on their own; the rest is "other".
MAX_GROUPS = 8
OTHER = "other"
#: Lodging months kept apart in the backlog; older cases share the oldest month.
MAX_PAST_MONTHS = 120
_BC = (SortingCategory.B.value, SortingCategory.C.value)
_DRAFT = "draft_decision"
_RETURN = "return_draft"
_WITHDRAW = "withdraw"
_REVIEW_FILED = ("file_review", "file_review_inaction")
_RULED = ("record_ruling", "withdraw_review")


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class History:
    """The simulation's inputs. Arrays are indexed by office queue (``queues``), nationality
    group (``groups``), kind (``KINDS``) and lodging month (``first_month`` + i)."""

    as_of: date
    queues: list[str]
    groups: list[str]
    arrivals: np.ndarray  # [Q, N, 4] applications a week
    capacity_weeks: np.ndarray  # [Q, W] examinations completed in each recent week
    inquirers: np.ndarray  # [Q] inquirers who completed any in the recent weeks
    sorting_pmf: np.ndarray  # [L] weeks from lodging to sorting
    approval_pmf: np.ndarray  # [L] weeks from draft to notice
    withdrawal_rate: float  # weekly share of pending first-instance cases withdrawn
    review_share: float  # share of first-instance decisions brought to review
    rulings_weeks: np.ndarray  # [W] reviews ruled (or withdrawn) in each recent week
    first_month: int  # month index of the oldest lodging month in the backlog
    unsorted: np.ndarray  # [Q, 4, M] cases waiting for sorting, by lodging month
    unsorted_age: np.ndarray  # [Q, 4, M] their mean age in weeks
    examination: np.ndarray  # [Q, 4, M] cases sorted and not yet drafted
    approval: np.ndarray  # [Q, 4, M] drafted and not yet served
    review: float  # reviews pending
    #: How much of the examination follows the lodging order: 1 strictly oldest first, 0 in
    #: no relation to age (fitted on the recent drafts, see ``oldest_first_share``).
    oldest_first: float = 1.0
    #: Draw each week's capacity as Poisson around the recent mean, in proportion to the busy
    #: inquirers (a c-server queue), instead of one of the recent weeks.
    poisson_capacity: bool = False
    sorting_median_days: float | None = None
    approval_median_days: float | None = None

    @property
    def months(self) -> int:
        return self.unsorted.shape[2]

    def backlog_now(self) -> dict[str, int]:
        return {"sorting": int(round(self.unsorted.sum())),
                "examination": int(round(self.examination.sum())),
                "approval": int(round(self.approval.sum())),
                "review": int(round(self.review))}


def start_utc(day: date, settings: Settings) -> datetime:
    """The instant the office's ``day`` begins, in UTC."""
    return datetime.combine(day, time(0), tzinfo=settings.zone).astimezone(UTC)


def _pmf(days: list[int], weights: list[int]) -> tuple[np.ndarray, float | None]:
    pmf = np.zeros(MAX_DELAY_WEEKS + 1)
    total = sum(weights)
    if not total:
        pmf[0] = 1.0
        return pmf, None
    ordered = sorted(zip(days, weights, strict=True))
    seen, median = 0, None
    for d, w in ordered:
        pmf[min(max(d, 0) // 7, MAX_DELAY_WEEKS)] += w
        seen += w
        if median is None and seen * 2 >= total:
            median = float(d)
    return pmf / pmf.sum(), median


def read_history(session: Session, as_of: date, settings: Settings | None = None) -> History:
    """The inputs of a forecast made on the morning of ``as_of``: nothing that happened on
    that day or later is read."""
    settings = settings or get_settings()
    a, u, e = Application, User, StatusEvent
    as_of_utc = start_utc(as_of, settings)
    read_from = as_of - timedelta(weeks=WEEKS_READ)
    year_from = as_of - timedelta(weeks=YEAR_WEEKS)
    read_from_utc = start_utc(read_from, settings)
    year_from_utc = start_utc(year_from, settings)
    sorted_then = and_(a.sorted_on.is_not(None), a.sorted_on < as_of)
    bc = and_(sorted_then, a.sorting_category.in_(_BC))
    repeat = a.application_number >= 3

    # Nationality groups: the most frequent of the last year, the rest together.
    by_nationality = session.execute(
        select(a.nationality, func.count()).where(a.lodged_date >= year_from,
                                                  a.lodged_date < as_of)
        .group_by(a.nationality)).all()
    ranked = sorted(((n or "", c) for n, c in by_nationality), key=lambda r: (-r[1], r[0]))
    named = [n for n, _ in ranked if n][:MAX_GROUPS]
    groups = [*named, OTHER]
    group_of = {n: i for i, n in enumerate(named)}

    def group(nationality: str | None) -> int:
        return group_of.get(nationality or "", len(named))

    # Which office examines the cases of each office (for cases not yet assigned).
    cover: dict[str, Counter] = defaultdict(Counter)
    for office, examining, count in session.execute(
            select(a.office, u.office, func.count())
            .join(u, u.id == a.assigned_inquirer_id)
            .where(a.lodged_date < as_of, u.office.is_not(None))
            .group_by(a.office, u.office)).all():
        cover[office][examining] += count
    examined_by = {office: counts.most_common(1)[0][0] for office, counts in cover.items()}

    # Capacity: examinations completed a week by each office's inquirers.
    done = (session.execute(
        select(u.office, e.actor_id, e.action, e.occurred_at)
        .join(u, u.id == e.actor_id)
        .where(e.action.in_((_DRAFT, _RETURN)), e.occurred_at >= read_from_utc,
               e.occurred_at < as_of_utc)).all())
    returned_by: dict[int, int] = Counter()
    capacity_rows: list[tuple[str, int, int]] = []
    drafters: dict[str, set[int]] = defaultdict(set)
    for office, actor_id, action, moment in done:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        week = min(WEEKS_READ - 1, max(0, (moment - read_from_utc).days // 7))
        if action == _DRAFT:
            capacity_rows.append((office or "", week, 1))
            drafters[office or ""].add(actor_id)
        else:
            returned_by[office or ""] += 1

    queues = sorted({*drafters, *examined_by.values()})
    # Cases in an office nobody examines go to the office examining most of its cases.
    lodged_offices = {o for (o,) in session.execute(
        select(a.office).where(a.lodged_date < as_of).group_by(a.office)).all()}
    busiest = max(drafters, key=lambda o: len(drafters[o])) if drafters else None
    for office in lodged_offices:
        if office not in examined_by:
            examined_by[office] = office if office in drafters or not busiest else busiest
    queues = sorted({*queues, *examined_by.values()})
    q_of = {q: i for i, q in enumerate(queues)}
    capacity = np.zeros((len(queues), WEEKS_READ))
    for office, week, count in capacity_rows:
        if office in q_of:
            capacity[q_of[office], week] += count
    for office, count in returned_by.items():
        if office in q_of:
            capacity[q_of[office]] -= count / WEEKS_READ
    capacity = np.clip(capacity, 0, None)
    inquirers = np.array([len(drafters.get(q, ())) for q in queues], dtype=float)

    def queue_index(examining: str | None, office: str) -> int:
        target = examining or examined_by.get(office, office)
        if target not in q_of:
            target = examined_by.get(office, queues[0] if queues else office)
        return q_of.get(target, 0)

    # Arrivals: lodged over the last 26 weeks; category from sorting done before as_of.
    kind_counts = np.zeros((max(len(queues), 1), len(groups), 2, 3))  # bc / other / unsorted
    for examining, office, nationality, is_bc, is_sorted, is_repeat, count in session.execute(
            select(u.office, a.office, a.nationality, bc, sorted_then, repeat, func.count())
            .select_from(a).outerjoin(u, u.id == a.assigned_inquirer_id)
            .where(a.lodged_date >= read_from, a.lodged_date < as_of)
            .group_by(u.office, a.office, a.nationality, bc, sorted_then, repeat)).all():
        slot = 0 if is_bc else (1 if is_sorted else 2)
        kind_counts[queue_index(examining, office), group(nationality), int(bool(is_repeat)),
                    slot] += count
    share_bc = _bc_share(kind_counts)
    arrivals = np.zeros((max(len(queues), 1), len(groups), 4))
    for r in (0, 1):
        sorted_bc = kind_counts[:, :, r, 0] + kind_counts[:, :, r, 2] * share_bc[:, None, r]
        sorted_other = kind_counts[:, :, r, 1] + kind_counts[:, :, r, 2] * (
            1 - share_bc[:, None, r])
        arrivals[:, :, KINDS.index((True, bool(r)))] = sorted_bc / WEEKS_READ
        arrivals[:, :, KINDS.index((False, bool(r)))] = sorted_other / WEEKS_READ

    # Stage times.
    sort_rows = session.execute(
        select(a.sorted_on, a.lodged_date, func.count())
        .where(a.sorted_on >= year_from, a.sorted_on < as_of)
        .group_by(a.sorted_on, a.lodged_date)).all()
    sorting_pmf, sorting_median = _pmf([(s - lodged).days for s, lodged, _ in sort_rows],
                                       [c for *_, c in sort_rows])
    last_draft = (select(e.application_id, func.max(e.occurred_at).label("drafted"))
                  .where(e.action == _DRAFT, e.occurred_at < as_of_utc)
                  .group_by(e.application_id).subquery())
    approval_rows = session.execute(
        select(a.decided_on, last_draft.c.drafted)
        .join(last_draft, last_draft.c.application_id == a.id)
        .where(a.decided_on >= read_from, a.decided_on < as_of)).all()
    approval_days = []
    for decided, drafted in approval_rows:
        if drafted.tzinfo is None:
            drafted = drafted.replace(tzinfo=UTC)
        approval_days.append((decided - drafted.astimezone(settings.zone).date()).days)
    approval_pmf, approval_median = _pmf(approval_days, [1] * len(approval_days))

    # The backlog on the day, by stage.
    withdrawn = exists().where(e.application_id == a.id, e.action == _WITHDRAW,
                               e.occurred_at < as_of_utc)
    def events_before(action: str):  # noqa: ANN202
        return (select(func.count()).select_from(e)
                .where(e.application_id == a.id, e.action == action, e.occurred_at < as_of_utc)
                .correlate(a).scalar_subquery())

    # drafted and not returned since (a returned draft is examined again)
    drafted_then = events_before(_DRAFT) > events_before(_RETURN)
    pending = (a.lodged_date < as_of) & or_(a.decided_on.is_(None), a.decided_on >= as_of)
    rows = session.execute(
        select(u.office, a.office, a.lodged_date, bc, sorted_then, repeat, drafted_then,
               func.count())
        .select_from(a).outerjoin(u, u.id == a.assigned_inquirer_id)
        .where(pending, ~withdrawn)
        .group_by(u.office, a.office, a.lodged_date, bc, sorted_then, repeat,
                  drafted_then)).all()
    last_month = month_index(as_of)
    oldest = min((month_index(r[2]) for r in rows), default=last_month)
    first_month = max(oldest, last_month - MAX_PAST_MONTHS)
    months = last_month - first_month + 1
    shape = (max(len(queues), 1), 4, months)
    unsorted, unsorted_age = np.zeros(shape), np.zeros(shape)
    examination, approval = np.zeros(shape), np.zeros(shape)
    for examining, office, lodged, is_bc, is_sorted, is_repeat, is_drafted, count in rows:
        qi = queue_index(examining, office)
        m = max(month_index(lodged), first_month) - first_month
        r = bool(is_repeat)
        if not is_sorted:
            age = (as_of - lodged).days / 7
            for b, share in ((True, share_bc[qi, int(r)]), (False, 1 - share_bc[qi, int(r)])):
                k = KINDS.index((b, r))
                unsorted[qi, k, m] += count * share
                unsorted_age[qi, k, m] += count * share * age
            continue
        k = KINDS.index((bool(is_bc), r))
        (approval if is_drafted else examination)[qi, k, m] += count
    with np.errstate(invalid="ignore", divide="ignore"):
        unsorted_age = np.where(unsorted > 0, unsorted_age / unsorted, 0.0)

    # Withdrawals and reviews.
    withdrawals = session.execute(
        select(func.count()).select_from(e)
        .where(e.action == _WITHDRAW, e.occurred_at >= read_from_utc,
               e.occurred_at < as_of_utc)).scalar_one()
    pending_now = unsorted.sum() + examination.sum()
    withdrawal_rate = (withdrawals / WEEKS_READ / pending_now) if pending_now else 0.0
    decided_year = session.execute(
        select(func.count()).select_from(a)
        .where(a.decided_on >= year_from, a.decided_on < as_of)).scalar_one()
    filed_year = session.execute(
        select(func.count()).select_from(e)
        .where(e.action.in_(_REVIEW_FILED), e.occurred_at >= year_from_utc,
               e.occurred_at < as_of_utc)).scalar_one()
    review_share = min(1.0, filed_year / decided_year) if decided_year else 0.0
    rulings = np.zeros(WEEKS_READ)
    for (moment,) in session.execute(
            select(e.occurred_at).where(e.action.in_(_RULED), e.occurred_at >= read_from_utc,
                                        e.occurred_at < as_of_utc)).all():
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        rulings[min(WEEKS_READ - 1, max(0, (moment - read_from_utc).days // 7))] += 1
    review = session.execute(
        select(func.count()).select_from(a)
        .where(a.review_filed_on.is_not(None), a.review_filed_on < as_of,
               or_(a.ruled_on.is_(None), a.ruled_on >= as_of))).scalar_one()

    # How closely the recent drafts followed the lodging order.
    drafted_rows = session.execute(
        select(a.lodged_date, func.count()).join(e, e.application_id == a.id)
        .where(e.action == _DRAFT, e.occurred_at >= start_utc(as_of - timedelta(weeks=13),
                                                                settings),
               e.occurred_at < as_of_utc)
        .group_by(a.lodged_date)).all()
    drafted = np.zeros(months)
    for lodged, count in drafted_rows:
        drafted[max(month_index(lodged), first_month) - first_month] += count
    oldest_first = oldest_first_share(examination.sum(axis=(0, 1)), drafted)

    return History(
        as_of=as_of, queues=queues or ["—"], groups=groups, arrivals=arrivals,
        capacity_weeks=capacity if len(queues) else np.zeros((1, WEEKS_READ)),
        inquirers=inquirers if len(queues) else np.zeros(1),
        sorting_pmf=sorting_pmf, approval_pmf=approval_pmf,
        withdrawal_rate=float(min(withdrawal_rate, 0.5)), review_share=float(review_share),
        rulings_weeks=rulings, first_month=first_month, unsorted=unsorted,
        unsorted_age=unsorted_age, examination=examination, approval=approval,
        review=float(review), sorting_median_days=sorting_median,
        approval_median_days=approval_median, oldest_first=oldest_first)


def _bc_share(kind_counts: np.ndarray) -> np.ndarray:
    """Share of Category B or C among the sorted arrivals of each queue and repeat flag
    (over all groups), with the whole office's share where a cell has none sorted."""
    bc = kind_counts[..., 0].sum(axis=1)
    other = kind_counts[..., 1].sum(axis=1)
    total = bc + other
    overall = bc.sum() / total.sum() if total.sum() else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, bc / total, overall)
    return share


def _median_position(counts: np.ndarray) -> float:
    """The lodging month (fractional index) below which half of ``counts`` lie."""
    cum = np.cumsum(counts)
    half = cum[-1] / 2
    i = int(np.searchsorted(cum, half))
    below = cum[i - 1] if i else 0.0
    return i + (half - below) / counts[i] if counts[i] else float(i)


def oldest_first_share(waiting: np.ndarray, drafted: np.ndarray) -> float:
    """The share ``alpha`` of the examinations done in lodging order that best explains the
    recent drafts by lodging month (``drafted``), given the cases that were waiting
    (``waiting`` now, plus those drafted since). The drafts are modelled as ``alpha`` taken
    oldest first and the rest in proportion to what waits; ``alpha`` is the one (in steps
    of 0.02) whose median lodging month is nearest that of the actual drafts, the figure a
    forecast of the time to decision depends on."""
    total = drafted.sum()
    available = waiting + drafted
    if total <= 0 or available.sum() <= 0:
        return 1.0
    before = np.cumsum(available) - available
    fifo = np.clip(total - before, 0, available)
    proportional = available * (total / available.sum())
    target = _median_position(drafted)
    grid = np.linspace(0.0, 1.0, 51)
    gaps = [abs(_median_position(a * fifo + (1 - a) * proportional) - target) for a in grid]
    return float(grid[int(np.argmin(gaps))])


__all__ = ["KINDS", "OTHER", "History", "month_index", "month_start", "read_history",
           "start_utc"]
