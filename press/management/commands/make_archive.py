"""Fills a database of its own with a large synthetic archive, for benchmarks: the real story first, then
(by default) 100,000 pieces of coverage with text, 2,000 outlets, 10,000 people, 5,000 places and 200,000
quotes, each quote cited to a passage of its piece's text.

Every synthetic row is created by the user "synthetic-archive" and has a slug starting "synthetic-"; the same
seed makes the same archive. It refuses the real database: the target is emptied first.
"""

import datetime
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from config.routing import reading_from
from editorial.models import PublicationStatus
from people.models import Neighbourhood, Person, Place
from press.models import Coverage, DatePrecision, Outlet, Passage, Quote, Work

SYNTHETIC_USER = "synthetic-archive"
SIZES = {"coverage": 100_000, "outlets": 2_000, "people": 10_000, "places": 5_000, "quotes": 200_000}
BATCH = 2_000


def word_list(text):
    """The words of text (str), split on white space, as a tuple."""
    return tuple(text.split())


FIRST_NAMES = word_list(
    "Ada Ana Ben Cal Cleo Dev Eli Emma Ezra Finn Gia Hana Ian Ines Jon June Kai Kira Leo Lina Max Mia Nia "
    "Noa Omar Pia Quin Rae Rosa Sam Sara Teo Uma Val Vera Wes Yara Zoe Ari Bo Cy Dana Eva Gus Ivy Joss Lev "
    "Mae Ned Oli Pax Remy Sol Tess Ulla Vic Wren Xan Yuri Zed Alma Bram Cora Dax Edie Fern Gray Hal Iris "
    "Jude Kit Lou Mika Nell Otto Pim Rex Sage Tam Una Vito Wim Yael Zia Abe Bea Coco Dido Enzo Flo Gil Hux "
    "Ida Jem Kaz Lux"
)
LAST_NAMES = word_list(
    "Abbott Baines Carrow Dunmore Ellery Farrant Garnier Holloway Ibarra Jessop Kowal Lindqvist Marchetti "
    "Nakamura Okafor Pellegrin Quarles Rasmussen Santoro Thibault Underhill Valdez Whitcombe Yilmaz Zeller "
    "Ashdown Brandt Castell Delacroix Esposito Fairweather Gallo Harker Iverson Janssen Kearney Larkin "
    "Moreau Novak Oyelaran Pryce Quimby Renard Salazar Tanaka Ulrich Varga Weller Yoon Zamora Aldana Beck "
    "Corbin Drake Eastman Fiore Greer Haddad Imrie Joubert Kline Lowry Mercer Nolan Ortega Paige Rhee "
    "Stroud Tolland Upton Vance Ward Young Zhou Amato Bishop Cruz Dunn Ellis Ford Grant Hale Irving Jones "
    "Kerr Lane Moss Nash Orr Pike Reyes Shaw Tate Usher"
)
COMMON_WORDS = word_list(
    "the a of and to in is it that was for on with as at by this from film kiss first strangers video "
    "director fashion label wren clothing short black white twenty pairs viral views million people "
    "camera moment week love awkward intimate real actors models musicians watched online shared"
)
OUTLET_WORDS = word_list(
    "Daily Weekly Evening Morning Sunday Global Metro City Coast Valley Harbor Northern Southern Pacific "
    "Atlantic Central Independent Free National Review Ledger Herald Courier Gazette Observer Chronicle "
    "Journal Post Times Tribune Standard Record Mirror Dispatch Examiner Sentinel Monitor Bulletin"
)
PLACE_WORDS = word_list("Cafe Books Shop Kitchen Gallery")
SYLLABLES = word_list(
    "ka ve lo mi ra sun tor bel dra fen gi hol jas kri lum mor nas pel qui ros tam ul vin wex yor zu"
)


