"""Word lists for the six desk languages (en, uk, ru, de, fr, pl): data, not logic.

Kept short on purpose: they only need to remove the words that would make unrelated
news sentences look alike, and to recognise abbreviations, dates and hedging.
"""

from __future__ import annotations


def _words(*chunks: str) -> frozenset[str]:
    return frozenset(word for chunk in chunks for word in chunk.split())


# Function words and reporting verbs ("said", "заявив"): every news item has them, so
# they would only add noise to similarity. Apostrophes are removed before lookup.
STOP_WORDS = _words(
    # en
    """a an the and or but nor not no yes of to in on at by for from with without into onto
    over under about after before between during since until against across through per as
    than then that this these those there here it its it's is are was were be been being
    has have had having do does did will would shall should can could may might must
    he him his she her hers they them their theirs we us our you your i me my who whom
    whose which what when where why how all any both each few more most other some such
    only own same so too very also just still yet again once further while if because
    said says say told tells according reported reports added stated announced
    mr mrs ms dr one""",
    # uk
    """і й та а але або чи не ні ж же в у на з із зі до за від по про для при під над
    через після між перед що це цей ця ці той та ті то як який яка яке які якого якої
    його її їх він вона воно вони ми ви я ти був була було були буде будуть є бути
    також вже ще лише тільки понад близько щодо коли де щоб якщо тому так теж
    заявив заявила заявили повідомив повідомила повідомили сказав сказала словами""",
    # ru
    """и а но или не ни же в во на с со к ко по о об от до за из для при под над через
    после между перед что это этот эта эти тот те как который которая которое которые
    его её ее их он она оно они мы вы я ты был была было были будет будут есть быть
    также уже еще ещё лишь только более около когда где чтобы если так тоже
    заявил заявила заявили сообщил сообщила сообщили сказал сказала словам""",
    # de
    """der die das den dem des ein eine einer eines einem einen und oder aber nicht kein
    keine mit von vom zu zum zur im in am an auf aus bei beim nach vor über unter für gegen
    um ist sind war waren wird werden wurde wurden worden hat haben hatte hatten sich es er
    sie wir ihr ihre ihren sein seine seiner als auch noch nur wie so dass daß bis seit
    durch laut sagte sagten erklärte teilte mit diese dieser dieses""",
    # fr
    """le la les l un une des du de d et ou mais ne n pas plus que qu qui dont où au aux
    ce cet cette ces se s sa son ses leur leurs il elle ils elles nous vous on en dans sur
    sous par pour avec sans entre est sont était étaient été être a ont avait selon
    déclaré indiqué annoncé""",
    # pl
    """i w we z ze na do od po o u za przez dla przy nad pod oraz a ale lub czy nie to ten
    ta te tego tej tym jest są był była było były będzie się jak że który która które
    którzy jego jej ich on ona ono oni także już jeszcze tylko według powiedział
    powiedziała poinformował poinformowała""",
)

# Cyrillic to Latin. Ukrainian follows the official 2010 romanisation (so "Київ" ->
# "kyiv", as English reporting spells it); Russian a plain scholarly-style table (so
# "Киев" -> "kiev"). Letters that differ by position in Ukrainian are in UK_INITIAL.
UK_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "ы": "y", "э": "e", "ё": "io", "ъ": "",
}  # fmt: skip
UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
RU_LETTERS = {
    **UK_LETTERS,
    "г": "g", "е": "e", "и": "i", "й": "y", "ы": "y", "ё": "e", "ю": "yu", "я": "ya",
    "є": "ye", "ї": "yi", "і": "i",
}  # fmt: skip
UK_ONLY_LETTERS = frozenset("іїєґ")
RU_ONLY_LETTERS = frozenset("ыэёъ")

# Latin letters that Unicode decomposition does not fold to ASCII.
LATIN_FOLD = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})

# Words after a number that scale it, so "600,000" and "600 тис." compare equal.
# Exact short forms first; long forms match as prefixes (they inflect).
MULTIPLIER_EXACT = {
    "тис": 10**3, "тыс": 10**3, "tys": 10**3, "mille": 10**3,
    "mln": 10**6, "млн": 10**6, "mio": 10**6,
    "bn": 10**9, "bln": 10**9, "mld": 10**9, "mrd": 10**9, "млрд": 10**9,
}  # fmt: skip
MULTIPLIER_PREFIX = (
    ("thousand", 10**3), ("тисяч", 10**3), ("тысяч", 10**3), ("tysi", 10**3),
    ("tausend", 10**3),
    ("million", 10**6), ("мільйон", 10**6), ("миллион", 10**6), ("milion", 10**6),
    ("billion", 10**9), ("мільярд", 10**9), ("миллиард", 10**9), ("miliard", 10**9),
    ("milliard", 10**9),
)  # fmt: skip

