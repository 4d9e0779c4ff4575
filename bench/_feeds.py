"""Synthetic RSS feeds for the benchmarks, served on loopback hosts from a separate process."""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from xml.sax.saxutils import escape

# Six feeds in ten are English, the rest German, Ukrainian and Russian, as on a desk
# that follows a story across borders; each feed declares its language, as most do.
FEED_LANGUAGES = ("en", "en", "en", "de", "en", "uk", "en", "ru", "en", "de")
TOPIC_LANGUAGES = ["en", "de", "uk", "ru"]
STATS_PATH = "/_stats"
# The server goes away by itself after this long, even if nobody tells it to.
MAX_LIFETIME_S = 900.0

_WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "who": [
            "The city council", "Regional officials", "A coalition of farmers",
            "The central bank", "Hospital staff", "Local residents", "The energy minister",
            "Researchers at the university", "Union leaders", "The opposition party",
            "Transport authorities", "A group of investors", "Emergency crews",
            "The school board", "Parliament", "Port workers", "The health agency",
        ],
        "did": [
            "approved", "rejected", "announced", "criticised", "postponed", "debated",
            "welcomed", "questioned", "expanded", "cut funding for", "launched", "reviewed",
        ],
        "what": [
            "a plan to rebuild the northern bridge", "new rules for short-term rentals",
            "the budget for next year", "an inquiry into rising food prices",
            "a pilot scheme for electric buses", "the merger of two regional utilities",
            "a tax on vacant homes", "emergency repairs to the water network",
            "a proposal to extend night trains", "the closure of an old coal plant",
            "grants for small businesses", "a ban on single-use plastics",
            "higher wages for nurses", "a new wind farm off the coast",
        ],
        "when": [
            "on Tuesday", "after a heated session", "despite strong protests",
            "following months of talks", "amid concerns about costs", "in a surprise move",
            "before the summer recess", "according to people familiar with the matter",
            "late on Friday evening", "after an independent audit",
        ],
        "extra": [
            "The measure would cost about {n} million euros over {m} years.",
            "Critics say the timetable is unrealistic and the figures are too optimistic.",
            "\"We expect the first results within {m} weeks,\" a spokesperson said.",
            "Turnout at the public hearing was the highest since {y}.",
            "Several neighbouring towns are watching the outcome closely.",
            "Officials declined to say how many jobs could be affected.",
            "A final vote is expected in {m} weeks, after a review by auditors.",
        ],
    },
    "de": {
        "who": [
            "Der Stadtrat", "Die Landesregierung", "Ein Bündnis von Landwirten",
            "Die Zentralbank", "Das Klinikpersonal", "Die Anwohner", "Der Energieminister",
            "Forscher der Universität", "Die Gewerkschaften", "Die Opposition",
            "Die Verkehrsbetriebe", "Eine Gruppe von Investoren", "Die Feuerwehr",
        ],
        "did": [
            "beschloss", "lehnte", "kündigte", "kritisierte", "verschob", "diskutierte",
            "begrüßte", "prüfte", "erweiterte", "stoppte",
        ],
        "what": [
            "den Plan für den Neubau der Nordbrücke", "neue Regeln für Ferienwohnungen",
            "den Haushalt für das kommende Jahr", "eine Untersuchung der Lebensmittelpreise",
            "ein Pilotprojekt für Elektrobusse", "die Fusion zweier Stadtwerke",
            "eine Abgabe auf leerstehende Wohnungen", "dringende Reparaturen am Wassernetz",
            "den Ausbau der Nachtzüge", "die Schließung eines alten Kohlekraftwerks",
            "Zuschüsse für kleine Betriebe", "höhere Löhne für Pflegekräfte",
        ],
        "when": [
            "am Dienstag", "nach einer hitzigen Sitzung", "trotz heftiger Proteste",
            "nach monatelangen Verhandlungen", "wegen steigender Kosten",
            "überraschend", "noch vor der Sommerpause", "nach Angaben von Insidern",
        ],
        "extra": [
            "Die Maßnahme würde rund {n} Millionen Euro über {m} Jahre kosten.",
            "Kritiker halten den Zeitplan für unrealistisch und die Zahlen für geschönt.",
            "„Wir rechnen mit ersten Ergebnissen in {m} Wochen“, sagte eine Sprecherin.",
            "So viele Bürger wie seit {y} nicht mehr kamen zur öffentlichen Anhörung.",
            "Mehrere Nachbargemeinden verfolgen die Entscheidung sehr genau.",
            "Wie viele Arbeitsplätze betroffen sind, wollte das Ministerium nicht sagen.",
        ],
    },
    "uk": {
        "who": [
            "Міська рада", "Обласна адміністрація", "Об'єднання фермерів",
            "Національний банк", "Працівники лікарні", "Місцеві мешканці",
            "Міністр енергетики", "Науковці університету", "Профспілки",
            "Опозиційна партія", "Транспортне управління", "Рятувальники",
        ],
        "did": [
            "схвалили", "відхилили", "оголосили", "розкритикували", "відклали",
            "обговорили", "привітали", "переглянули", "розширили", "запустили",
        ],
        "what": [
            "план відбудови північного мосту", "нові правила для короткострокової оренди",
            "бюджет на наступний рік", "розслідування щодо зростання цін на їжу",
            "пілотний проєкт електричних автобусів", "об'єднання двох комунальних підприємств",
            "податок на порожнє житло", "термінові ремонти водогону",
            "продовження нічних потягів", "гранти для малого бізнесу",
            "підвищення зарплат медсестрам", "нову вітрову електростанцію біля узбережжя",
        ],
        "when": [
            "у вівторок", "після гарячої дискусії", "попри гучні протести",
            "після кількох місяців переговорів", "через побоювання щодо витрат",
            "несподівано для всіх", "перед літніми канікулами", "як повідомляють джерела",
        ],
        "extra": [
            "Ці заходи коштуватимуть близько {n} мільйонів гривень протягом {m} років.",
            "Критики вважають, що графік нереалістичний, а цифри надто оптимістичні.",
            "«Ми очікуємо перших результатів за {m} тижнів», — сказала речниця.",
            "На громадські слухання прийшло найбільше людей з {y} року.",
            "Кілька сусідніх громад уважно стежать за цим рішенням.",
            "Чиновники не сказали, скільки робочих місць це зачепить.",
        ],
    },
    "ru": {
        "who": [
            "Городской совет", "Областная администрация", "Объединение фермеров",
            "Центральный банк", "Сотрудники больницы", "Местные жители",
            "Министр энергетики", "Учёные университета", "Профсоюзы",
            "Оппозиционная партия", "Транспортное управление", "Спасатели",
        ],
        "did": [
            "одобрили", "отклонили", "объявили", "раскритиковали", "отложили",
            "обсудили", "приветствовали", "пересмотрели", "расширили", "запустили",
        ],
        "what": [
            "план восстановления северного моста", "новые правила краткосрочной аренды",
            "бюджет на следующий год", "расследование роста цен на продукты",
            "пилотный проект электрических автобусов", "слияние двух коммунальных компаний",
            "налог на пустующее жильё", "срочный ремонт водопровода",
            "продление ночных поездов", "гранты для малого бизнеса",
            "повышение зарплат медсёстрам", "новую ветровую электростанцию у побережья",
        ],
        "when": [
            "во вторник", "после жаркой дискуссии", "несмотря на громкие протесты",
            "после нескольких месяцев переговоров", "из-за опасений по поводу расходов",
            "неожиданно для всех", "перед летними каникулами", "как сообщают источники",
        ],
        "extra": [
            "Эти меры обойдутся примерно в {n} миллионов рублей за {m} лет.",
            "Критики считают, что сроки нереалистичны, а цифры слишком оптимистичны.",
            "«Мы ожидаем первых результатов через {m} недель», — сказала пресс-секретарь.",
            "На публичные слушания пришло больше всего людей с {y} года.",
            "Несколько соседних городов внимательно следят за этим решением.",
            "Чиновники не сказали, сколько рабочих мест это затронет.",
        ],
    },
}  # fmt: skip


