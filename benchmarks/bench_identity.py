"""Repeat-applicant identity matching: index build time and query time over many synthetic
people, and the matcher's quality on the labelled pairs (test split).

    .venv/bin/python benchmarks/bench_identity.py [--people 250000] [--queries 1000] [--seed 11]

The people are generated deterministically from the seed: names from several naming
traditions drawn with a Zipf-like skew (so the blocks of common names are big), dates of
birth with a share of year-only and 1 January defaults. Half of the queries are variants of
indexed people (spelling variants, typos, swapped names, day/month swaps, year only), half
are people who are not in the index.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, summarise, timed  # noqa: E402
from triage.identity import IdentityRecord  # noqa: E402
from triage.identity_eval import (  # noqa: E402
    PAIRS_FILE,
    evaluate_pairs,
    format_report,
    load_pairs,
)
from triage.identity_index import IdentityIndex  # noqa: E402

# (nationalities, family names, male given names, female given names, given names per person)
TRADITIONS = {
    "afghan": (["AFG"], "Ahmadi Rahimi Karimi Haidari Sultani Popal Noori Hashimi Amiri Rezai "
               "Safi Stanikzai Wardak Jalali Sadat Mohammadi Hussaini Nazari Azizi Faizi Habibi "
               "Sharifi Ahmadzai Yousufzai Durrani Barakzai Mansoori Qaderi Sediqi Wahidi",
               "Mohammad Ahmad Ali Hamid Farid Gul Zahir Nasir Wahid Rahim Karim Sayed Jawad "
               "Bilal Omid Hasan Husain Abdul-Rahman Abdullah Ghulam Najib Shafiq Rashid Jamshid "
               "Habib Aziz Khalid Qasim Mahmood Zabihullah Ezatullah Rahmatullah Noor Shah",
               "Fatima Zahra Maryam Nargis Farzana Shabnam Sima Laila Parwana Freshta Mursal "
               "Zainab Roya Hosai Malalai Marzia Gulalai Nadia Soraya Mina", 2),
    "arabic": (["SYR", "IRQ", "SDN", "YEM"], "Al-Hassan Al-Ahmad Haddad Khalil Ibrahim Mansour "
               "Saleh Abdallah Hamdan Al-Khatib Darwish Nasser Youssef Othman Al-Masri Haidar "
               "Al-Najjar Qassem Suleiman Al-Tamimi Jaber Shaker Al-Rashid Mahmoud Awad",
               "Mohammed Ahmed Mahmoud Omar Khaled Youssef Ali Hussein Hassan Abdelaziz Ibrahim "
               "Mustafa Tariq Samir Bassam Walid Rami Fadi Jamal Karim Abdulrahman Osama Anas",
               "Fatima Aisha Mariam Noor Huda Rania Layla Amal Salma Zainab Hanan Samira Dina "
               "Lina Reem Yasmin Rasha", 2),
    "persian": (["IRN"], "Hosseini Mohammadi Rezaei Ahmadi Moradi Karimi Jafari Rahimi Hashemi "
                "Sadeghi Ghasemi Mousavi Heidari Ebrahimi Akbari Abbasi Kazemi Salehi Najafi",
                "Mohammad Ali Reza Hossein Mehdi Amir Hamid Saeed Majid Behrouz Dariush Farhad "
                "Kourosh Babak Omid Hamed Mohsen Alireza Mohammadreza Javad",
                "Fatemeh Zahra Maryam Narges Leila Shirin Parisa Mahsa Neda Sara Azadeh Elham",
                1),
    "somali": (["SOM"], "Mohamed Ahmed Ali Hassan Abdi Omar Farah Yusuf Warsame Jama Abdullahi "
               "Hussein Ismail Osman Nur Aden Abdirahman Mohamud Dahir Egal",
               "Mohamed Abdirahman Abdullahi Ahmed Hassan Ali Omar Yusuf Abdi Ismail Liban "
               "Abdiaziz Mahad Guled Hamza", "Fadumo Hodan Sahra Amina Halima Asha Hawa Ifrah "
               "Ubah Nimco Sagal", 2),
    "eritrean": (["ERI", "ETH"], "Tesfaye Gebremedhin Tekle Haile Berhane Kidane Mehari Asmerom "
                 "Tewelde Ghebreyesus Woldemariam Habte Yohannes Negash",
                 "Yonas Dawit Samuel Filmon Henok Michael Biniam Robel Semere Aron Daniel Tesfalem",
                 "Helen Selam Senait Luwam Feven Rahel Meron Saba Yodit Hiwet", 1),
    "vietnamese": (["VNM"], "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly",
                   "Van Thanh Minh Duc Hung Quang Tuan Anh Long Hai Nam Huy Khanh",
                   "Thi Lan Mai Huong Thu Ha Linh Ngoc Trang Hoa Phuong", 2),
    "chinese": (["CHN"], "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo",
                "Wei Jun Hao Jie Lei Tao Ming Qiang Yong Jian Bo Chao Peng",
                "Fang Jing Li Na Min Yan Xiu Hui Ying Mei Lan Xia", 2),
    "russian": (["RUS", "UZB", "TJK"], "Ivanov Petrov Sidorov Karimov Rakhimov Yusupov "
                "Abdullaev Nazarov Khodjaev Saidov Tursunov Rashidov Mirzoev Aliev Umarov",
                "Rustam Timur Alisher Bakhtiyor Dilshod Sherzod Jamshid Farrukh Ivan Sergei "
                "Dmitri Akmal Ulugbek Sardor", "Dilnoza Gulnara Nigora Malika Zarina Olga "
                "Svetlana Madina Kamila Nodira", 1),
    "turkish": (["TUR"], "Yilmaz Kaya Demir Sahin Celik Yildiz Yildirim Ozturk Aydin Ozdemir "
                "Arslan Dogan Kilic Aslan Cetin Kurt Koc", "Mehmet Mustafa Ahmet Ali Huseyin "
                "Hasan Ibrahim Ismail Osman Yusuf Murat Omer Ramazan Halil Suleyman",
                "Ayse Fatma Emine Hatice Zeynep Elif Meryem Sultan Hanife", 1),
    "south_asian": (["PAK", "BGD", "LKA", "NPL"], "Khan Ahmed Hussain Shah Malik Iqbal Chaudhry "
                    "Butt Rahman Islam Hossain Uddin Begum Akter Perera Fernando Silva Gurung "
                    "Tamang Shrestha Rai", "Muhammad Mohammad Md Abdul Imran Asif Tariq Kamal "
                    "Rafiq Shahid Nadeem Sajid Rahul Suresh Ram Bikash Nuwan Kasun",
                    "Nasreen Shirin Fatema Rokeya Sultana Ayesha Sita Gita Nirmala Dilani", 2),
}
TRADITION_WEIGHTS = {"afghan": 25, "arabic": 20, "persian": 8, "somali": 8, "eritrean": 8,
                     "vietnamese": 7, "chinese": 6, "russian": 6, "turkish": 6, "south_asian": 10}

# spelling variants a clerk meets (used to make queries)
SPELLINGS = [("ou", "u"), ("u", "ou"), ("ee", "i"), ("kh", "h"), ("q", "k"), ("k", "q"),
             ("ph", "f"), ("j", "dj"), ("y", "i"), ("i", "y"), ("ss", "s"), ("s", "ss"),
             ("mm", "m"), ("mohammad", "muhammad"), ("mohammed", "mohamed"), ("ah", "a"),
             ("e", "i"), ("o", "u"), ("w", "v")]


class Traditions:
    def __init__(self) -> None:
        self.items = []
        for name, (nats, fam, male, female, n_given) in TRADITIONS.items():
            self.items.append((name, nats, fam.split(), male.split(), female.split(), n_given))
        self.weights = [TRADITION_WEIGHTS[t[0]] for t in self.items]

    @staticmethod
    def zipf(rng: random.Random, names: list[str], s: float = 1.1) -> str:
        weights = [1.0 / (k + 1) ** s for k in range(len(names))]
        return rng.choices(names, weights)[0]

    def person(self, rng: random.Random, pid: str) -> IdentityRecord:
        _, nats, fams, male, female, n_given = rng.choices(self.items, self.weights)[0]
        sex = "F" if rng.random() < 0.35 else "M"
        pool = female if sex == "F" else male
        k = 1 if rng.random() < 0.4 else n_given
        given = " ".join(self.zipf(rng, pool) for _ in range(k))
        dob: date | None = date(1950, 1, 1) + timedelta(days=rng.randrange(70 * 365))
        year = None
        r = rng.random()
        if r < 0.08:
            dob = date(dob.year, 1, 1)
        elif r < 0.13:
            year, dob = dob.year, None
        return IdentityRecord(id=pid, family_name=self.zipf(rng, fams), given_names=given,
                              date_of_birth=dob, birth_year=year, nationality=rng.choice(nats),
                              sex=sex)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeioun") + word[i + 1:]


def _respell(rng: random.Random, text: str) -> str:
    lowered = text.lower()
    options = [(a, b) for a, b in SPELLINGS if a in lowered]
    if not options:
        return text
    a, b = rng.choice(options)
    return lowered.replace(a, b, 1).title()


def variant(rng: random.Random, rec: IdentityRecord, pid: str) -> IdentityRecord:
    fam, giv = rec.family_name, rec.given_names
    r = rng.random()
    if r < 0.3:
        fam = _respell(rng, fam)
    elif r < 0.5:
        giv = _respell(rng, giv)
    elif r < 0.65:
        fam = _typo(rng, fam)
    elif r < 0.8:
        fam, giv = giv, fam
    dob, year = rec.date_of_birth, rec.birth_year
    r = rng.random()
    if dob is not None and r < 0.15 and dob.day <= 12 and dob.day != dob.month:
        dob = date(dob.year, dob.day, dob.month)
    elif dob is not None and r < 0.3:
        year, dob = dob.year, None
    elif dob is not None and r < 0.4:
        dob = dob + timedelta(days=rng.choice((-1, 1)))
    return IdentityRecord(id=pid, family_name=fam, given_names=giv, date_of_birth=dob,
                          birth_year=year, nationality=rec.nationality, sex=rec.sex)


def sql_search(people: list[IdentityRecord], queries: list[tuple[IdentityRecord, str | None]],
               directory: Path | None) -> None:
    """The case file's search (``identity_links.identity_candidates``) over the same people in
    SQLite: name keys in ``person_name_key``, candidates ranked by shared keys in SQL."""
    from sqlmodel import Session

    from benchmarks._common import fresh_sqlite
    from models import Person, PersonNameKey
    from workbench.core.actor import Actor
    from workbench.intake.identity_links import identity_candidates, name_key_rows

    engine, path = fresh_sqlite(directory)
    everyone = people + [q for q, _ in queries]
    ids = {}

    def load() -> int:
        keys = 0
        with engine.begin() as conn:
            for start in range(0, len(everyone), 5000):
                chunk = everyone[start:start + 5000]
                rows = [{"id": start + k + 1, "family_name": r.family_name or "-",
                         "given_names": r.given_names, "name_original": r.name_original,
                         "date_of_birth": r.date_of_birth, "birth_year": r.birth_year,
                         "sex": r.sex, "nationality": r.nationality, "aliases": [],
                         "languages": [], "version": 1}
                        for k, r in enumerate(chunk)]
                conn.execute(Person.__table__.insert(), rows)
                key_rows = [kr for row in rows for kr in name_key_rows(row)]
                conn.execute(PersonNameKey.__table__.insert(), key_rows)
                keys += len(key_rows)
                for k, r in enumerate(chunk):
                    ids[r.id] = start + k + 1
        return keys

    def open_cases() -> None:
        # the case file searches from a case: each query person has one application
        from datetime import date as _date

        from models import Application
        with engine.begin() as conn:
            conn.execute(Application.__table__.insert(), [
                {"case_number": f"BENCH-{n:05d}", "person_id": ids[q.id],
                 "lodged_date": _date(2025, 1, 6), "office": "TOKYO",
                 "residence_status_at_filing": "TEMPORARY_VISITOR", "state": "RECEIVED"}
                for n, (q, _) in enumerate(queries)])

    load_s, keys = timed(load)
    open_cases()
    print(f"SQLite: {len(everyone):,} people and {keys:,} name keys loaded in {load_s:.1f} s "
          f"({path.stat().st_size / 1e6:.0f} MB)")
    actor = Actor.system("bench")
    times_ms: list[float] = []
    found = known = 0
    with Session(engine) as session:
        for query, _ in queries[:20]:
            identity_candidates(session, actor=actor, person_id=ids[query.id])
        for query, truth in queries:
            elapsed, hits = timed(lambda q=query: identity_candidates(
                session, actor=actor, person_id=ids[q.id], limit=10))
            times_ms.append(elapsed * 1000)
            if truth is not None:
                known += 1
                found += ids[truth] in {h.person_id for h in hits}
            session.expunge_all()
    t = summarise(times_ms)
    print(f"SQLite search, {t['n']} queries: median {t['median']:.1f} ms, p95 {t['p95']:.1f} ms, "
          f"max {t['max']:.1f} ms; true person in top 10 for {found}/{known}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pairs", type=Path, default=PAIRS_FILE)
    parser.add_argument("--sql", action="store_true",
                        help="also time the workbench's search through the person_name_key "
                             "table of a fresh SQLite database holding the same people")
    parser.add_argument("--sql-dir", default=None, help="where to put that database")
    args = parser.parse_args()
    print(f"machine: {machine()}")

    gen = Traditions()
    rng = random.Random(args.seed)
    gen_s, people = timed(lambda: [gen.person(rng, f"p{i}") for i in range(args.people)])
    print(f"generated {len(people):,} people in {gen_s:.1f} s")
    build_s, index = timed(lambda: IdentityIndex(people))
    sizes = index.block_sizes()
    biggest = sizes.most_common(3)
    print(f"index built in {build_s:.1f} s: {len(sizes):,} blocking keys, largest blocks "
          + ", ".join(f"{k} {n:,}" for k, n in biggest))

    qrng = random.Random(args.seed + 1)
    queries: list[tuple[IdentityRecord, str | None]] = []
    for q in range(args.queries):
        if q % 2 == 0:
            source = people[qrng.randrange(len(people))]
            queries.append((variant(qrng, source, f"q{q}"), source.id))
        else:
            queries.append((gen.person(qrng, f"u{q}"), None))
    for query, _ in queries[:20]:  # warm the spelling caches
        index.search(query)

    times_ms: list[float] = []
    cand_counts: list[float] = []
    found_first = found_any = known = 0
    for query, truth in queries:
        elapsed, hits = timed(lambda q=query: index.search(q, limit=10))
        times_ms.append(elapsed * 1000)
        cand_counts.append(len(index.candidates(query)))
        if truth is not None:
            known += 1
            ids = [r.id for r, _ in hits]
            found_any += truth in ids
            found_first += bool(ids) and hits[0][1].score == max(
                m.score for r, m in hits if r.id == truth) if truth in ids else 0
    t = summarise(times_ms)
    c = summarise(cand_counts)
    print(f"{t['n']} queries ({known} variants of indexed people, {t['n'] - known} unseen): "
          f"median {t['median']:.1f} ms, p95 {t['p95']:.1f} ms, max {t['max']:.1f} ms")
    print(f"candidates per query: median {c['median']:.0f}, p95 {c['p95']:.0f}, "
          f"max {c['max']:.0f}")
    print(f"variants: true person in top 10 for {found_any}/{known}, ranked first (or tied) "
          f"for {found_first}/{known}")

    if args.sql:
        sql_search(people, queries, Path(args.sql_dir) if args.sql_dir else None)

    if args.pairs.exists():
        for split in ("dev", "test"):
            pairs = load_pairs(args.pairs, split)
            if pairs:
                print(format_report(evaluate_pairs(pairs), f"pairs {split}: "))
    else:
        print(f"no pair file at {args.pairs}")


if __name__ == "__main__":
    main()
