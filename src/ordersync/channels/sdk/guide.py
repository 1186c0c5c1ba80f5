"""Step-by-step setup guides, declared by each connector and rendered by the CLI and the web UI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GuideStep:
    title: str
    text: str
    title_de: str = ""
    text_de: str = ""
    settings: tuple[str, ...] = ()  # the settings this step produces

    def localized(self, locale: str) -> tuple[str, str]:
        if locale.startswith("de") and self.title_de:
            return self.title_de, self.text_de or self.text
        return self.title, self.text