def feed_language(index: int) -> str:
    return FEED_LANGUAGES[index % len(FEED_LANGUAGES)]


def feed_path(index: int) -> str:
    return f"/feeds/{index}.xml"


def feed_index_of_guid(guid: str) -> int:
    """The feed an item came from, read back from the guid `item_guid` gave it."""
    return int(guid.split(":")[2].removeprefix("feed-"))


def item_guid(feed: int, item: int) -> str:
    return f"urn:bench:feed-{feed}:item-{item}"


def _sentence(rng: random.Random, words: dict[str, list[str]]) -> str:
    if rng.random() < 0.4:
        template = rng.choice(words["extra"])
        numbers = {"n": rng.randint(3, 900), "m": rng.randint(2, 12), "y": rng.randint(1990, 2019)}
        return template.format(**numbers)
    parts = [rng.choice(words["who"]), rng.choice(words["did"]), rng.choice(words["what"])]
    if rng.random() < 0.7:
        parts.append(rng.choice(words["when"]))
    return " ".join(parts) + "."


def feed_document(index: int, items: int, *, published: datetime) -> bytes:
    """One RSS 2.0 feed, the same bytes every time for the same arguments."""
    rng = random.Random(index)
    language = feed_language(index)
    words = _WORDS[language]
    # Half the feeds put escaped HTML in descriptions, as many CMSs do; the rest plain text.
    html = index % 2 == 0
    host = f"news{index}.example"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>Bench news {index} ({language})</title>",
        f"<link>https://{host}/</link>",
        f"<description>Synthetic feed {index} for the newsroom benchmark</description>",
        f"<language>{language}</language>",
    ]
    for j in range(items):
        title = " ".join(rng.choice(words[k]) for k in ("who", "did", "what"))
        sentences = [_sentence(rng, words) for _ in range(rng.randint(2, 4))]
        if html:
            body = f'<p>{sentences[0]} <a href="https://{host}/a/{j}">More</a></p>'
            body += "".join(f"<p>{s}</p>" for s in sentences[1:])
        else:
            body = " ".join(sentences)
        when = published - timedelta(minutes=17 * j + index % 17)
        out += [
            "<item>",
            f"<title>{escape(title)}</title>",
            f"<link>https://{host}/{language}/{index}/{j}</link>",
            f'<guid isPermaLink="false">{item_guid(index, j)}</guid>',
            f"<pubDate>{format_datetime(when)}</pubDate>",
            f"<description>{escape(body)}</description>",
            "</item>",
        ]
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


