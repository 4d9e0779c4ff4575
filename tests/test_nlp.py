"""The offline desk's NLP: sentences, cross-language similarity and clustering, LexRank
selection, and lexical fact support, on news sentences in en, uk, ru, de, fr and pl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsroom.nlp import (
    SAME_EVENT_THRESHOLD,
    SUPPORT_THRESHOLD,
    Support,
    TfIdf,
    best_support,
    citations,
    cluster,
    cosine,
    evidence_in_source,
    is_opinion,
    rank_sentences,
    select_sentences,
    split_sentences,
    strip_citations,
    terms,
    words,
)

# One event, the same hard facts, two languages (as the demo corpus' outlets write it).
STRIKE_EN = (
    "Overnight strike on Kyiv's energy grid kills three, cuts power to 600,000 homes\n"
    "Russia launched 480 drones and 38 missiles at Ukraine overnight into Thursday, "
    "concentrating the attack on the energy system of Kyiv and the surrounding region, the "
    "Ukrainian Air Force said. Air defence units shot down 441 drones and 29 missiles, "
    "according to the Air Force's morning statement. Three people were killed and 41 wounded "
    "in the capital, among them four children, the head of the Kyiv city military "
    "administration, Taras Hnatiuk, said. Two combined heat and power plants on the left bank "
    "of the Dnipro and a 330-kilovolt substation in the Brovary district were damaged, leaving "
    "about 600,000 homes without electricity at the peak of the outages."
)
STRIKE_UK = (
    "Масована атака на енергетику: у Києві троє загиблих, без світла 600 тисяч домівок\n"
    "У ніч на 19 листопада Росія випустила по Україні 480 ударних дронів і 38 ракет, "
    "повідомили Повітряні сили. Сили протиповітряної оборони знешкодили 441 дрон і 29 ракет. "
    "У столиці загинули троє людей, ще 41 дістав поранення, серед них четверо дітей, повідомив "
    "начальник Київської міської військової адміністрації Тарас Гнатюк. На піку знеструмлень "
    "без електроенергії залишалися близько 600 тисяч домогосподарств."
)
# The translator's English rendering of STRIKE_UK: worded differently from STRIKE_EN.
STRIKE_UK_IN_ENGLISH = (
    "On the night of November 19, Russia fired 480 attack drones and 38 missiles at Ukraine, "
    "the Air Force reported. Air defence forces neutralised 441 drones and 29 missiles. Three "
    "people died in the capital and 41 more were injured, among them four children, said "
    "Taras Hnatiuk, head of the Kyiv city military administration. About 600 thousand "
    "households were left without electricity at the peak of the outages."
)
STRIKE_DE = (
    "Russischer Großangriff: Kiew nach Drohnen- und Raketenangriff teilweise ohne Strom\n"
    "Russland hat die Ukraine in der Nacht zum Donnerstag mit 480 Drohnen und 38 Raketen "
    "angegriffen. Nach Angaben der ukrainischen Luftwaffe wurden 441 Drohnen und 29 Raketen "
    "abgefangen. In Kiew wurden drei Menschen getötet und 41 verletzt. Rund 600.000 Haushalte "
    "waren zeitweise ohne Strom."
)
EXCHANGE_EN = (
    "157 Ukrainian prisoners come home in UAE-brokered exchange\n"
    "Ukraine and Russia exchanged 157 prisoners of war each on Friday in a swap mediated by "
    "the United Arab Emirates, Ukraine's coordination headquarters said."
)
EXCHANGE_RU = (
    "Россия и Украина провели обмен пленными «157 на 157»\n"
    "Россия и Украина в пятницу провели обмен военнопленными по формуле «157 на 157» при "
    "посредничестве Объединенных Арабских Эмиратов."
)
FOOTBALL_DE = (
    "Fußball: Spitzenreiter verliert überraschend beim Aufsteiger\n"
    "Der Tabellenführer FC Lahntal hat am Sonntag überraschend mit 0:2 beim Aufsteiger SV "
    "Rheinau verloren. Trainer Markus Behrendt sprach nach dem Spiel von einer verdienten "
    "Niederlage seiner Mannschaft."
)
FOOTBALL_EN = (
    "Late header sends Estrela do Tejo into European knockout round\n"
    "A stoppage-time header by defender Rui Calado gave Estrela do Tejo a 2-1 win on Tuesday "
    "and a place in the knockout round of the European competition."
)


# --- sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones in the U.S. capital on Monday. Then he flew to Kyiv.",
            ["Mr. Smith met Dr. Jones in the U.S. capital on Monday.", "Then he flew to Kyiv."],
        ),
        (
            "President V. Zelensky spoke first. Inflation rose to 3.5 percent. Prices fell.",
            [
                "President V. Zelensky spoke first.",
                "Inflation rose to 3.5 percent.",
                "Prices fell.",
            ],
        ),
        (
            "Die Hilfe umfasst z.B. Munition. Sie kommt u.a. aus Berlin. Am 19. November "
            "griff Russland an. Das 21. Sanktionspaket folgt.",
            [
                "Die Hilfe umfasst z.B. Munition.",
                "Sie kommt u.a. aus Berlin.",
                "Am 19. November griff Russland an.",
                "Das 21. Sanktionspaket folgt.",
            ],
        ),
        (
            "Це сталося у 2022 р. Після цього м. Київ відновив роботу. Ст. 111 КК застосовано.",
            [
                "Це сталося у 2022 р. Після цього м. Київ відновив роботу.",
                "Ст. 111 КК застосовано.",
            ],
        ),
        (
            "Он заявил, т.е. подтвердил это. В г. Харьков и т.д. Потом всё стихло.",
            ["Он заявил, т.е. подтвердил это.", "В г. Харьков и т.д.", "Потом всё стихло."],
        ),
        (
            "Prezydent A. Duda przyjechał na ul. Marszałkowską. Spotkał się m.in. z ministrem.",
            [
                "Prezydent A. Duda przyjechał na ul. Marszałkowską.",
                "Spotkał się m.in. z ministrem.",
            ],
        ),
        (
            "« Nous allons tenir. » M. Macron a ensuite quitté Kyiv.",
            ["« Nous allons tenir. »", "M. Macron a ensuite quitté Kyiv."],
        ),
    ],
)
def test_split_sentences_respects_abbreviations_initials_and_ordinals(text, expected):
    assert split_sentences(text) == expected


def test_split_sentences_ends_at_quotes_closing_after_the_full_stop_and_at_ellipses():
    text = 'He said: "We will rebuild." Then he left... Nobody followed! Why? Nobody knows.'

    assert split_sentences(text) == [
        'He said: "We will rebuild."',
        "Then he left...",
        "Nobody followed!",
        "Why?",
        "Nobody knows.",
    ]


def test_split_sentences_keeps_a_lower_case_continuation_together():
    assert split_sentences("He paused... and went on. It was late.") == [
        "He paused... and went on.",
        "It was late.",
    ]


def test_split_sentences_ends_every_line_and_drops_blank_ones():
    text = "  Headline without a full stop  \n\n   First sentence.   Second one.\n \n"

    assert split_sentences(text) == [
        "Headline without a full stop",
        "First sentence.",
        "Second one.",
    ]
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,200 drones", ["1200", "drones"]),
        ("1 200 дронів", ["1200", "дронів"]),
        ("1\u00a0200 Drohnen", ["1200", "drohnen"]),
        ("1.200 Drohnen", ["1200", "drohnen"]),
        ("3.5 percent", ["3.5", "percent"]),
        ("3,5 млрд", ["3.5", "млрд"]),
        ("1,250.75 euros", ["1250.75", "euros"]),
        ("on 24.02.2022", ["on", "24.02.2022"]),
        ("in 2022, 480 drones", ["in", "2022", "480", "drones"]),
        ("0:2 750-Kilovolt", ["0", "2", "750", "kilovolt"]),
    ],
)
def test_words_normalises_numbers_as_news_copy_writes_them(text, expected):
    assert words(text) == expected


def test_words_are_lower_case_unicode_tokens_with_apostrophes_kept():
    assert words("Ukraine’s КИЇВ з’явився Zürich, Łódź!") == [
        "ukraine's",
        "київ",
        "з'явився",
        "zürich",
        "łódź",
    ]


# --- terms, TF-IDF, clustering ----------------------------------------------------------


def test_terms_transliterate_cyrillic_so_names_meet_their_english_spelling():
    assert terms("Київ") == ["kyiv"]
    assert terms("Киев") == ["kiev"]
    assert terms("Харків") == terms("Kharkiv") == ["kharki"]
    assert terms("Зеленський") == terms("Зеленский") == terms("Zelensky") == ["zelens"]


def test_terms_read_cyrillic_as_the_whole_article_reads_when_told():
    # No і/ї/є/ґ in the word itself: alone it reads as Russian.
    assert terms("Гнатюк") == ["gnatyu"]
    assert terms("Гнатюк", ukrainian=True) == ["hnatiu"] == terms("Hnatiuk")


def test_terms_drop_stop_words_in_six_languages_and_cut_words_to_six_letters():
    assert terms("The drones and the missiles") == ["drone", "missil"]
    assert terms("і та на від що") == []
    assert terms("и на от что это") == []
    assert terms("der die und nicht mit") == []
    assert terms("le la les et dans") == []
    assert terms("i w na oraz się") == []
    assert terms("Infrastruktur") == ["infras"]


def test_terms_keep_numbers_and_read_thousands_words_the_same_in_every_language():
    assert "480" in terms("480 дронів") and "480" in terms("480 drones")
    homes = {"600,000 homes", "600 тис. осель", "600 тысяч квартир", "600.000 Haushalte"}
    assert all("600000" in terms(text) for text in homes)
    assert terms("EUR 560 million") == ["eur", "560000000"]
    assert terms("560 Millionen") == terms("560 млн") == ["560000000"]


def test_tfidf_cosine_is_one_for_the_same_text_and_zero_for_nothing_in_common():
    documents = [terms(STRIKE_EN), terms(FOOTBALL_DE)]
    model = TfIdf.fit(documents)
    strike, football = (model.vector(d) for d in documents)

    assert cosine(strike, strike) == pytest.approx(1.0)
    assert cosine(strike, football) == 0.0
    assert cosine({}, strike) == 0.0


def test_cluster_joins_one_strike_across_languages_and_leaves_sport_alone():
    texts = [STRIKE_EN, FOOTBALL_DE, EXCHANGE_EN, STRIKE_UK, STRIKE_DE, EXCHANGE_RU, FOOTBALL_EN]

    groups = cluster(texts, threshold=SAME_EVENT_THRESHOLD)

    assert groups == [[0, 3, 4], [1], [2, 5], [6]]


def test_cluster_never_joins_reports_further_apart_than_max_hours():
    start = datetime(2026, 11, 19, 6, tzinfo=UTC)
    texts = [STRIKE_EN, STRIKE_UK, STRIKE_DE]
    times = [start, start + timedelta(hours=2), start + timedelta(days=5)]

    assert cluster(texts, threshold=SAME_EVENT_THRESHOLD, times=times) == [[0, 1], [2]]
    assert cluster(texts, threshold=SAME_EVENT_THRESHOLD, times=times, max_hours=200) == [[0, 1, 2]]
    # Unknown times do not keep anything apart.
    assert cluster(texts, threshold=SAME_EVENT_THRESHOLD, times=[None, None, None]) == [[0, 1, 2]]


def test_cluster_of_nothing_and_of_mismatched_times():
    assert cluster([], threshold=0.2) == []
    assert cluster(["only one"], threshold=0.2) == [[0]]
    with pytest.raises(ValueError, match="times"):
        cluster(["a", "b"], threshold=0.2, times=[None])


def test_cluster_is_deterministic():
    texts = [STRIKE_EN, FOOTBALL_DE, EXCHANGE_EN, STRIKE_UK, STRIKE_DE, EXCHANGE_RU] * 3

    assert len({str(cluster(texts, threshold=SAME_EVENT_THRESHOLD)) for _ in range(3)}) == 1


# --- ranking and selection -------------------------------------------------------------

OUTLET_A = [
    "Russia launched 480 drones and 38 missiles at Ukraine overnight, the air force said.",
    "The city's mayor urged residents to charge power banks.",
    "Three people were killed and 41 wounded in Kyiv.",
]
OUTLET_B = [
    "Russian forces fired 480 drones and 38 missiles at Ukraine overnight, the air force said.",
    "Some 600,000 homes in Kyiv were left without electricity.",
]
OUTLET_C_UK = [
    "Росія випустила по Україні 480 дронів і 38 ракет, повідомили Повітряні сили.",
    "Без світла залишилися 600 тисяч домівок у Києві.",
]


def test_rank_sentences_puts_the_fact_every_outlet_repeats_first():
    sentences = [*OUTLET_A, *OUTLET_B]

    scores = rank_sentences(sentences)

    assert len(scores) == len(sentences)
    assert sum(scores) == pytest.approx(1.0)
    ranked = sorted(range(len(sentences)), key=lambda i: -scores[i])
    assert set(ranked[:2]) == {0, 3}
    assert scores[1] == min(scores)


def test_rank_sentences_leans_toward_the_query():
    sentences = [*OUTLET_A, *OUTLET_B]

    plain = rank_sentences(sentences)
    biased = rank_sentences(sentences, query="Kyiv homes left without electricity")

    assert biased[4] > plain[4]
    assert max(range(5), key=lambda i: biased[i]) == 4


def test_rank_sentences_of_none_or_one():
    assert rank_sentences([]) == []
    assert rank_sentences(["Only one sentence."]) == [pytest.approx(1.0)]


def test_select_sentences_quotes_a_fact_from_two_outlets_once():
    candidates = [(s, 1) for s in OUTLET_A] + [(s, 2) for s in OUTLET_B]

    chosen = select_sentences(candidates, limit=3)

    drone_sentences = [s for s, _ in chosen if "480" in s]
    assert len(drone_sentences) == 1
    assert len(chosen) == 3


def test_select_sentences_recognises_the_same_numbers_in_another_language_as_one_fact():
    candidates = [(s, 1) for s in OUTLET_B] + [(s, 2) for s in OUTLET_C_UK]

    chosen = select_sentences(candidates, limit=4)

    assert len(chosen) == 2
    assert sum("480" in s for s, _ in chosen) == 1
    assert {n for _, n in chosen} == {1, 2}  # one fact from each outlet


def test_select_sentences_returns_reading_order_within_the_limit():
    candidates = [(s, 2) for s in OUTLET_B] + [(s, 1) for s in OUTLET_A]

    chosen = select_sentences(candidates, limit=3, query="Kyiv strike")

    assert len(chosen) == 3
    order = [(n, candidates.index((s, n))) for s, n in chosen]
    assert order == sorted(order)
    assert select_sentences(candidates, limit=0) == []
    assert select_sentences([], limit=3) == []


def test_select_sentences_is_deterministic():
    candidates = [(s, 1) for s in OUTLET_A] + [(s, 2) for s in OUTLET_B] * 2

    results = {tuple(select_sentences(candidates, limit=3)) for _ in range(3)}

    assert len(results) == 1


# --- support ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        pytest.param(
            "Three people were killed and 41 wounded in the capital, among them four children, "
            "the head of the Kyiv city military administration, Taras Hnatiuk, said [1].",
            STRIKE_EN,
            id="copied",
        ),
        pytest.param(
            "Russia fired 480 drones and 38 missiles at Ukraine overnight, targeting Kyiv's "
            "energy system, the Air Force said [1].",
            STRIKE_EN,
            id="paraphrased",
        ),
        pytest.param(
            "About 600,000 homes lost electricity after two heat and power plants and a "
            "substation were damaged [1].",
            STRIKE_EN,
            id="paraphrased-number-format",
        ),
        pytest.param(
            "Three people were killed and 41 wounded in Kyiv, including four children, "
            "according to Taras Hnatiuk [2].",
            STRIKE_UK_IN_ENGLISH,
            id="translated-source",
        ),
        pytest.param(
            "Some 600,000 homes were left without power at the peak of the outages [2].",
            STRIKE_UK_IN_ENGLISH,
            id="translated-thousands",
        ),
    ],
)
def test_a_claim_the_source_states_is_supported_with_a_verbatim_sentence(claim, source):
    support = best_support(claim, source)

    assert support.score >= SUPPORT_THRESHOLD
    assert support.evidence is not None
    assert support.evidence in source
    assert support.evidence in split_sentences(source)


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        pytest.param(
            "Three people were killed and 42 wounded in the capital, among them four children [1].",
            STRIKE_EN,
            id="changed-number",
        ),
        pytest.param(
            "Russia launched 490 drones and 38 missiles at Ukraine overnight [1].",
            STRIKE_EN,
            id="changed-one-of-two-numbers",
        ),
        pytest.param(
            "Some 650,000 homes were left without power at the peak of the outages [2].",
            STRIKE_UK_IN_ENGLISH,
            id="changed-number-translated",
        ),
        pytest.param(
            "The EU adopted its 21st sanctions package, targeting 118 more shadow-fleet tankers.",
            STRIKE_EN,
            id="another-event",
        ),
        pytest.param(
            "The Kyiv city administration opened new heating points in the capital for residents.",
            STRIKE_EN,
            id="another-event-same-city",
        ),
        pytest.param(
            "Germany delivered two more IRIS-T air defence systems to Ukraine.",
            STRIKE_EN,
            id="another-event-same-vocabulary",
        ),
    ],
)
def test_a_claim_the_source_does_not_state_is_not_supported(claim, source):
    assert best_support(claim, source).score < SUPPORT_THRESHOLD


def test_a_changed_number_still_points_at_the_sentence_it_misquotes():
    support = best_support("Three people were killed and 42 wounded in the capital.", STRIKE_EN)

    assert support.evidence is not None and support.evidence.startswith("Three people")
    assert support.score < SUPPORT_THRESHOLD


def test_missing_names_weaken_support():
    with_name = best_support("Taras Hnatiuk said three people were killed.", STRIKE_EN)
    wrong_name = best_support("Vitali Klitschko said three people were killed.", STRIKE_EN)

    assert wrong_name.score < with_name.score


def test_support_of_nothing_is_zero_without_evidence():
    assert best_support("Anything at all.", "") == Support(score=0.0, evidence=None)
    assert best_support("[1]", STRIKE_EN) == Support(score=0.0, evidence=None)
    assert best_support("Football results.", STRIKE_EN).evidence is None


def test_evidence_in_source_tolerates_spacing_quotes_dashes_case_and_a_final_stop():
    source = "Hnatiuk said: «This was a deliberate attempt» — to leave   the city without heat"

    assert evidence_in_source(
        'hnatiuk said: "This was a deliberate attempt" - to leave the city without heat.', source
    )
    assert evidence_in_source("the city\nwithout heat", source)
    assert evidence_in_source("“This was a deliberate attempt”", source)


def test_evidence_in_source_rejects_anything_not_literally_there():
    source = "Three people were killed and 41 wounded in the capital."

    assert not evidence_in_source("Three people were killed and 42 wounded", source)
    assert not evidence_in_source("Three people were killed and wounded", source)
    assert not evidence_in_source("", source)
    assert not evidence_in_source(" . ", source)


@pytest.mark.parametrize(
    ("sentence", "numbers", "bare"),
    [
        ("Russia launched 480 drones [1].", [1], "Russia launched 480 drones."),
        ("Kyiv lost power [2][3].", [2, 3], "Kyiv lost power."),
        ("Talks ended [1, 3] and resumed [3].", [1, 3], "Talks ended and resumed."),
        ("No citation here.", [], "No citation here."),
        ("In [2022] a list [a] stays.", [2022], "In a list [a] stays."),
    ],
)
def test_citations_and_strip_citations(sentence, numbers, bare):
    assert citations(sentence) == numbers
    assert strip_citations(sentence) == bare


@pytest.mark.parametrize(
    "sentence",
    [
        "The strike suggests Moscow will keep targeting the grid through the winter.",
        "It is clear that Kyiv cannot rely on Western air defence alone [2].",
        "The real question is whether Europe can keep up.",
        "NATO should arguably do more.",
        "Ймовірно, Росія продовжить удари по енергетиці.",
        "Очевидно, что Кремль будет и дальше бить по энергетике.",
        "Die Lage dürfte sich im Winter weiter verschärfen.",
        "La Russie pourrait intensifier ses frappes cet hiver.",
        "Rosja prawdopodobnie będzie kontynuować ataki.",
    ],
)
def test_hedged_analysis_without_facts_is_opinion(sentence):
    assert is_opinion(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia launched 480 drones at Ukraine [1].",
        "The attack will likely be repeated on November 25.",
        "The attack will likely be repeated on Monday.",
        "Zelensky will probably ask for more Patriot systems.",
        "Three people were killed in the capital.",
        "Hnatiuk said the attack was deliberate.",
    ],
)
def test_sentences_with_facts_or_without_hedging_are_not_opinion(sentence):
    assert not is_opinion(sentence)


# --- properties ------------------------------------------------------------------------

_news_text = st.text(
    alphabet=st.sampled_from(list("aZяЇß .,!?…\"'«»„“)([]0123456789\n\t-—:;Mr.Dr.z.B.т.е.")),
    max_size=200,
)


@given(_news_text)
def test_split_sentences_never_loses_or_invents_a_character(text):
    sentences = split_sentences(text)

    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())
    assert all(s and s == s.strip() and s in text for s in sentences)


@given(st.text(alphabet=st.sampled_from(list("ab 1,2[]")), max_size=60))
def test_strip_citations_leaves_no_citation_and_is_idempotent(text):
    stripped = strip_citations(text)

    assert citations(stripped) == []
    assert strip_citations(stripped) == stripped


@given(st.lists(_news_text, max_size=8), st.floats(min_value=0.05, max_value=0.9))
def test_cluster_is_a_partition_in_order(texts, threshold):
    groups = cluster(texts, threshold=threshold)

    assert sorted(i for group in groups for i in group) == list(range(len(texts)))
    assert all(group == sorted(group) for group in groups)
    assert [group[0] for group in groups] == sorted(group[0] for group in groups)