# Abbreviations after which a full stop does not end the sentence (lower case, the
# final dot removed). Single letters (initials, "м.", "р.", "r.") are handled by rule;
# words that are also ordinary words ("no", "art", French "est") are left out.
ABBREVIATIONS = _words(
    """mr mrs ms dr prof gen lt col sgt capt maj cmdr adm rep sen gov pres rev hon st mt ft
    jr sr vs approx dept univ nr fig vol pp tel jan feb mar apr jun jul aug
    sep sept oct nov dec e.g i.e a.m p.m u.s u.k u.n
    z.b u.a d.h bzw ca vgl hr fr frau str mio mrd jh evtl ggf inkl sog bzgl abs
    mme mm mlle env av apr cf p.ex
    ul np tzw m.in tj ok tys mln mld prof gen płk ppłk mjr kpt al godz św woj pl ds
    ст вул пр просп обл буд див напр тис млн млрд грн рр гг ул им тыс руб коп стр
    см т.е т.к т.зв т.н проф ген акад"""
)
# Abbreviations that often end a sentence: a full stop after them ends it when the next
# word starts a sentence.
FINAL_ABBREVIATIONS = _words("etc usw itd itp inc ltd corp co т.д т.п т.ін ін др")

# A number and a full stop before these is a German ordinal ("am 19. November").
GERMAN_MONTHS = _words(
    "januar jänner februar märz april mai juni juli august september oktober november dezember"
)
GERMAN_BEFORE_ORDINAL = _words(
    "am im zum zur vom beim bis ab seit der die das den dem des ein eine einem einer ihr ihre",
    "sein seine",
)

# Words that date a sentence, which makes it checkable. English "may" is left out: as
# a modal it marks opinion; as the month it is capitalised and counts as a name.
DATE_WORDS = _words(
    """january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow
    tonight overnight
    січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня
    понеділок вівторок середа четвер пятниця субота неділя вчора сьогодні завтра
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    понедельник вторник среда четверг пятница суббота воскресенье вчера сегодня
    januar februar märz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag gestern heute
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourdhui demain
    stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października
    listopada grudnia poniedziałek wtorek środa czwartek piątek sobota niedziela wczoraj
    dzisiaj dziś jutro"""
)

# Hedging and evaluative markers of analysis rather than report (matched as whole words
# or phrases, case-insensitively).
OPINION_MARKERS = (
    # en
    "will", "would", "could", "might", "may", "should", "must", "likely", "unlikely",
    "probably", "perhaps", "possibly", "suggests", "suggest", "seems", "seem", "appears",
    "arguably", "clearly", "it is clear", "the real question", "the question is",
    "in my view", "i think", "we believe", "remains to be seen", "signals", "matters",
    "ought", "inevitably", "presumably",
    # uk
    "ймовірно", "можливо", "мабуть", "схоже", "здається", "очевидно", "варто", "слід",
    "має бути", "треба", "буде", "будуть", "може", "напевно", "на мою думку",
    "питання в тому", "справжнє питання",
    # ru
    "вероятно", "возможно", "видимо", "похоже", "кажется", "очевидно", "следует", "стоит",
    "должен", "должны", "будет", "будут", "может", "по-видимому", "на мой взгляд",
    "вопрос в том", "настоящий вопрос",
    # de
    "wird", "werden", "dürfte", "wahrscheinlich", "vermutlich", "offenbar", "scheint",
    "sollte", "müsste", "könnte", "meines erachtens", "die eigentliche frage", "womöglich",
    # fr
    "sera", "seront", "pourrait", "pourraient", "probablement", "sans doute", "semble",
    "devrait", "il est clair", "la vraie question", "à mon avis", "peut-être",
    # pl
    "będzie", "będą", "prawdopodobnie", "chyba", "wydaje się", "może", "powinien",
    "powinno", "należy", "zapewne", "moim zdaniem", "prawdziwe pytanie", "jasne jest",
)  # fmt: skip

# Names so common in this beat that they do not make a sentence checkable: countries,
# capitals and blocs, as `terms`-style Latin stems (prefixes) or exact short forms.
COMMON_NAME_PREFIXES = (
    "ukrain", "russia", "russla", "russie", "rosii", "rosiia", "rossi", "rosja", "rosji",
    "kyiv", "kiev", "kijow", "mosk", "mosc", "kreml", "europ", "yevrop", "evrop", "west",
    "zakhid", "zapad", "americ", "amerik", "washington",
)  # fmt: skip
COMMON_NAMES_EXACT = _words("i us usa uk eu ue es yes nato ssha un oon")
GERMAN_FUNCTION_WORDS = _words(
    "der die das und nicht ist wird sich den dem ein eine auch mit von zu"
)