@dataclass(frozen=True)
class _Document:
    body: bytes
    etag: str
    last_modified: str


class _Counts:
    """Responses by status and connections opened, across every host; see STATS_PATH."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def add(self, what: int | str) -> None:
        with self._lock:
            self._counts[str(what)] = self._counts.get(str(what), 0) + 1

    def take(self, reset: bool) -> dict[str, int]:
        with self._lock:
            counts = dict(self._counts)
            if reset:
                self._counts.clear()
            return counts


def _handler(documents: dict[str, _Document], latency_s: float, counts: _Counts) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As production servers do on kept-alive connections; otherwise Nagle's algorithm
        # and delayed ACKs add stalls that would penalize clients that reuse connections.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            if self.path.startswith(STATS_PATH):
                self._send(200, json.dumps(counts.take("reset" in self.path)).encode(), {})
                return
            # A handler lives as long as its TCP connection: this counts how well a
            # client keeps connections alive (the stats requests are left out).
            if not getattr(self, "counted", False):
                self.counted = True
                counts.add("connections")
            # The simulated round trip: every answer, 304s and 404s too, waits the same.
            time.sleep(latency_s)
            document = documents.get(self.path)
            if document is None:
                self._count_and_send(404, b"no such feed", {})
                return
            validators = {"ETag": document.etag, "Last-Modified": document.last_modified}
            if_none_match = self.headers.get("If-None-Match")
            if_modified_since = self.headers.get("If-Modified-Since")
            if (if_none_match and document.etag in if_none_match) or (
                not if_none_match and if_modified_since == document.last_modified
            ):
                self._count_and_send(304, b"", validators)
                return
            headers = {"Content-Type": "application/rss+xml; charset=utf-8", **validators}
            self._count_and_send(200, document.body, headers)

        def _count_and_send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            counts.add(status)
            self._send(status, body, headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve(feeds: int, items: int, hosts: int, latency_ms: float, conn: Connection) -> None:
    """Serve `feeds` feeds spread over `hosts` loopback addresses until told to stop.

    Sends [(host, port), ...] on conn when listening; stops on any message, when the
    parent process goes away, or after MAX_LIFETIME_S.
    """
    parent = os.getppid()
    published = datetime.now(UTC).replace(second=0, microsecond=0)
    last_modified = format_datetime(published - timedelta(hours=1), usegmt=True)
    per_host: list[dict[str, _Document]] = [{} for _ in range(hosts)]
    for index in range(feeds):
        body = feed_document(index, items, published=published)
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        per_host[index % hosts][feed_path(index)] = _Document(body, etag, last_modified)
    counts = _Counts()
    servers = [
        _Server((f"127.0.0.{h + 1}", 0), _handler(per_host[h], latency_ms / 1000, counts))
        for h in range(hosts)
    ]
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    conn.send([s.server_address[:2] for s in servers])
    deadline = time.monotonic() + MAX_LIFETIME_S
    while time.monotonic() < deadline and os.getppid() == parent:
        if conn.poll(0.5):
            break
    for server in servers:
        server.shutdown()
        server.server_close()


def feed_urls(addresses: list[tuple[str, int]], feeds: int) -> list[str]:
    """Each feed's URL, on the host `serve` put it on."""
    hosts = len(addresses)
    return [
        f"http://{addresses[i % hosts][0]}:{addresses[i % hosts][1]}{feed_path(i)}"
        for i in range(feeds)
    ]
