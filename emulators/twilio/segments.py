"""How many SMS segments a body takes, as Twilio counts them.

A body written only in the GSM-7 alphabet travels in 7-bit characters: 160 in one segment,
153 per segment once split (the rest carries the joining header); the extension characters
(``{ } [ ] ~ \\ | ^ €`` and form feed) take two. Any other character (é is GSM, but ê, emoji,
Cyrillic are not) sends the whole body in UCS-2: 70 UTF-16 units, 67 per segment once split;
an emoji is two units.
"""

from __future__ import annotations

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")


def count(body: str) -> int:
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in body):
        units = sum(2 if char in GSM_EXTENSION else 1 for char in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return math.ceil(units / multi)
