"""Made-up words and names that look, to a search engine, like an anime wiki's.

- people's names are romaji-like, made of Japanese syllables, with their
  katakana; given and family names are drawn with Zipf-like weights, so some are
  common;
- text is drawn from one vocabulary with Zipf-like weights (frequency
  proportional to ``1 / rank ** ZIPF_EXPONENT``): a few hundred English words at
  the top ("the" is in nearly every page), then a long tail of made-up words,
  many used once.

Everything is drawn from the ``random.Random`` it is given, so it is the same
for a seed.
"""

import itertools
import random

ZIPF_EXPONENT = 1.07
TAIL_WORDS = 150_000

# (romaji, katakana): the syllables of made-up names and words.
SYLLABLES = [
    ("a", "ア"), ("i", "イ"), ("u", "ウ"), ("e", "エ"), ("o", "オ"),
    ("ka", "カ"), ("ki", "キ"), ("ku", "ク"), ("ke", "ケ"), ("ko", "コ"),
    ("sa", "サ"), ("shi", "シ"), ("su", "ス"), ("se", "セ"), ("so", "ソ"),
    ("ta", "タ"), ("chi", "チ"), ("tsu", "ツ"), ("te", "テ"), ("to", "ト"),
    ("na", "ナ"), ("ni", "ニ"), ("nu", "ヌ"), ("ne", "ネ"), ("no", "ノ"),
    ("ha", "ハ"), ("hi", "ヒ"), ("fu", "フ"), ("he", "ヘ"), ("ho", "ホ"),
    ("ma", "マ"), ("mi", "ミ"), ("mu", "ム"), ("me", "メ"), ("mo", "モ"),
    ("ya", "ヤ"), ("yu", "ユ"), ("yo", "ヨ"),
    ("ra", "ラ"), ("ri", "リ"), ("ru", "ル"), ("re", "レ"), ("ro", "ロ"),
    ("wa", "ワ"), ("ga", "ガ"), ("gi", "ギ"), ("go", "ゴ"), ("za", "ザ"), ("ji", "ジ"),
    ("zu", "ズ"), ("da", "ダ"), ("de", "デ"), ("do", "ド"), ("ba", "バ"), ("bi", "ビ"),
    ("bu", "ブ"), ("be", "ベ"), ("bo", "ボ"), ("kyo", "キョ"), ("ryu", "リュ"),
    ("sho", "ショ"), ("chu", "チュ"), ("hya", "ヒャ"),
]  # fmt: skip
# Syllables that end a name well ("-n", "-ko", "-ta"...), added to some names.
NAME_ENDINGS = [("n", "ン"), ("ko", "コ"), ("ta", "タ"), ("ro", "ロウ"), ("ki", "キ")]

# The top of the vocabulary, most frequent first (the tail is made up).
COMMON_WORDS = """
the of and to a in is that his her with for as on was by he she their from at
it they an be this but are not who has have which one after when into all will
them him its more time world new first only two must also out where school
power battle city team story family friends life father mother sister brother
young girl boy day way war name home heart past house war secret master last
mission final dream love fight journey return truth enemy sword magic demon
king queen princess prince hero village forest island ship sky sea night
summer winter spring autumn festival club student teacher class rival robot
pilot mecha space station planet star moon sun fire water wind earth light
shadow blood memory promise future contract guild knight dragon spirit god
monster hunter detective case murder police army soldier captain crew idol
stage song music band concert game player tournament match victory defeat
training power ability curse ghost witch alien empire kingdom rebellion
revolution academy office company job money food restaurant cafe kitchen
train road bridge tower castle temple shrine garden river mountain desert
storm rain snow flower tree cat dog bird fox wolf bear horse letter book
diary photo phone message video camera computer program machine weapon gun
armor suit unit squad base ship fleet battleship colony orbit signal code
virus experiment doctor hospital patient scientist professor laboratory
research theory history legend myth prophecy destiny fate choice chance
danger rescue escape chase trap plan strategy trick lie betrayal alliance
friendship trust loyalty honor pride courage fear anger sadness joy hope
despair loneliness childhood graduation exam homework summer vacation beach
pool trip hotel party birthday wedding funeral grave ancestor tradition
ceremony ritual sacrifice offering reward punishment crime justice law court
trial judge lawyer witness evidence clue mystery puzzle riddle answer question
""".split()  # noqa: SIM905


def _zipf_weights(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


class Vocabulary:
    """Words with Zipf-like frequencies, and a count of every word drawn."""

    def __init__(self, rng: random.Random, *, tail: int = TAIL_WORDS):
        common = list(dict.fromkeys(COMMON_WORDS))
        seen = set(common)
        words = []
        while len(words) < tail:
            word = "".join(rng.choice(SYLLABLES)[0] for _ in range(rng.choice((2, 3, 3, 4))))
            if rng.random() < 0.3:
                word += rng.choice(("n", "s", "r", "ic", "el", "ar"))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = common + words
        self.cum_weights = _zipf_weights(len(self.words), ZIPF_EXPONENT)
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def sentence(self, low: int = 6, high: int = 14) -> str:
        words = self.draw(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))


class Names:
    """Romaji given and family names, with their katakana, drawn with Zipf-like weights."""

    def __init__(self, rng: random.Random, *, given: int = 3000, family: int = 5000):
        self.rng = rng
        self.given = self._pool(given, (2, 2, 3))
        self.family = self._pool(family, (2, 3, 3, 4))
        self.given_weights = _zipf_weights(len(self.given), 0.9)
        self.family_weights = _zipf_weights(len(self.family), 0.9)

    def _pool(self, size: int, lengths: tuple[int, ...]) -> list[tuple[str, str]]:
        pool: dict[str, str] = {}
        while len(pool) < size:
            parts = [self.rng.choice(SYLLABLES) for _ in range(self.rng.choice(lengths))]
            if self.rng.random() < 0.35:
                parts.append(self.rng.choice(NAME_ENDINGS))
            romaji = "".join(part[0] for part in parts).capitalize()
            pool.setdefault(romaji, "".join(part[1] for part in parts))
        return list(pool.items())

    def person(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """((given romaji, given katakana), (family romaji, family katakana))."""
        given = self.rng.choices(self.given, cum_weights=self.given_weights)[0]
        family = self.rng.choices(self.family, cum_weights=self.family_weights)[0]
        return given, family
