"""The illustrator: an image prompt, alt text and the caption that says the image is AI-made."""

from __future__ import annotations

from newsroom.llm.base import LLM
from newsroom.models import Illustration, Model, Persona
from newsroom.models.llm import CallContext

CAPTION_PREFIX = "AI generated illustration related to: "


class IllustratorInputs(Model):
    headline: str
    dek: str
    key_facts: list[str]


def illustrate(
    llm: LLM, persona: Persona, inputs: IllustratorInputs, context: CallContext
) -> Illustration:
    proposed = llm.generate(
        "illustrator",
        inputs,
        Illustration,
        persona=persona,
        context=context,
        offline=lambda: _offline(inputs),
    )
    # The caption's disclosure is house policy, whatever the model wrote.
    return proposed.model_copy(update={"caption": f"{CAPTION_PREFIX}{inputs.headline}"})


def _offline(inputs: IllustratorInputs) -> Illustration:
    return Illustration(
        prompt=(
            "Editorial illustration for a news analysis, restrained documentary style, muted "
            "palette, no text, no logos, no identifiable real people. Subject: "
            f"{inputs.headline}. Context: {inputs.dek}"
        ),
        caption=f"{CAPTION_PREFIX}{inputs.headline}",
        alt=f"An illustration evoking: {inputs.headline}",
    )
