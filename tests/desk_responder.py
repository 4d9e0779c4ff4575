"""A stand-in model for the desk: answers each task's prompt with valid, plausible JSON.

It reads the task from the response schema's name and the sources from the prompt's
untrusted-source blocks, so the whole desk runs over real HTTP against the scripted
OpenAI-speaking server. Tests tweak single tasks (a fabricated citation, bad evidence).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openai_server import ChatReply

from newsroom.nlp import best_support, cluster, split_sentences

FENCE = re.compile(r"<untrusted-source(?P<attrs>[^>]*)>\n(?P<body>.*?)\n</untrusted-source>", re.S)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
CLAIM_LINE = re.compile(r"^(?P<index>\d+)\. \(cites (?P<cites>[^)]*)\) (?P<text>.*)$")


@dataclass(frozen=True)
class Block:
    attrs: dict[str, str]
    body: str

    @property
    def title(self) -> str:
        return self.body.split("\n", 1)[0]

    @property
    def text(self) -> str:
        return self.body.split("\n\n", 1)[1] if "\n\n" in self.body else self.body


def blocks(text: str) -> list[Block]:
    return [
        Block(dict(ATTRIBUTE.findall(m.group("attrs"))), m.group("body"))
        for m in FENCE.finditer(text)
    ]


def sources(text: str) -> dict[int, Block]:
    """Numbered sources in prompt order (their English translations are skipped)."""
    return {
        int(b.attrs["n"]): b
        for b in blocks(text)
        if "n" in b.attrs and b.attrs.get("translation") != "en"
    }


def task_of(request: dict[str, Any]) -> str:
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        name = response_format["json_schema"]["name"]
    else:  # json_mode: the schema is written at the end of the system message
        system = request["messages"][0]["content"]
        schema = system[system.rindex("JSON Schema:\n") + len("JSON Schema:\n") :]
        name = json.loads(schema)["title"]
    if name == "ArticleText":
        return (
            "copy_editor"
            if "the newsroom's copy editor" in request["messages"][0]["content"]
            else "analyst"
        )
    return name


class DeskModel:
    """Answers per task; assign `overrides[task] = fn(request) -> dict` to change one."""

    def __init__(self) -> None:
        self.overrides: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}

    def __call__(self, request: dict[str, Any]) -> ChatReply:
        task = task_of(request)
        handler = self.overrides.get(task) or getattr(self, f"answer_{task}")
        answer = handler(request)
        prompt = sum(len(m["content"] or "") for m in request["messages"])
        content = json.dumps(answer)
        return ChatReply(
            content=content, prompt_tokens=prompt // 4, completion_tokens=len(content) // 4
        )

    @staticmethod
    def user(request: dict[str, Any]) -> str:
        return request["messages"][1]["content"]

    def answer_Ranking(self, request: dict[str, Any]) -> dict[str, Any]:
        ids = [int(b.attrs["item_id"]) for b in blocks(self.user(request)) if "item_id" in b.attrs]
        return {"ranked": [{"item_id": i, "relevance": 0.9} for i in ids]}

    def answer_Translation(self, request: dict[str, Any]) -> dict[str, Any]:
        title, text = (b.body for b in blocks(self.user(request))[:2])
        return {"title_en": title, "text_en": text}

    def answer_Clusters(self, request: dict[str, Any]) -> dict[str, Any]:
        items = [b for b in blocks(self.user(request)) if "item_id" in b.attrs]
        groups = cluster([b.body for b in items], threshold=0.12)
        return {
            "groups": [
                {
                    "item_ids": [int(items[i].attrs["item_id"]) for i in g],
                    "title": items[g[0]].title,
                }
                for g in groups
            ]
        }

    def answer_ResearchNotes(self, request: dict[str, Any]) -> dict[str, Any]:
        found = sources(self.user(request))
        return {
            "timeline": [
                {"when": b.attrs.get("published") or None, "event": b.title, "source": n}
                for n, b in found.items()
            ],
            "key_facts": [
                {"text": split_sentences(b.text)[0], "source": n}
                for n, b in found.items()
                if split_sentences(b.text)
            ],
        }

    def answer_analyst(self, request: dict[str, Any]) -> dict[str, Any]:
        found = sources(self.user(request))
        cited = [
            f"{sentence.rstrip('.')} [{n}]."
            for n, b in list(found.items())[:4]
            for sentence in split_sentences(b.text)[:2]
        ]
        first = next(iter(found.values()))
        return {
            "headline": first.title,
            "dek": split_sentences(first.text)[0] if split_sentences(first.text) else first.title,
            "sections": [
                {"heading": "What happened", "paragraphs": cited[:4]},
                {"heading": "The details", "paragraphs": cited[4:] or cited[:1]},
                {
                    "heading": "What it means",
                    "paragraphs": [
                        "The pressure will likely continue, and the balance of "
                        "power seems to favour whoever can sustain it longer."
                    ],
                },
            ],
        }

    def answer_copy_editor(self, request: dict[str, Any]) -> dict[str, Any]:
        (article,) = [b.body for b in blocks(self.user(request))]
        edited = json.loads(article)
        edited["headline"] = edited["headline"].replace("Kiev", "Kyiv")
        return edited

    def answer_ProposedVerdicts(self, request: dict[str, Any]) -> dict[str, Any]:
        user = self.user(request)
        found = sources(user)
        claims_block = next(b for b in blocks(user) if b.attrs.get("kind") == "draft claims")
        verdicts = []
        for line in claims_block.body.splitlines():
            match = CLAIM_LINE.match(line)
            if not match:
                continue
            index, text = int(match["index"]), match["text"]
            cites = [int(n) for n in re.findall(r"\d+", match["cites"])]
            cited = [found[n] for n in cites if n in found]
            if not cites:
                verdicts.append({"index": index, "verdict": "opinion"})
                continue
            best = max((best_support(text, b.body) for b in cited), key=lambda s: s.score,
                       default=None)  # fmt: skip
            if best and best.evidence and best.score >= 0.5:
                verdicts.append({"index": index, "verdict": "supported", "source": cites[0],
                                 "evidence": best.evidence})  # fmt: skip
            else:
                verdicts.append({"index": index, "verdict": "unsupported", "note": "not found"})
        return {"verdicts": verdicts}

    def answer_Illustration(self, request: dict[str, Any]) -> dict[str, Any]:
        return {
            "prompt": "A muted editorial illustration of a city skyline at dawn, no people.",
            "caption": "Illustration",
            "alt": "A city skyline at dawn",
        }

    def answer_EditorNotes(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"note": "Well sourced; ready for a human editor.", "flags": []}