def synthetic_words(rng, count):
    """Made-up words, so that a search for one finds a realistic few pieces rather than all of them."""
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Command(BaseCommand):
    """manage.py make_archive [--database ALIAS] [--seed N] [--scale F]: see the module's docstring.

    Out: one line with the counts made and the time taken (seconds). CommandError for an unknown alias, the
    real database (default, or the same NAME), or a scale outside (0, 1].
    """

    help = "Makes a large synthetic archive in its own database (default alias: archive), from a seed."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="archive", help="A database alias other than default.")
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="A fraction of the full size, e.g. 0.01 for a quick look.",
        )

    def handle(self, *args, database, seed, scale, **options):
        if database not in connections:
            raise CommandError(f"There is no database “{database}” in settings.DATABASES.")
        default_name = connections["default"].settings_dict["NAME"]
        if database == "default" or connections[database].settings_dict["NAME"] == default_name:
            raise CommandError("The synthetic archive never goes into the real database: choose another one.")
        if not 0 < scale <= 1:
            raise CommandError("--scale is a fraction above 0 and at most 1.")
        self.database, self.rng, started = database, random.Random(seed), time.monotonic()
        sizes = {name: max(1, round(size * scale)) for name, size in SIZES.items()}

        with reading_from(database):
            self.prepare(database)
            self.fill(database, sizes)
        self.stdout.write(
            f"Made {', '.join(f'{count:,} {name}' for name, count in sizes.items())} in “{database}” "
            f"(seed {seed}) in {time.monotonic() - started:.0f} s."
        )

    def fill(self, database, sizes):
        """Creates the synthetic user and every synthetic row in one transaction on database, then ANALYZE."""
        with transaction.atomic(using=database):
            self.user = (
                get_user_model().objects.db_manager(database).create_user(SYNTHETIC_USER, is_active=False)
            )
            self.vocabulary = synthetic_words(self.rng, 6000)
            outlets = self.make_outlets(sizes["outlets"])
            people = self.make_people(sizes["people"])
            self.make_places(sizes["places"])
            coverage = self.make_coverage(sizes["coverage"], outlets, people)
            self.make_quotes(sizes["quotes"], coverage, people)
        self.analyze(database)

    def prepare(self, database):
        """An empty, migrated database holding the real story, which the synthetic rows surround."""
        self.create_if_missing(database)
        call_command("migrate", database=database, verbosity=0, interactive=False)
        call_command("flush", database=database, verbosity=0, interactive=False)
        call_command("load_story", database=database, verbosity=0, stdout=self.stdout)

    def create_if_missing(self, database):
        """Creates the PostgreSQL database of the alias when it cannot be connected to (the role needs
        CREATEDB); on any other database the connection error is raised.
        """
        connection = connections[database]
        try:
            connection.ensure_connection()
        except OperationalError:
            if connection.vendor != "postgresql":
                raise
            # The role needs CREATEDB, as for the test database.
            name = connection.settings_dict["NAME"]
            with connections["default"].cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            self.stdout.write(f"Created the database “{name}”.")

    def save(self, model, rows):
        """bulk_create of rows (model instances) on the target database, BATCH at a time; returns them with
        their keys.
        """
        return model.objects.using(self.database).bulk_create(rows, batch_size=BATCH)

    def stamp(self, **fields):
        """fields with the audit fields set: made and changed now (UTC) by the synthetic user."""
        now = timezone.now()
        return {
            "created_by": self.user,
            "updated_by": self.user,
            "created_at": now,
            "updated_at": now,
            **fields,
        }

    def published(self, **fields):
        """stamp() of fields with a status: published, or one time in twenty a draft."""
        # One row in twenty is a draft: the public pages must leave it out at any size.
        status = PublicationStatus.DRAFT if self.rng.random() < 0.05 else PublicationStatus.PUBLISHED
        return self.stamp(status=status, **fields)

    def sentence(self, length):
        """A capitalised sentence of length words (common words and made-up ones), ending with a full stop."""
        rng, vocabulary = self.rng, self.vocabulary
        # Zipf-like: common words everywhere, each made-up word in a small share of the pieces.
        words = [
            rng.choice(COMMON_WORDS)
            if rng.random() < 0.45
            else vocabulary[int(rng.paretovariate(1.1)) % 6000]
            for _ in range(length)
        ]
        return " ".join(words).capitalize() + "."

    def make_published(self, model, count, fields):
        """count new rows of model, published but one in twenty (see published()); fields(n) gives the n-th
        row's own fields as a dict. Saved in batches; returns the rows."""
        return self.save(model, [model(**self.published(**fields(n))) for n in range(count)])

    def make_outlets(self, count):
        """count synthetic outlets; returns them."""
        kinds = [kind for kind, _ in Outlet.Kind.choices]
        return self.make_published(
            Outlet,
            count,
            lambda n: {
                "name": f"The {self.rng.choice(OUTLET_WORDS)} {self.vocabulary[n % 6000].title()} {n}",
                "slug": f"synthetic-outlet-{n}",
                "kind": self.rng.choice(kinds),
            },
        )

    def make_people(self, count):
        """count synthetic people with distinct slugs, names cycling through FIRST_NAMES x LAST_NAMES."""

        def person(n):
            """The fields of the n-th person."""
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            last = LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
            return {
                "name": f"{first} {last}",
                "slug": f"synthetic-{first.lower()}-{last.lower()}-{n}",
                "sort_name": f"{last}, {first}",
                "description": self.sentence(8)[:200],
            }

        return self.make_published(Person, count, person)

    def make_places(self, count):
        """count synthetic places, each in one of the story's neighbourhoods."""
        categories = [category for category, _ in Place.Category.choices]
        neighbourhoods = list(Neighbourhood.objects.using(self.database))
        return self.make_published(
            Place,
            count,
            lambda n: {
                "name": f"{self.vocabulary[(n * 7) % 6000].title()} {self.rng.choice(PLACE_WORDS)} {n}",
                "slug": f"synthetic-place-{n}",
                "category": self.rng.choice(categories),
                "neighbourhood": self.rng.choice(neighbourhoods),
            },
        )

    def make_coverage(self, count, outlets, people):
        """count synthetic pieces (no Q&A), dated by the day from 10 March 2014 over ten years, each with
        an author, up to two people mentioned and, three times in ten, the film; returns the pieces.
        """
        rng = self.rng
        kinds = [kind for kind, _ in Coverage.Kind.choices if kind != Coverage.Kind.QA]
        stances = [stance for stance, _ in Coverage.Stance.choices]
        start = datetime.date(2014, 3, 10)
        pieces = []
        for n in range(count):
            text = " ".join(self.sentence(rng.randint(10, 18)) for _ in range(rng.randint(8, 14)))
            outlet = rng.choice(outlets)
            pieces.append(
                Coverage(
                    **self.published(
                        headline=self.sentence(rng.randint(5, 10))[:-1],
                        slug=f"synthetic-coverage-{n}",
                        outlet=outlet,
                        outlet_name=outlet.name,  # bulk_create sends no pre_save
                        kind=rng.choice(kinds),
                        stance=rng.choice(stances),
                        summary=" ".join(self.sentence(rng.randint(8, 14)) for _ in range(2)),
                        text=text,
                        date=start + datetime.timedelta(days=rng.randint(0, 3650)),
                        date_precision=DatePrecision.DAY,
                    )
                )
            )
        pieces = self.save(Coverage, pieces)

        film = Work.objects.using(self.database).get(slug=settings.FILM_SLUG)
        authors, mentions, films = [], [], []
        for piece in pieces:
            authors.append(Coverage.authors.through(coverage_id=piece.pk, person_id=rng.choice(people).pk))
            for person in {rng.choice(people).pk for _ in range(2)}:
                mentions.append(Coverage.mentioned_people.through(coverage_id=piece.pk, person_id=person))
            if rng.random() < 0.3:
                films.append(Coverage.mentioned_works.through(coverage_id=piece.pk, work_id=film.pk))
        self.save(Coverage.authors.through, authors)
        self.save(Coverage.mentioned_people.through, mentions)
        self.save(Coverage.mentioned_works.through, films)
        return pieces

    def make_quotes(self, count, pieces, people):
        """Each quote cites a passage: a sentence of its piece's text, quoted whole."""
        per_piece = max(1, count // len(pieces))
        made = 0
        for start in range(0, len(pieces), BATCH):
            passages, quotes = [], []
            for piece in pieces[start : start + BATCH]:
                sentences = piece.text.split(". ")
                for number in range(min(per_piece, count - made)):
                    words = sentences[number % len(sentences)].rstrip(".") + "."
                    passages.append(
                        Passage(**self.stamp(coverage=piece, slug=f"synthetic-{number}", text=words))
                    )
                    quotes.append((piece, words))
                    made += 1
            saved = self.save(Passage, passages)
            self.save(
                Quote,
                [
                    Quote(
                        **self.stamp(
                            coverage=piece, passage=passage, speaker=self.rng.choice(people), words=words
                        )
                    )
                    for passage, (piece, words) in zip(saved, quotes, strict=True)
                ],
            )

    def analyze(self, database):
        """Runs ANALYZE on database so that its planner knows the new tables' sizes."""
        with connections[database].cursor() as cursor:
            cursor.execute("ANALYZE")
