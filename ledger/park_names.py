"""Park names as people write them: catalogue names with or without 内蒙古, short forms like 鄂尔多斯高新区.

A written name is matched to a park of the reporting league only when exactly one park fits; otherwise the
caller gets the closest names of that league to offer the clerk."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

PREFIXES = ("内蒙古自治区", "内蒙古")
SHORT_FORMS = (  # long form -> the short form people write; compared after both sides are shortened
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("工业园区", "工业园"),
    ("产业园区", "产业园"),
)
NOISE = re.compile(r"[\s\-—–－_·•.,，、()（）\[\]【】]")
SUGGESTIONS = 3


@dataclass(frozen=True)
class Park:
    park_id: str
    name: str
    league_code: str


@dataclass(frozen=True)
class ParkMatch:
    park: Park | None  # the one park that fits
    exact: bool = False  # written as in the catalogue (or the park's id)
    candidates: tuple[str, ...] = ()  # several fit: their names; none fits: the closest names
    other_league: str | None = None  # the catalogue name of a park of another league
    ambiguous: bool = False  # several parks of the league fit: candidates are they


def _plain(text: str) -> str:
    return NOISE.sub("", unicodedata.normalize("NFKC", text))


def _without_prefix(text: str) -> str:
    for prefix in PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def core(name: str, league_names: tuple[str, ...] = ()) -> str:
    """The distinctive part of a park name within its league: no 内蒙古, no league name, short suffixes."""
    text = _without_prefix(_plain(name))
    for league in league_names:  # the full name (包头市) before the short one (包头)
        if text.startswith(league) and len(text) > len(league):
            text = text[len(league) :]
            break
    for long, short in SHORT_FORMS:
        if text.endswith(long):
            return text[: -len(long)] + short
    return text


def _distinctive(short: str) -> str:
    """What is left of a shortened name without its generic suffix: 稀土 of 稀土高新区, nothing of 经开区."""
    for _, suffix in SHORT_FORMS:
        if short.endswith(suffix):
            return short[: -len(suffix)]
    return short


class ParkMatcher:
    """Match written park names to the catalogue, within one league."""

    def __init__(self, parks: list[Park], league_names: dict[str, tuple[str, str]]) -> None:
        """league_names: league_code -> (name, short name), e.g. ('包头市', '包头')."""
        self.parks = parks
        self.league_names = {code: tuple(n for n in names if n) for code, names in league_names.items()}
        self.exact = {}
        for park in parks:
            for key in (_plain(park.name), _without_prefix(_plain(park.name)), _plain(park.park_id).upper()):
                self.exact.setdefault(key, park)
        self.cores = {p.park_id: core(p.name, self.league_names.get(p.league_code, ())) for p in parks}
        self.seen: dict[tuple[str, str], ParkMatch] = {}  # a file names few parks on many rows

    def match(self, written: str, league_code: str) -> ParkMatch:
        key = (written, league_code)
        if key not in self.seen:
            self.seen[key] = self._match(written, league_code)
        return self.seen[key]

    def _match(self, written: str, league_code: str) -> ParkMatch:
        plain = _plain(written)
        exact = self.exact.get(plain) or self.exact.get(_without_prefix(plain)) or self.exact.get(plain.upper())
        if exact is not None:
            if exact.league_code == league_code:
                return ParkMatch(exact, exact=True)
            return ParkMatch(None, other_league=exact.league_code, candidates=(exact.name,))
        own = [p for p in self.parks if p.league_code == league_code]
        wanted = core(written, self.league_names.get(league_code, ()))
        same = self._fitting(wanted, own)
        if len(same) == 1:
            return ParkMatch(same[0])
        if same:
            return ParkMatch(None, candidates=tuple(sorted(p.name for p in same)), ambiguous=True)
        for code, names in self.league_names.items():  # 鄂尔多斯高新区 written in 包头市's file
            if code != league_code and any(_without_prefix(plain).startswith(n) for n in names):
                elsewhere = self._fitting(core(written, names), [p for p in self.parks if p.league_code == code])
                if len(elsewhere) == 1:
                    return ParkMatch(None, other_league=code, candidates=(elsewhere[0].name,))
        return ParkMatch(None, candidates=self.closest(written, league_code))

    def _fitting(self, wanted: str, parks: list[Park]) -> list[Park]:
        """Parks whose shortened name is the written one; failing that, contains it (九原工业园 for 九原工业园),
        or is contained in it when the park's own part is more than a generic suffix (稀土高新区管委会)."""
        same = [p for p in parks if self.cores[p.park_id] == wanted]
        if same or len(wanted) < 2:
            return same
        return [
            p
            for p in parks
            if wanted in self.cores[p.park_id]
            or (_distinctive(self.cores[p.park_id]) and self.cores[p.park_id] in wanted)
        ]

    def closest(self, written: str, league_code: str) -> tuple[str, ...]:
        """The league's park names most like the written one (difflib's ratio on the shortened forms)."""
        wanted = core(written, self.league_names.get(league_code, ()))
        own = [p for p in self.parks if p.league_code == league_code]

        def likeness(park: Park) -> tuple[float, float]:  # the distinctive part first: 稀土 before 工业园
            short = self.cores[park.park_id]
            return (
                difflib.SequenceMatcher(None, _distinctive(wanted), _distinctive(short)).ratio(),
                difflib.SequenceMatcher(None, wanted, short).ratio(),
            )

        return tuple(p.name for p in sorted(own, key=lambda p: (*(-n for n in likeness(p)), p.name))[:SUGGESTIONS])
